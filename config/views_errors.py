"""Django's error views, in API.md's JSON shape under /api/ and as the site's pages elsewhere.

DRF answers its own errors (config.exceptions); these catch what never reaches a DRF view or
escapes it: a path that resolves to nothing, a CSRF failure in the middleware, a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, an unhandled exception, the database out of reach (a 503, whichever
of these raised it). The pages are templates/400.html, 403.html, 404.html (with base.html and the
request's context), 500.html and 503.html (self-contained: rendered with no context, they must
show whatever failed).
"""

import sys

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from config.exceptions import DATABASE_UNAVAILABLE, database_unavailable_message

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX) or request.path_info == API_PREFIX.rstrip("/")


def _refusal(detail: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


@requires_csrf_token  # base.html's log-out form needs a token, as on Django's own error views
def _page(request: HttpRequest, status: int, detail: str = "", **context: object) -> HttpResponse:
    return render(request, f"{status}.html", {"detail": detail, **context}, status=status)


def _words(exception: Exception) -> str:
    """What an Http404 or PermissionDenied was raised with, when it is words for people (a view's
    "There is no such work center."), not a resolver's list of the patterns it tried."""
    if isinstance(exception, Resolver404) or not exception.args:
        return ""
    return exception.args[0] if isinstance(exception.args[0], str) else ""


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django cannot read (SuspiciousOperation, BadRequest); 413 for a body too large."""
    if not is_api(request):
        return _page(request, 400)
    if isinstance(exception, RequestDataTooBig):
        return _refusal("The request body is too large.", "request_too_large", 413)
    return _refusal("The request could not be read.", "bad_request", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return _page(request, 403, _words(exception))
    return _refusal("You do not have permission to perform this action.", "permission_denied", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return _page(request, 404, _words(exception))
    if isinstance(exception, Resolver404):
        return _refusal("There is no such endpoint.", "not_found", 404)
    return _refusal("Not found.", "not_found", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """An exception nothing handled; Django calls this inside its `except`, so it is at hand: the
    database out of reach (raised by a page, a middleware or the API) is a 503 to try again."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        if is_api(request):
            response: HttpResponse = _refusal(database_unavailable_message(), "database_unavailable", 503)
        else:
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "5"
        return response
    if not is_api(request):
        return defaults.server_error(request)  # templates/500.html, rendered with no context
    return _refusal("A server error occurred.", "server_error", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the words DRF's SessionAuthentication uses for the same refusal."""
    if not is_api(request):
        # Django's reasons ("CSRF cookie not set.") are for developers; the page says what to do.
        detail = _("The form was open too long or came from elsewhere. Go back, reload the page and try again.")
        return _page(request, 403, detail, csrf_failed=True)
    return _refusal(f"CSRF Failed: {reason}", "permission_denied", 403)
