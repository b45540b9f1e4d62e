"""The outbox's periodic sender: whatever could not be sent after its commit goes now."""

from celery import shared_task

from outbox import services


@shared_task(name="outbox.flush", acks_late=True, soft_time_limit=60, time_limit=90)
def flush_outbox_task() -> int:
    """Send waiting messages (broker back after an outage, a process killed after commit)."""
    return services.outbox_flush()
