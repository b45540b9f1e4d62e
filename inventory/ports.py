"""Who holds reserved stock, told to inventory without inventory importing them.

Dependencies point orders -> production -> inventory, yet `inventory_check` must prove that every
reserved unit has an owner. The apps that reserve stock (production: its material requirements)
register a provider here in their `AppConfig.ready()`.
"""

from collections.abc import Callable
from decimal import Decimal

ReservationHolder = Callable[[], dict[int, Decimal]]

_holders: dict[str, ReservationHolder] = {}


def register(*, name: str, reservation_holder: ReservationHolder) -> None:
    """Register what `name` holds of each item ({item id: reserved and not yet consumed})."""
    _holders[name] = reservation_holder


def reserved_by_owners() -> dict[int, Decimal]:
    """{item id: what every registered owner holds of it}, summed over the owners."""
    held: dict[int, Decimal] = {}
    for holder in _holders.values():
        for item_id, quantity in holder().items():
            held[item_id] = held.get(item_id, Decimal(0)) + quantity
    return held
