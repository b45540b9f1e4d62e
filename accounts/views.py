import math
from typing import Any

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

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
