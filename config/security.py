"""Security headers on every answer: a Content-Security-Policy that allows no inline script or
style (every script and stylesheet is a file this server serves: static/js, static/css, vendor/),
and a Permissions-Policy that turns off the browser features no page uses. Django's own
SecurityMiddleware sets Referrer-Policy (SECURE_REFERRER_POLICY), X-Content-Type-Options and
Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sets X-Frame-Options.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # the favicon, and Swagger UI's icons
        "font-src 'self'",
        "connect-src 'self'",  # htmx and Swagger UI call this server only
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial", "bluetooth", "display-capture")
)


class SecurityHeadersMiddleware:
    """Adds the CSP and Permissions-Policy to every answer that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# Swagger UI (/api/v1/docs/) writes a <style> of its own; its scripts stay files.
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def with_inline_styles(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view's answers allow inline styles, and nothing else more than every page."""

    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response

    return wrapped
