"""`inventory_check` proves that every reserved unit has an owner: an item's reserved level equals
what production orders hold of it (their requirements' reserved minus consumed)."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F

from inventory.models import Item, LedgerEntry
from inventory.selectors import ledger_mismatches, reservation_mismatches
from orders.services import order_place, order_release
from production.models import ProductionOrder
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")


class Undo(Exception):
    """Roll the damage back so the fixture's own check sees a consistent store again."""


def test_a_consistent_store_passes():
    assert reservation_mismatches() == []
    out = io.StringIO()
    call_command("inventory_check", stdout=out)
    assert "every reservation has its owner" in out.getvalue()


def test_a_reservation_without_an_owner_is_found_though_the_ledger_agrees():
    with pytest.raises(Undo), transaction.atomic():
        # given a reservation written with its ledger row, but no production order holding it
        item = Item.objects.get(sku="HW-HINGE")
        assert item.available >= 1
        LedgerEntry.objects.create(item=item, reason="reservation", reserved_delta=Decimal(1), source="nobody")
        Item.objects.filter(pk=item.pk).update(reserved=F("reserved") + 1)
        # then the levels still equal the ledger, but the check finds the orphan
        assert ledger_mismatches() == []
        problems = reservation_mismatches()
        assert len(problems) == 1 and problems[0].startswith(f"HW-HINGE: reserved {item.reserved + 1}, held by")
        with pytest.raises(CommandError, match="HW-HINGE"):
            call_command("inventory_check", stdout=io.StringIO())
        raise Undo


def test_a_production_order_deleted_behind_the_services_back_is_found(customer):
    order, _ = order_place(customer=customer, lines=[{"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}],
                           idempotency_key=None)  # fmt: skip
    order_release(order_id=order.pk)
    po = ProductionOrder.objects.get(order_line__order=order)
    assert po.status == "planned" and reservation_mismatches() == []
    with pytest.raises(Undo), transaction.atomic():
        # when its production order is deleted (its requirements go with it), as admin used to allow
        po.delete()
        # then the cloth it held is reported as held by nobody
        problems = reservation_mismatches()
        assert any(p.startswith("FAB-WOOL-NAVY:") for p in problems), problems
        with pytest.raises(CommandError, match="FAB-WOOL-NAVY"):
            call_command("inventory_check", stdout=io.StringIO())
        raise Undo
