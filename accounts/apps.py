from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save, pre_save

        from accounts import receivers

        user_model = get_user_model()
        pre_save.connect(receivers.note_password_change, sender=user_model, dispatch_uid="accounts.password")
        post_save.connect(
            receivers.revoke_tokens_after_password_change, sender=user_model, dispatch_uid="accounts.password"
        )
