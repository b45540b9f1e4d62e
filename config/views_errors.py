"""Django's error views, in API.md's JSON shape under /api/ and as Django's HTML pages elsewhere.

DRF answers its own errors (config.exceptions); these catch what never reaches a DRF view or
escapes it: a path that resolves to nothing, a CSRF failure in the middleware, a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, an unhandled exception.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404
from django.views import csrf, defaults

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX) or request.path_info == API_PREFIX.rstrip("/")


def _refusal(detail: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django cannot read (SuspiciousOperation, BadRequest); 413 for a body too large."""
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return _refusal("The request body is too large.", "request_too_large", 413)
    return _refusal("The request could not be read.", "bad_request", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    return _refusal("You do not have permission to perform this action.", "permission_denied", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    if isinstance(exception, Resolver404):
        return _refusal("There is no such endpoint.", "not_found", 404)
    return _refusal("Not found.", "not_found", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if not _is_api(request):
        return defaults.server_error(request)
    return _refusal("A server error occurred.", "server_error", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the words DRF's SessionAuthentication uses for the same refusal."""
    if not _is_api(request):
        return csrf.csrf_failure(request, reason=reason)
    return _refusal(f"CSRF Failed: {reason}", "permission_denied", 403)
