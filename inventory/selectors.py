"""Reads of stock."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from inventory import ports
from inventory.models import Item, LedgerEntry


def item_list() -> QuerySet[Item]:
    return Item.objects.order_by("sku")


def item_facts(skus: Iterable[str]) -> dict[str, dict[str, Any]]:
    """What the catalog needs to know of items (registered with bom.ports)."""
    return {
        item.sku: {"name": item.name, "uom": item.uom, "decimals": item.decimals, "co2e_kg": str(item.co2e_kg)}
        for item in Item.objects.filter(sku__in=list(skus))
    }


def item_ids_by_sku(skus: Iterable[str]) -> dict[str, int]:
    return dict(Item.objects.filter(sku__in=list(skus)).values_list("sku", "pk"))


def ledger_mismatches() -> list[str]:
    """Items whose cached levels differ from the sum of their ledger rows (empty when consistent)."""
    sums = {
        row["item_id"]: (row["on_hand"] or Decimal(0), row["reserved"] or Decimal(0))
        for row in LedgerEntry.objects.values("item_id").annotate(
            on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
        )
    }
    problems = []
    for item in Item.objects.all():
        on_hand, reserved = sums.get(item.pk, (Decimal(0), Decimal(0)))
        if (on_hand, reserved) != (item.on_hand, item.reserved):
            problems.append(
                f"{item.sku}: on hand {item.on_hand} (ledger {on_hand}), reserved {item.reserved} (ledger {reserved})"
            )
    return problems


def reservation_mismatches() -> list[str]:
    """Items whose reserved level differs from what its owners hold (inventory.ports: production's
    open requirements, reserved minus consumed); a reservation nobody holds is found here."""
    held = ports.reserved_by_owners()
    problems = []
    for item in Item.objects.all():
        owned = held.get(item.pk, Decimal(0))
        if owned != item.reserved:
            problems.append(f"{item.sku}: reserved {item.reserved}, held by its owners {owned}")
    return problems
