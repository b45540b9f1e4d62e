from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/register/", api.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", api.TokenObtainApi.as_view(), name="auth-token"),
    path("auth/logout/", api.LogoutApi.as_view(), name="auth-logout"),
    path("auth/logout-all/", api.LogoutAllApi.as_view(), name="auth-logout-all"),
    path("me/profiles/", api.ProfileListCreateApi.as_view(), name="profile-list"),
    path("me/profiles/<int:profile_id>/", api.ProfileDetailApi.as_view(), name="profile-detail"),
]
