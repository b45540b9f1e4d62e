"""With a Redis broker (`make serve`), every process shares one cache: rate limits hold across
gunicorn's workers, and the worker's replan clears the load cache that the web processes read."""

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import shared_cache_url

# One process's view of the production settings: its cache, and what its `auth` throttle answers
# to each of N requests from one address.
PROBE = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from accounts.throttling import ScopedRateThrottle

class View:
    throttle_scope = "auth"

answers = []
for _ in range(int(sys.argv[1])):
    request = RequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR="198.51.100.9")
    request.user = AnonymousUser()
    answers.append(ScopedRateThrottle().allow_request(request, View()))
print(json.dumps({"cache": settings.CACHES["default"], "answers": answers}))
"""


def _production(env: dict[str, str], requests: int = 0) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "CELERY_BROKER_URL", "THROTTLE_RATES")}
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(requests)],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": secrets.token_urlsafe(48)}
        | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        pytest.fail("CELERY_BROKER_URL is not set: run the suite with `make test` (scripts/with-services).")
    return settings.CELERY_BROKER_URL


@pytest.fixture
def shared_cache() -> Iterator[str]:
    """The cache the production settings derive from the suite's broker, empty before and after."""
    url = shared_cache_url(cache_url="", broker_url=_broker())
    assert url is not None
    redis = RedisCache(url, {})
    redis.clear()
    yield url
    redis.clear()


def test_production_with_a_redis_broker_caches_in_the_next_database_of_that_redis():
    cache = _production({"CELERY_BROKER_URL": "redis://127.0.0.1:6390/3"})["cache"]
    assert cache == {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6390/4"}


def test_cache_url_names_the_shared_cache():
    cache = _production({"CELERY_BROKER_URL": "redis://127.0.0.1:6390/0", "CACHE_URL": "redis://cache:6379/7"})["cache"]
    assert cache == {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://cache:6379/7"}


def test_without_redis_the_one_process_keeps_a_local_cache():
    cache = _production({})["cache"]
    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize(
    ("cache_url", "broker_url", "says"),
    [
        ("memcached://127.0.0.1:11211", "", "CACHE_URL must be a Redis URL"),
        ("", "redis://127.0.0.1:6379/queue", "database must be a number"),
    ],
)
def test_an_unusable_cache_setting_is_refused(cache_url, broker_url, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        shared_cache_url(cache_url=cache_url, broker_url=broker_url)


def test_a_broker_without_a_database_number_is_database_0():
    assert shared_cache_url(cache_url="", broker_url="redis://:pw@redis:6379") == "redis://:pw@redis:6379/1"


def test_two_production_processes_share_one_rate_limit(shared_cache):
    # given the auth rate of 20 a minute, and one process that has let 15 attempts through
    first = _production({"CELERY_BROKER_URL": _broker()}, requests=15)
    assert first["cache"]["LOCATION"] == shared_cache
    assert first["answers"] == [True] * 15
    # when another process (another gunicorn worker) gets 10 more from the same address
    second = _production({"CELERY_BROKER_URL": _broker()}, requests=10)
    # then it lets through only what is left of the one budget
    assert second["answers"] == [True] * 5 + [False] * 5
