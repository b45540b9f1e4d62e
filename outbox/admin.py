from django.contrib import admin

from config.admin import ReadOnlyModelAdmin
from outbox.models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyModelAdmin):
    """Read-only: what waits to be sent to the workers, and why it has not gone yet."""

    list_display = ["pk", "task", "args", "coalesce_key", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["task"]
