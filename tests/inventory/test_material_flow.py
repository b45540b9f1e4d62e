"""Issue 4's material flow: purchase orders in supplier units, shortages, allocation by priority
without starvation, partial reservation, scrap."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import Item, LedgerEntry, PurchaseOrder
from inventory.services import stock_reserve
from orders.services import order_place, order_release
from production.models import MaterialRequirement, Operation, ProductionOrder
from production.services import material_allocate_waiting, operation_finish, operation_start, production_replan
from tests.factories import cabinet_spec, suit_spec

pytestmark = pytest.mark.usefixtures("demo")


def set_stock(sku: str, on_hand: Decimal) -> Item:
    item = Item.objects.get(sku=sku)
    LedgerEntry.objects.create(item=item, reason="adjustment", on_hand_delta=on_hand - item.on_hand, source="test")
    Item.objects.filter(pk=item.pk).update(on_hand=on_hand)
    return Item.objects.get(pk=item.pk)


def released(customer, spec=None, product="mtm-suit"):
    order, _ = order_place(customer=customer, lines=[{"product": product, "spec": spec or suit_spec(), "quantity": 1}],
                           idempotency_key=None)  # fmt: skip
    order_release(order_id=order.pk)
    return ProductionOrder.objects.get(order_line__order=order)


def cashmere_need(po) -> Decimal:
    return MaterialRequirement.objects.get(production_order=po, item__sku="FAB-CASHMERE-GREY").quantity


def test_a_purchase_order_in_rolls_is_received_in_metres_in_parts(planner_api):
    Item.objects.filter(sku="FAB-WOOL-NAVY").update(purchase_uom="roll", purchase_factor=Decimal("50"))
    before = Item.objects.get(sku="FAB-WOOL-NAVY").on_hand
    created = planner_api.post("/api/v1/inventory/purchase-orders/", {
        "sku": "FAB-WOOL-NAVY", "supplier": "Biella Mills", "quantity": "3",
        "expected_date": (date.today() + timedelta(days=10)).isoformat()}, format="json")  # fmt: skip
    assert created.status_code == 201, created.json()
    number = created.json()["number"]
    assert created.json()["uom"] == "roll" and created.json()["status"] == "open"
    first = planner_api.post(f"/api/v1/inventory/purchase-orders/{number}/receive/", {"quantity": "1"}, format="json")
    assert first.status_code == 201 and Decimal(first.json()["quantity"]) == Decimal("50")
    assert PurchaseOrder.objects.get(number=number).status == "partially_received"
    too_much = planner_api.post(f"/api/v1/inventory/purchase-orders/{number}/receive/", {"quantity": "3"},
                                format="json")  # fmt: skip
    assert too_much.status_code == 400 and "quantity" in too_much.json()
    planner_api.post(f"/api/v1/inventory/purchase-orders/{number}/receive/", {"quantity": "2"}, format="json")
    assert PurchaseOrder.objects.get(number=number).status == "received"
    assert Item.objects.get(sku="FAB-WOOL-NAVY").on_hand == before + 150
    closed = planner_api.post(f"/api/v1/inventory/purchase-orders/{number}/receive/", {"quantity": "1"},
                              format="json")  # fmt: skip
    assert closed.status_code == 409 and closed.json()["code"] == "not_open"


def test_shortages_net_of_stock_and_open_purchases(customer, planner_api):
    set_stock("FAB-CASHMERE-GREY", Decimal("0"))
    first = released(customer, suit_spec(fabric="cashmere-grey"))
    second = released(customer, suit_spec(fabric="cashmere-grey"))
    production_replan()
    need = cashmere_need(first) + cashmere_need(second)
    rows = planner_api.get("/api/v1/inventory/shortages/").json()["results"]
    cashmere = next(r for r in rows if r["sku"] == "FAB-CASHMERE-GREY")
    assert Decimal(cashmere["short_quantity"]) == need
    assert cashmere["production_orders"] == [first.number, second.number]
    assert cashmere["needed_by"] is not None
    # an open purchase order covers part of it
    Item.objects.filter(sku="FAB-CASHMERE-GREY").update(purchase_uom="roll", purchase_factor=Decimal("2"))
    planner_api.post("/api/v1/inventory/purchase-orders/", {
        "sku": "FAB-CASHMERE-GREY", "supplier": "Loro", "quantity": "1", "expected_date": date.today().isoformat()},
        format="json")  # fmt: skip
    cashmere = next(r for r in planner_api.get("/api/v1/inventory/shortages/").json()["results"]
                    if r["sku"] == "FAB-CASHMERE-GREY")  # fmt: skip
    assert Decimal(cashmere["short_quantity"]) == need - 2 and Decimal(cashmere["on_order"]) == 2
    assert cashmere["suggested_purchase"]["uom"] == "roll"
    assert planner_api.get("/api/v1/inventory/shortages/").status_code == 200


def test_customers_do_not_see_shortages_or_purchases(customer_api):
    assert customer_api.get("/api/v1/inventory/shortages/").status_code == 403
    assert customer_api.get("/api/v1/inventory/purchase-orders/").status_code == 403


def test_waiting_orders_are_allocated_by_priority_then_promise(customer):
    set_stock("FAB-CASHMERE-GREY", Decimal("0"))
    early, late = (
        released(customer, suit_spec(fabric="cashmere-grey")),
        released(customer, suit_spec(fabric="cashmere-grey")),
    )
    ProductionOrder.objects.filter(pk=late.pk).update(priority=5)
    set_stock("FAB-CASHMERE-GREY", cashmere_need(late))
    assert material_allocate_waiting() == [late.number]
    assert ProductionOrder.objects.get(pk=early.pk).status == "awaiting_material"


def test_an_old_waiting_order_is_not_starved_by_newer_small_ones(customer):
    # given an old order waiting for a lot of board, and only a little board in stock
    set_stock("BRD-OAK", Decimal("0"))
    old = released(customer, cabinet_spec(width_mm=1200, height_mm=2400, shelves=8), product="custom-cabinet")
    ProductionOrder.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    old_need = MaterialRequirement.objects.get(production_order=old, item__sku="BRD-OAK").quantity
    set_stock("BRD-OAK", old_need - 1)
    # when newer small orders keep coming
    little = cabinet_spec(width_mm=400, height_mm=600, shelves=0, doors="single", handle="knob-brass")
    small = [released(customer, little, product="custom-cabinet") for _ in range(2)]
    # then they may not take the board the old order is owed
    assert all(ProductionOrder.objects.get(pk=po.pk).status == "awaiting_material" for po in small)
    assert material_allocate_waiting() == []
    # and when board arrives, the old order is served first
    set_stock("BRD-OAK", Item.objects.get(sku="BRD-OAK").on_hand + 1)
    assert material_allocate_waiting()[0] == old.number


def test_items_that_allow_partial_reservation_are_held_as_they_arrive(customer):
    set_stock("FAB-CASHMERE-GREY", Decimal("0"))
    Item.objects.filter(sku="FAB-CASHMERE-GREY").update(allow_partial=True)
    po = released(customer, suit_spec(fabric="cashmere-grey"))
    set_stock("FAB-CASHMERE-GREY", Decimal("1.00"))
    assert material_allocate_waiting() == []
    held = MaterialRequirement.objects.filter(production_order=po, item__sku="FAB-CASHMERE-GREY")
    assert sum(r.reserved for r in held) == Decimal("1.00")
    assert Item.objects.get(sku="FAB-CASHMERE-GREY").reserved == Decimal("1.00")
    assert ProductionOrder.objects.get(pk=po.pk).status == "awaiting_material"


def run_to(po, key, user):
    for op in Operation.objects.filter(production_order=po).order_by("sequence"):
        operation_start(operation_id=op.pk, user=user)
        if op.key == key:
            return op
        operation_finish(operation_id=op.pk, user=user)
    raise AssertionError(key)


def test_scrap_that_stock_covers_is_taken_from_free_stock(customer, operator):
    po = released(customer)
    cut = run_to(po, "cut", operator)
    cloth = Item.objects.get(sku="FAB-WOOL-NAVY")
    operation_finish(operation_id=cut.pk, user=operator, scrap_quantity=Decimal("0.40"))
    after = Item.objects.get(pk=cloth.pk)
    consumed = sum(r.consumed for r in MaterialRequirement.objects.filter(production_order=po, item=cloth))
    assert after.on_hand == cloth.on_hand - consumed - Decimal("0.40")
    assert LedgerEntry.objects.filter(item=cloth, reason="scrap", on_hand_delta=Decimal("-0.40")).exists()
    assert Operation.objects.get(pk=cut.pk).status == "done"


def test_scrap_stock_cannot_cover_sends_the_order_back_to_wait(customer, operator):
    po = released(customer, suit_spec(fabric="cashmere-grey"))
    cut = run_to(po, "cut", operator)
    cashmere = Item.objects.get(sku="FAB-CASHMERE-GREY")
    set_stock("FAB-CASHMERE-GREY", cashmere.reserved)  # nothing free beyond what is reserved
    operation_finish(operation_id=cut.pk, user=operator, scrap_quantity=Decimal("0.50"))
    # the cut is to be redone once the replacement is here; the order waits with a shortage
    assert Operation.objects.get(pk=cut.pk).status == "pending"
    assert ProductionOrder.objects.get(pk=po.pk).status == "awaiting_material"
    replacement = MaterialRequirement.objects.get(production_order=po, kind="scrap")
    assert replacement.quantity == Decimal("0.50") and replacement.reserved == 0
    # when cloth arrives it is reserved, the order is back in progress, and the redo consumes it
    set_stock("FAB-CASHMERE-GREY", Item.objects.get(sku="FAB-CASHMERE-GREY").on_hand + Decimal("0.50"))
    assert material_allocate_waiting() == [po.number]
    assert ProductionOrder.objects.get(pk=po.pk).status == "in_progress"
    operation_start(operation_id=cut.pk, user=operator)
    operation_finish(operation_id=cut.pk, user=operator)
    assert MaterialRequirement.objects.get(pk=replacement.pk).consumed == Decimal("0.50")


def test_bad_scrap_is_refused_and_changes_nothing(customer, operator_api, operator):
    po = released(customer)
    press = Operation.objects.get(production_order=po, key="pattern")
    operation_start(operation_id=press.pk, user=operator)
    for body in ({"scrap_quantity": "1"}, {"scrap_quantity": "0.5", "scrap_item": "NOPE"}):
        response = operator_api.post(f"/api/v1/production/operations/{press.pk}/finish/", body, format="json")
        assert response.status_code == 400 and "scrap_quantity" in response.json()
    assert Operation.objects.get(pk=press.pk).status == "in_progress"


def test_reservations_respect_what_starving_orders_are_owed(customer):
    set_stock("FAB-CASHMERE-GREY", Decimal("0"))
    old = released(customer, suit_spec(fabric="cashmere-grey"))
    ProductionOrder.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    set_stock("FAB-CASHMERE-GREY", cashmere_need(old))
    cashmere = Item.objects.get(sku="FAB-CASHMERE-GREY")
    from django.db import transaction

    with transaction.atomic():
        short = stock_reserve(quantities={cashmere.pk: Decimal("1")}, source="x",
                              holdback={cashmere.pk: cashmere_need(old)})  # fmt: skip
    assert short == {cashmere.pk: Decimal("1")}
    newer = released(customer, suit_spec(fabric="cashmere-grey"))
    assert newer.status == "awaiting_material"
    assert material_allocate_waiting() == [old.number]


def ledger():
    return list(LedgerEntry.objects.order_by("pk").values_list("item_id", "reason", "on_hand_delta",
                                                               "reserved_delta", "source"))  # fmt: skip


def test_allocation_twice_or_after_a_crash_leaves_the_same_ledger(customer, monkeypatch):
    set_stock("FAB-CASHMERE-GREY", Decimal("0"))
    pos = [released(customer, suit_spec(fabric="cashmere-grey")) for _ in range(3)]
    set_stock("FAB-CASHMERE-GREY", Decimal("100"))
    before = ledger()
    # a run that dies after writing the stock levels, before its ledger rows

    def die(*args, **kwargs):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(LedgerEntry.objects, "bulk_create", die)
    with pytest.raises(RuntimeError):
        material_allocate_waiting()
    assert ledger() == before and Item.objects.get(sku="FAB-CASHMERE-GREY").reserved == 0
    monkeypatch.undo()
    # re-run, then run again
    assert material_allocate_waiting() == [po.number for po in pos]
    once = ledger()
    assert material_allocate_waiting() == []
    assert ledger() == once


def test_finishing_twice_consumes_once(customer, operator, operator_api):
    po = released(customer)
    cut = run_to(po, "cut", operator)
    operation_finish(operation_id=cut.pk, user=operator)
    once = ledger()
    again = operator_api.post(f"/api/v1/production/operations/{cut.pk}/finish/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "not_in_progress"
    assert ledger() == once


def test_a_cancellation_gives_its_cloth_to_the_waiting_order(customer, django_capture_on_commit_callbacks):
    from orders.services import order_cancel

    set_stock("FAB-CASHMERE-GREY", Decimal("0"))
    holder = released(customer, suit_spec(fabric="cashmere-grey"))
    set_stock("FAB-CASHMERE-GREY", cashmere_need(holder))
    assert material_allocate_waiting() == [holder.number]
    waiting = released(customer, suit_spec(fabric="cashmere-grey"))
    assert waiting.status == "awaiting_material"
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=holder.order_line.order, user=customer)
    assert ProductionOrder.objects.get(pk=waiting.pk).status == "planned"
    cloth = Item.objects.get(sku="FAB-CASHMERE-GREY")
    assert cloth.reserved == cashmere_need(waiting) <= cloth.on_hand
