"""Celery tasks of orders."""

from datetime import timedelta

from celery import shared_task

from orders import services
from production.tasks import RETRY


@shared_task(name="orders.release", **RETRY)
def release_order_task(order_id: int) -> str | None:
    """Release a placed order into production (idempotent: safe to run twice or after a crash)."""
    order = services.order_release(order_id=order_id)
    return order.status if order else None


@shared_task(name="orders.release_pending", **RETRY)
def release_pending_orders_task() -> int:
    """Release orders whose release task was lost (broker down) or gave up; runs periodically."""
    pending = services.orders_pending_release(older_than=timedelta(minutes=2))
    for order_id in pending:
        services.order_release(order_id=order_id)
    return len(pending)


@shared_task(name=services.NOTIFY_TASK, **RETRY)
def notify_customer_task(event_id: int) -> bool:
    """E-mail the customer about a milestone of their order (once)."""
    return services.order_event_notify(event_id=event_id)
