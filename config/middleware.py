"""The language of each request (docs/ARCHITECTURE.md, "Languages")."""

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from accounts.selectors import preference_language
from bom.api import request_language
from bom.configurator.i18n import ZH_HANS
from config.views_errors import is_api


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (no language in the URL), choosing the language by who asks.

    Pages: a logged-in user's saved preference, else the `django_language` cookie the switcher
    sets, else the browser's Accept-Language, else LANGUAGE_CODE (English). The API: the request's
    Accept-Language alone, as API.md says and as the catalog's texts already follow
    (bom.api.request_language), so an API answer never depends on a browser's cookie or session.
    """

    def process_request(self, request: HttpRequest) -> None:
        if is_api(request):
            language = "zh-hans" if request_language(request) == ZH_HANS else "en"  # type: ignore[arg-type]
        else:
            user = getattr(request, "user", None)
            language = preference_language(user=user) or translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        if not is_api(request):
            # the cookie and the session (a logged-in user's preference) choose it too
            patch_vary_headers(response, ("Cookie",))
        return response
