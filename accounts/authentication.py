"""API token authentication: knox's, without its look at every other token of the caller.

knox's `TokenAuthentication` reads all of a user's tokens on every request to delete the expired
ones among them: one query per API call, for housekeeping that does not decide the call. Here a
request looks only at the token it came with (expired: deleted and refused, as knox does), and the
other expired tokens are deleted by `accounts.purge_expired_tokens`, run by Celery beat
(config/settings/base.py, CELERY_BEAT_SCHEDULE). Written against django-rest-knox 5.1 (pinned).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from knox.models import AuthToken
from knox.signals import token_expired


class TokenAuthentication(auth.TokenAuthentication):
    """`Authorization: Token <key>`: knox's check of the key's hash and expiry, one query."""

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        """Whether this token has expired (then it is deleted); other tokens are left to the purge."""
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=self.__class__, username=username, source="auth_token")
        return True


class TokenScheme(KnoxTokenScheme):
    """The API schema's security scheme for this class, as drf-spectacular writes knox's."""

    target_class = "accounts.authentication.TokenAuthentication"
