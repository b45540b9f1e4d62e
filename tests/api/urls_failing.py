"""A test-only URLconf: the real one, plus views that fail as no real view should be able to."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls as real_urls

# Django takes the error handlers from the root URLconf: this one's are the real one's.
for _name in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(real_urls, _name):
        globals()[_name] = getattr(real_urls, _name)

CALLS: list[str] = []


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("an unhandled bug")


def guarded(request: HttpRequest) -> HttpResponse:
    """A plain Django view, so CsrfViewMiddleware checks a POST to it (DRF's views are exempt)."""
    CALLS.append(request.path)
    return HttpResponse("done")


urlpatterns = [
    path("api/v1/boom/", boom),
    path("api/v1/guarded/", guarded),
    path("boom/", boom),
    path("guarded/", guarded),
    *real_urls.urlpatterns,
]
