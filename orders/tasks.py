"""Celery tasks of orders."""

from celery import shared_task

from orders import services
from production.tasks import RETRY


@shared_task(name="orders.release", **RETRY)
def release_order_task(order_id: int) -> str | None:
    """Release a placed order into production (idempotent: safe to run twice or after a crash)."""
    order = services.order_release(order_id=order_id)
    return order.status if order else None
