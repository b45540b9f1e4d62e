"""Production listens to inventory: a receipt re-allocates waiting production orders."""

from typing import Any

from django.dispatch import receiver

from inventory.signals import stock_received


@receiver(stock_received, dispatch_uid="production.reallocate_on_receipt")
def reallocate_on_receipt(sender: Any, item_id: int, **kwargs: Any) -> None:
    from production.tasks import allocate_material_task

    allocate_material_task.delay_on_commit()
