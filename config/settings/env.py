"""Typed readers for settings that come from the environment."""

import os
import re
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw in (None, "") else int(raw)


def env_count(name: str, default: int, *, at_least: int = 0) -> int:
    """A whole number of at least `at_least`; anything else refuses to start."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < at_least:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {at_least}, not {raw!r}.")
    return int(raw)


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


_RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")


def env_rates(name: str, defaults: dict[str, str | None]) -> dict[str, str | None]:
    """`scope=rate,...` merged over the defaults; a rate is `N/s|min|hour|day`, or `none` for no limit.

    Refuses (ImproperlyConfigured) a scope the defaults do not know or a rate DRF could not read, so a
    typo stops the server from starting instead of silently dropping a limit.
    """
    raw = os.environ.get(name, "")
    rates = dict(defaults)
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        scope, sep, rate = (s.strip() for s in part.partition("="))
        if not sep or scope not in defaults:
            raise ImproperlyConfigured(
                f"{name}: {part!r} must be scope=rate with scope one of {', '.join(sorted(defaults))}."
            )
        if rate.lower() == "none":
            rates[scope] = None
        elif _RATE.match(rate):
            rates[scope] = rate
        else:
            raise ImproperlyConfigured(
                f"{name}: the rate of {scope!r} must be like 20/min (per s, min, hour or day) or none, not {rate!r}."
            )
    return rates


_REDIS_SCHEMES = ("redis", "rediss", "unix")


def shared_cache_url(*, cache_url: str, broker_url: str) -> str | None:
    """The Redis that every process shares for caching and rate limits, or None for a local cache.

    CACHE_URL when set; otherwise, with a Redis broker (a separate worker, `make serve`), the same
    server with the next database number, so that clearing the cache never empties the task queue.
    """
    if cache_url:
        if urlsplit(cache_url).scheme not in _REDIS_SCHEMES:
            raise ImproperlyConfigured(
                f"CACHE_URL must be a Redis URL (redis://, rediss:// or unix://), not {cache_url!r}."
            )
        return cache_url
    broker = urlsplit(broker_url)
    if broker.scheme not in ("redis", "rediss"):
        return None
    db = broker.path.strip("/") or "0"
    if not db.isdigit():
        raise ImproperlyConfigured(f"CELERY_BROKER_URL's database must be a number, not {db!r}; or set CACHE_URL.")
    return urlunsplit(broker._replace(path=f"/{int(db) + 1}"))
