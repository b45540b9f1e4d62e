import math
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import i18n as i18n_views
from django.views.decorators.http import require_http_methods, require_POST

from accounts.services import preference_language_set
from accounts.throttling import ScopedRateThrottle


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Anyone may sign up as a customer; they are logged in straight away."""
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # the language they signed up in is theirs until they switch (their mails use it too)
        if translation.get_language() in dict(settings.LANGUAGES):
            preference_language_set(user=user, language=translation.get_language())
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        target = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return redirect(target if target and safe else "shop:home")
    return render(request, "registration/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Django's log-in page; attempts count against the API's `auth` rate, in the same budget as
    `POST /api/v1/auth/token/`, so that guessing passwords here is no cheaper than there."""

    throttle_scope = "auth"
    # FormView would take PUT as a POST; a log-in form is only ever shown and posted.
    http_method_names = ["get", "post", "head", "options"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        throttle = ScopedRateThrottle()
        # DRF's throttle reads only the request's META and user, and the view's throttle_scope.
        if not throttle.allow_request(request, self):  # type: ignore[arg-type]
            wait = throttle.wait()
            seconds = math.ceil(wait) if wait is not None else None
            response = render(request, "accounts/throttled.html", {"wait_seconds": seconds}, status=429)
            if seconds is not None:
                response["Retry-After"] = str(seconds)
            return response
        return super().post(request, *args, **kwargs)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switcher: Django's `set_language` (the `django_language` cookie, back
    to `next`), and for a logged-in user the choice is saved, to apply at every log-in."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        # Django's view keeps any language Django itself speaks; this site speaks only its own
        response.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    elif request.user.is_authenticated:
        preference_language_set(user=request.user, language=language)
    return response
