"""Logs that tie together: a request id on every line a request writes, carried into the Celery
tasks it starts, and JSON lines in production (LOG_FORMAT=json) for a log collector.

The id comes from the caller's `X-Request-ID` when it is a plain token (a proxy or a load balancer
set it), or is made here; the response carries it back so a customer's report can be found.
"""

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.signals import request_finished, request_started
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_META = "HTTP_X_REQUEST_ID"
_TOKEN = re.compile(r"[A-Za-z0-9._:-]{1,64}")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def _given(value: str) -> str:
    return value if _TOKEN.fullmatch(value) else new_request_id()


@receiver(request_started)
def _request_started(environ: dict[str, Any] | None = None, scope: dict[str, Any] | None = None, **kwargs: Any) -> None:
    # Set here rather than in the middleware: Django logs a 4xx/5xx answer after the middleware
    # returns, and that line must carry the id too. (WSGI passes `environ`, ASGI `scope`.)
    if environ is not None:
        given = environ.get(_META, "")
    else:
        headers = dict((scope or {}).get("headers") or [])
        given = headers.get(HEADER.lower().encode(), b"").decode("latin-1")
    request_id.set(_given(given))


@receiver(request_finished)
def _request_finished(**kwargs: Any) -> None:
    request_id.set(None)


class RequestIdMiddleware:
    """Answers the request's id in `X-Request-ID` (set when the request started)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request_id.get()
        if rid is None:  # a handler that sent no request_started
            rid = _given(request.META.get(_META, ""))
            request_id.set(rid)
        response = self.get_response(request)
        response[HEADER] = rid
        return response


class RequestIdFilter:
    """Adds `request_id` to every log record ("-" outside a request or a task)."""

    def filter(self, record: Any) -> bool:
        record.request_id = request_id.get() or "-"
        return True


@before_task_publish.connect
def _send_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    rid = request_id.get()
    if rid and headers is not None:
        headers.setdefault("request_id", rid)


_task_tokens: dict[str, Any] = {}


@task_prerun.connect
def _receive_request_id(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    rid = getattr(getattr(task, "request", None), "request_id", None)
    _task_tokens[task_id] = request_id.set(rid if isinstance(rid, str) and _TOKEN.fullmatch(rid) else None)


@task_postrun.connect
def _forget_request_id(task_id: str = "", **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        request_id.reset(token)
