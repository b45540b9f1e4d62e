"""The language a user reads: their e-mails (and anything else sent outside a request) are
written in it."""

from typing import Any

from django.conf import settings

from accounts.selectors import preference_language


def user_language(user: Any) -> str:
    """The language code `user` reads: the one they chose (the switcher saves it), else the site's."""
    return preference_language(user=user) or settings.LANGUAGE_CODE
