"""The language a user reads: their e-mails (and later anything sent outside a request) are
written in it."""

from typing import Any

from django.conf import settings


def user_language(user: Any) -> str:
    """The language code `user` reads (settings.LANGUAGE_CODE until customers can save one)."""
    return settings.LANGUAGE_CODE
