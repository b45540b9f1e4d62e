"""Orders listens to production's domain signals and moves the customer's order along."""

from typing import Any

from django.dispatch import receiver

from orders import services
from production import signals


@receiver(signals.production_started, dispatch_uid="orders.in_production")
def on_production_started(sender: Any, order_line_id: int, **kwargs: Any) -> None:
    services.order_mark_in_production(order_line_id=order_line_id)


@receiver(signals.production_order_done, dispatch_uid="orders.complete")
def on_production_order_done(sender: Any, order_line_id: int, **kwargs: Any) -> None:
    services.order_complete_if_done(order_line_id=order_line_id)


@receiver(signals.material_allocated, dispatch_uid="orders.material")
def on_material_allocated(sender: Any, order_line_ids: list[int], **kwargs: Any) -> None:
    services.orders_note_material_arrived(order_line_ids=order_line_ids)
