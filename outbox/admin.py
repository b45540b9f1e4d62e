from django.contrib import admin

from outbox.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: what waits to be sent to the workers, and why it has not gone yet."""

    list_display = ["pk", "task", "args", "coalesce_key", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["task"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
