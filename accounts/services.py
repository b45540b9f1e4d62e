"""Writes for accounts: registration."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.password_validation import validate_password
from django.db import transaction


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
