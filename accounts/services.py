"""Writes for accounts: registration and API tokens."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken


@transaction.atomic
def user_register(*, username: str, email: str, password: str) -> AbstractUser:
    """Create a customer account. Raises django.core.exceptions.ValidationError on a weak password.

    The username is NFKC-normalised as Django's forms do, so `ａｌｉｃｅ` (full width) is `alice`.
    """
    user_model = get_user_model()
    user = user_model(username=user_model.normalize_username(username), email=email)
    validate_password(password, user=user)
    user.set_password(password)
    user.save()
    return user


def api_token_create(*, user: Any) -> str:
    """Issue a new API token for the user, valid for REST_KNOX's TOKEN_TTL, and return its key.

    Only the key's hash is stored, so the key is shown this once. The user's expired tokens go.
    """
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    _, key = AuthToken.objects.create(user=user)
    return key


def api_token_revoke(*, token: AuthToken) -> None:
    """Revoke one API token (the caller's own, at log-out)."""
    token.delete()


def api_tokens_revoke_all(*, user: Any) -> int:
    """Revoke every API token of the user; returns how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted
