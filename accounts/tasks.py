"""The accounts' periodic work, run by Celery beat."""

from celery import shared_task

from accounts import services
from production.tasks import RETRY


@shared_task(name="accounts.purge_expired_tokens", **RETRY)
def purge_expired_tokens_task() -> int:
    """Delete the expired API tokens (a request only checks its own)."""
    return services.api_tokens_purge_expired()
