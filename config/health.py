"""Probes for a load balancer or an orchestrator: unauthenticated, cheap, never cached.

`/healthz` answers while the process can serve at all (liveness: it touches nothing else);
`/readyz` answers 200 only when the database and the broker are reachable (readiness), else 503
naming what is not, so traffic goes elsewhere until they are back.
"""

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

# A probe must answer before the prober gives up (often 1 to 5 s): each check waits at most this.
PROBE_TIMEOUT_SECONDS = 1.0


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Anyone may call it."""
    return JsonResponse({"status": "ok"})


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # any failure to reach it is the answer, not an error of the probe
        return f"unreachable: {type(exc).__name__}"


def _broker() -> str:
    url = getattr(settings, "CELERY_BROKER_URL", "")
    if not url or settings.CELERY_TASK_ALWAYS_EAGER:
        return "not used (tasks run in-process)"
    try:
        with Connection(url, connect_timeout=PROBE_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=PROBE_TIMEOUT_SECONDS)
        return "ok"
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database and the broker are reachable. Anyone may call it; it says no more
    than which dependency is down."""
    checks: dict[str, Any] = {"database": _database(), "broker": _broker()}
    ready = all(v == "ok" or v.startswith("not used") for v in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)
