from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from config import health
from config.converters import CodeConverter
from config.exceptions import api_not_found
from config.security import with_inline_styles

register_converter(CodeConverter, "code")

api_v1: list[URLPattern | URLResolver] = [
    path("", include("accounts.urls")),
    path("", include("bom.urls")),
    path("", include("orders.urls")),
    path("", include("production.urls")),
    path("", include("inventory.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path("docs/", with_inline_styles(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
    # Any other path, a newline in it included: `.` stops at one, `$` matches before one, and an
    # inline (?s) would break reverse() for every URL name.
    re_path(r"^[\s\S]*\Z", api_not_found),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", account_views.signup, name="signup"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("planner/", include("production.urls_pages")),
    path("floor/", include("production.urls_floor")),
    path("", include("orders.urls_pages")),
]

# Error pages: JSON under /api/, Django's HTML elsewhere.
handler400 = "config.views_errors.bad_request"
handler403 = "config.views_errors.permission_denied"
handler404 = "config.views_errors.page_not_found"
handler500 = "config.views_errors.server_error"

admin.site.site_header = "C2B Factory administration"
admin.site.site_title = "C2B Factory admin"
