"""A password change revokes the user's API tokens, wherever the password changed (the register
API, the admin, `manage.py changepassword`, a password reset).

Django sends no password-changed signal, so the stored hash is compared before each save of a user
that may write it. That is the rule by which Django already ends the user's other browser sessions
(their session hash derives from the password hash); like them, the tokens also go when Django
re-hashes a password with stronger parameters at the next password log-in.
"""

from typing import Any

from accounts import services


def note_password_change(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """pre_save: remember whether this save writes a new password hash."""
    if raw or instance._state.adding or (update_fields is not None and "password" not in update_fields):
        instance._accounts_password_changed = False
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._accounts_password_changed = stored is not None and stored != instance.password


def revoke_tokens_after_password_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save: the new password is saved, so no token issued under the old one stays valid."""
    if getattr(instance, "_accounts_password_changed", False):
        instance._accounts_password_changed = False
        services.api_tokens_revoke_all(user=instance)
