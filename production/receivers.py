"""Production listens to inventory: a receipt re-allocates waiting production orders."""

from typing import Any

from django.dispatch import receiver

from inventory.signals import stock_received
from production import services


@receiver(stock_received, dispatch_uid="production.reallocate_on_receipt")
def reallocate_on_receipt(sender: Any, item_id: int, **kwargs: Any) -> None:
    # Recorded in the receipt's transaction (the outbox), so a broker outage cannot lose it.
    services.allocation_request()
