"""API.md "Inventory": stock levels and receipts."""

import io
from decimal import Decimal

import pytest
from django.db.models import F

from inventory.models import Item, LedgerEntry, Receipt

pytestmark = pytest.mark.usefixtures("demo")


def test_planners_see_levels_with_available(planner_api):
    response = planner_api.get("/api/v1/inventory/items/?page_size=1000")
    assert response.status_code == 200
    rows = {row["sku"]: row for row in response.json()["results"]}
    cloth = rows["FAB-CASHMERE-GREY"]
    assert set(cloth) == {"sku", "name", "uom", "on_hand", "reserved", "available"}
    assert Decimal(cloth["available"]) == Decimal(cloth["on_hand"]) - Decimal(cloth["reserved"])


@pytest.mark.parametrize("who", ["customer_api", "operator_api"])
def test_customers_and_operators_do_not_see_stock(request, who):
    api = request.getfixturevalue(who)
    assert api.get("/api/v1/inventory/items/").status_code == 403
    response = api.post("/api/v1/inventory/receipts/", {"sku": "HW-HINGE", "quantity": "5"}, format="json")
    assert response.status_code == 403
    assert not Receipt.objects.exists()


def test_a_receipt_raises_on_hand_through_the_ledger(planner_api):
    hinge = Item.objects.get(sku="HW-HINGE")
    response = planner_api.post(
        "/api/v1/inventory/receipts/", {"sku": "HW-HINGE", "quantity": "50", "reference": "DN-77"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["number"].startswith("RCV-")
    hinge.refresh_from_db()
    assert hinge.on_hand == Item.objects.get(pk=hinge.pk).on_hand
    entry = LedgerEntry.objects.filter(item=hinge, reason="receipt").get()
    assert entry.on_hand_delta == Decimal("50") and entry.source == response.json()["number"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"sku": "NOPE", "quantity": "5"}, "sku"),
        ({"sku": "HW-HINGE", "quantity": "0"}, "quantity"),
        ({"sku": "HW-HINGE", "quantity": "-3"}, "quantity"),
        ({"sku": "HW-HINGE", "quantity": "1.5"}, "quantity"),
        ({"sku": "HW-HINGE", "quantity": "lots"}, "quantity"),
        ({"quantity": "5"}, "sku"),
        ({"sku": "HW-HINGE", "quantity": "999999999999"}, "quantity"),
    ],
)
def test_bad_receipts_are_refused_and_change_nothing(planner_api, body, field):
    levels = list(Item.objects.order_by("pk").values_list("on_hand", flat=True))
    response = planner_api.post("/api/v1/inventory/receipts/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Receipt.objects.exists()
    assert list(Item.objects.order_by("pk").values_list("on_hand", flat=True)) == levels


def test_the_database_refuses_reserving_more_than_on_hand(db):
    from django.db import IntegrityError, transaction
    from django.db.models import F

    item = Item.objects.get(sku="FAB-CASHMERE-GREY")
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(pk=item.pk).update(reserved=F("on_hand") + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(pk=item.pk).update(reserved=-1)
    item.refresh_from_db()
    assert item.reserved == Decimal("0")


def test_inventory_check_proves_levels_equal_the_ledger_and_catches_a_drift():
    from django.core.management import CommandError, call_command

    call_command("inventory_check", stdout=io.StringIO())
    Item.objects.filter(sku="HW-HINGE").update(on_hand=F("on_hand") + 1)  # a level changed behind the ledger
    with pytest.raises(CommandError, match="HW-HINGE"):
        call_command("inventory_check", stdout=io.StringIO())
    Item.objects.filter(sku="HW-HINGE").update(on_hand=F("on_hand") - 1)
