"""The release task is idempotent: twice, or after an interruption, one production order per line."""

import pytest

from inventory.models import Item, LedgerEntry
from orders.models import Order
from orders.services import order_place, order_release
from orders.tasks import release_order_task
from production import services as production_services
from production.models import MaterialRequirement, Operation, ProductionOrder
from tests.factories import cabinet_spec, suit_spec

pytestmark = pytest.mark.usefixtures("demo")


def two_line_order(customer):
    order, _ = order_place(
        customer=customer,
        lines=[
            {"product": "mtm-suit", "spec": suit_spec(), "quantity": 1},
            {"product": "custom-cabinet", "spec": cabinet_spec(), "quantity": 2},
        ],
        idempotency_key=None,
    )
    return order


def snapshot():
    return (
        list(ProductionOrder.objects.order_by("pk").values_list("order_line_id", "status")),
        Operation.objects.count(),
        list(MaterialRequirement.objects.order_by("pk").values_list("item_id", "quantity", "reserved")),
        list(Item.objects.order_by("pk").values_list("on_hand", "reserved")),
        LedgerEntry.objects.count(),
    )


def test_release_twice_leaves_one_production_order_per_line(customer):
    order = two_line_order(customer)
    release_order_task.apply(args=[order.pk]).get()
    after_first = snapshot()
    release_order_task.apply(args=[order.pk]).get()
    assert snapshot() == after_first
    assert ProductionOrder.objects.count() == 2
    assert Order.objects.get(pk=order.pk).status == "confirmed"


def test_an_interrupted_release_leaves_nothing_half_done_and_a_rerun_completes_it(customer, monkeypatch):
    order = two_line_order(customer)
    before = snapshot()
    real = production_services._reserve
    calls = {"n": 0}

    def crash_on_second_line(po, requirements, items):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker lost")
        return real(po, requirements, items)

    # when the release dies while reserving the second line's material
    monkeypatch.setattr(production_services, "_reserve", crash_on_second_line)
    with pytest.raises(RuntimeError):
        order_release(order_id=order.pk)
    # then nothing of it remains
    assert snapshot() == before
    assert Order.objects.get(pk=order.pk).status == "submitted"
    # and a re-run releases the whole order once
    monkeypatch.setattr(production_services, "_reserve", real)
    order_release(order_id=order.pk)
    order_release(order_id=order.pk)
    assert ProductionOrder.objects.count() == 2
    assert sorted(ProductionOrder.objects.values_list("order_line__position", flat=True)) == [1, 2]
    assert Order.objects.get(pk=order.pk).status == "confirmed"


def test_a_production_order_cannot_exist_without_an_order_line(db):
    from django.db import IntegrityError, connection, transaction

    with connection.cursor() as cursor:  # Django's foreign keys are deferred; check them now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductionOrder.objects.create(number="PO-X", order_line_id=None, product="mtm-suit", quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductionOrder.objects.create(number="PO-Y", order_line_id=987654, product="mtm-suit", quantity=1)
    assert not ProductionOrder.objects.exists()


def test_an_order_line_with_production_cannot_be_deleted(customer):
    from django.db.models import ProtectedError

    order = two_line_order(customer)
    order_release(order_id=order.pk)
    with pytest.raises(ProtectedError):
        order.lines.first().delete()
    assert ProductionOrder.objects.count() == 2


def test_a_receipt_releases_waiting_orders_oldest_first(customer, planner_api, django_capture_on_commit_callbacks):
    # given no cashmere and two waiting cashmere suits
    cashmere = Item.objects.get(sku="FAB-CASHMERE-GREY")
    LedgerEntry.objects.create(item=cashmere, reason="adjustment", on_hand_delta=-cashmere.on_hand, source="test")
    Item.objects.filter(pk=cashmere.pk).update(on_hand=0)
    orders = []
    for _ in range(2):
        order, _ = order_place(
            customer=customer,
            lines=[{"product": "mtm-suit", "spec": suit_spec(fabric="cashmere-grey"), "quantity": 1}],
            idempotency_key=None,
        )
        order_release(order_id=order.pk)
        orders.append(order)
    assert set(ProductionOrder.objects.values_list("status", flat=True)) == {"awaiting_material"}
    need = MaterialRequirement.objects.filter(item=cashmere).first().quantity
    # when cloth for one suit arrives
    with django_capture_on_commit_callbacks(execute=True):
        response = planner_api.post(
            "/api/v1/inventory/receipts/",
            {"sku": "FAB-CASHMERE-GREY", "quantity": str(need), "reference": "DN-1"},
            format="json",
        )
    assert response.status_code == 201
    # then the older order gets it, and the newer still waits
    first, second = (ProductionOrder.objects.get(order_line__order=o) for o in orders)
    assert (first.status, second.status) == ("planned", "awaiting_material")
    cashmere.refresh_from_db()
    assert cashmere.reserved == cashmere.on_hand == need


def test_the_periodic_sweep_releases_orders_whose_task_was_lost(customer):
    from datetime import timedelta

    from django.utils import timezone

    from orders.tasks import release_pending_orders_task

    # given an order whose release never ran, placed three minutes ago, and a fresh one
    lost = two_line_order(customer)
    Order.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    fresh = two_line_order(customer)
    # when the sweep runs
    assert release_pending_orders_task.apply().get() == 1
    # then the lost one is released, and the fresh one is left to its own task
    assert Order.objects.get(pk=lost.pk).status == "confirmed"
    assert Order.objects.get(pk=fresh.pk).status == "submitted"
