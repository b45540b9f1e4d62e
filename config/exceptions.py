"""One DRF exception handler: domain errors and DRF's own errors in API.md's shape."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from config.errors import DomainError, InvalidInput, SpecInvalid

logger = logging.getLogger(__name__)

# The database cannot be reached or dropped the connection (restarted, failed over, out of
# connections): no raw error text for the caller, a 503 to try again. The next request checks its
# pooled connection first (CONN_HEALTH_CHECKS) and gets a new one once the database is back.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable_message() -> str:
    return _("The database is unavailable for a moment; please try again shortly.")


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, SpecInvalid):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, InvalidInput):
        return Response({exc.field: [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message, "code": exc.code}, status=exc.status_code)
    if isinstance(exc, DATABASE_UNAVAILABLE):
        logger.warning("Database unavailable: %s: %s", type(exc).__name__, exc)
        return Response({"detail": database_unavailable_message(), "code": "database_unavailable"},
                        status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})  # fmt: skip
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException) and not isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict) and "detail" in detail:
            detail = detail["detail"]
        codes = exc.get_codes()
        code = codes.get("detail", codes) if isinstance(codes, dict) else codes
        response.data = {"detail": str(detail), "code": str(code)}
    return response


@csrf_exempt  # it changes nothing: a POST to an unknown path is a 404, not a CSRF refusal
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Anyone: an unknown path under /api/v1/ answers in the API's shape, not as an HTML page."""
    return JsonResponse({"detail": _("There is no such endpoint."), "code": "not_found"}, status=404)
