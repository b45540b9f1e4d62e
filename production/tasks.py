"""Celery tasks of production. Each takes ids or nothing, is idempotent, and is sent after commit."""

from celery import shared_task
from django.db import OperationalError

from production import services

RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 120,
    "time_limit": 180,
}


@shared_task(name="production.replan", **RETRY)
def replan_task() -> int:
    """Re-run the scheduler over the open queue."""
    return services.production_replan()


@shared_task(name="production.allocate_material", **RETRY)
def allocate_material_task() -> list[str]:
    """Give waiting production orders the material that has become available, then re-plan."""
    served = services.material_allocate_waiting()
    replan_task.delay()
    return served
