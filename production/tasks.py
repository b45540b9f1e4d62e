"""Celery tasks of production. Each takes ids or nothing, is idempotent, and is sent through the
outbox (outbox.services.outbox_enqueue) in the transaction that made it necessary.

Re-planning and allocation are coalesced: each run takes a database-wide lock, so at most one
runs, and claims the outbox message it was sent for, so at most one more waits however many
requests arrive meanwhile.
"""

from typing import Any

from celery import Task, shared_task
from django.db import OperationalError

from config.errors import ServiceBusy
from outbox.services import outbox_claim, run_exclusively
from production import services

RETRY = {
    "autoretry_for": (OperationalError, ServiceBusy),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 120,
    "time_limit": 180,
}
# While another run holds the lock, a waiting run looks again this often (it holds no worker),
# for up to about half an hour; after that the outbox sends its message again.
BUSY_RETRY_SECONDS = 2
BUSY_RETRIES = 1000


def _run_coalesced(task: Task, name: str, outbox_id: int | None, work: Any) -> Any:
    with run_exclusively(name, wait=bool(task.request.is_eager)) as mine:
        if not mine:
            raise task.retry(countdown=BUSY_RETRY_SECONDS, max_retries=BUSY_RETRIES)
        if not outbox_claim(message_id=outbox_id):
            return None  # another delivery of this request already ran
        return work()


@shared_task(name=services.REPLAN_TASK, bind=True, **RETRY)
def replan_task(self: Task, outbox_id: int | None = None) -> int | None:
    """Re-run the scheduler over the open queue."""
    return _run_coalesced(self, services.REPLAN_TASK, outbox_id, services.production_replan)


@shared_task(name=services.ALLOCATE_TASK, bind=True, **RETRY)
def allocate_material_task(self: Task, outbox_id: int | None = None) -> list[str] | None:
    """Give waiting production orders the material that has become available (it requests a
    re-plan when it served any). Also the periodic sweep that catches anything missed."""
    return _run_coalesced(self, services.ALLOCATE_TASK, outbox_id, services.material_allocate_waiting)
