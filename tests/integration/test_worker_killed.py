"""A worker killed halfway through allocating stock leaves nothing half done, and the re-run
leaves the same ledger as a run that was never interrupted."""

import time
from decimal import Decimal

import psycopg
import pytest
from django.db import connection, transaction

from inventory.models import Item, LedgerEntry
from orders.services import order_place, order_release
from production.models import MaterialRequirement, ProductionOrder
from production.tasks import allocate_material_task
from tests.factories import UserFactory, suit_spec
from tests.integration.conftest import database_url

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("demo_tx")]


def state():
    return (
        list(Item.objects.order_by("pk").values_list("on_hand", "reserved")),
        list(
            LedgerEntry.objects.order_by("pk").values_list(
                "item_id", "reason", "on_hand_delta", "reserved_delta", "source"
            )
        ),  # fmt: skip
        list(ProductionOrder.objects.order_by("pk").values_list("number", "status")),
        list(MaterialRequirement.objects.order_by("pk").values_list("reserved", "consumed")),
    )


def set_stock(sku, on_hand):
    item = Item.objects.get(sku=sku)
    LedgerEntry.objects.create(item=item, reason="adjustment", on_hand_delta=on_hand - item.on_hand, source="test")
    Item.objects.filter(pk=item.pk).update(on_hand=on_hand)


def blocked_on_ledger_lock() -> bool:
    """Whether some other session waits for a lock (the worker, stuck writing its ledger rows)."""
    with psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True) as probe:
        row = probe.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        ).fetchone()
    return bool(row and row[0])


def wait(predicate, *, timeout=60.0, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the worker died:\n{proc.stdout.read()}")
        time.sleep(0.2)
    raise AssertionError("timed out")


def waiting_cashmere_orders(count):
    customer = UserFactory()
    set_stock("FAB-CASHMERE-GREY", Decimal("0"))
    for _ in range(count):
        order, _ = order_place(customer=customer, lines=[{"product": "mtm-suit", "quantity": 1,
                                                          "spec": suit_spec(fabric="cashmere-grey")}],
                               idempotency_key=None)  # fmt: skip
        order_release(order_id=order.pk)
    assert set(ProductionOrder.objects.values_list("status", flat=True)) == {"awaiting_material"}
    set_stock("FAB-CASHMERE-GREY", Decimal("100"))  # cloth arrives (allocation not run yet)


def test_an_allocation_killed_halfway_is_rolled_back_and_the_rerun_completes_it(workers):
    waiting_cashmere_orders(3)
    before = state()
    first = workers()
    # given the ledger table locked, so the worker stalls after it has updated the stock levels
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE inventory_ledgerentry IN EXCLUSIVE MODE")
        allocate_material_task.delay()
        wait(blocked_on_ledger_lock, proc=first)
        # when the worker is killed there, in the middle of its transaction
        first.kill()
        first.wait(timeout=20)
    # then nothing of its work remains
    wait(lambda: not blocked_on_ledger_lock())
    assert state() == before
    # and when the task runs again (twice, even) on a new worker, every order gets its cloth once
    second = workers()
    allocate_material_task.delay()
    wait(lambda: not ProductionOrder.objects.filter(status="awaiting_material").exists(), proc=second)
    allocate_material_task.delay()
    time.sleep(2)
    after = state()
    assert {status for _, status in after[2]} == {"planned"}
    reservations = LedgerEntry.objects.filter(reason="reservation", item__sku="FAB-CASHMERE-GREY")
    assert reservations.count() == 3
    cloth = Item.objects.get(sku="FAB-CASHMERE-GREY")
    assert cloth.reserved == sum(r.reserved_delta for r in reservations)
    assert state() == after


def test_a_release_killed_halfway_is_rolled_back_and_the_rerun_releases_once(workers):
    from orders.models import Order
    from orders.tasks import release_order_task

    # given an order placed while no worker runs: its release task waits in Redis
    order, _ = order_place(customer=UserFactory(), lines=[{"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}],
                           idempotency_key=None)  # fmt: skip
    before = state()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE inventory_ledgerentry IN EXCLUSIVE MODE")
        first = workers()
        wait(blocked_on_ledger_lock, proc=first)
        # when its worker is killed after creating the production order and raising the levels
        first.kill()
        first.wait(timeout=20)
    # then none of it remains
    wait(lambda: not blocked_on_ledger_lock())
    assert state() == before
    assert Order.objects.get(pk=order.pk).status == "submitted"
    assert not ProductionOrder.objects.filter(order_line__order=order).exists()
    # and running the task again, twice, releases the order once
    second = workers()
    release_order_task.delay(order.pk)
    release_order_task.delay(order.pk)
    wait(lambda: Order.objects.get(pk=order.pk).status == "confirmed", proc=second)
    time.sleep(1)
    assert ProductionOrder.objects.filter(order_line__order=order).count() == 1
    po = ProductionOrder.objects.get(order_line__order=order)
    items = po.materials.values("item_id").distinct().count()
    assert LedgerEntry.objects.filter(reason="reservation", source=po.number).count() == items
