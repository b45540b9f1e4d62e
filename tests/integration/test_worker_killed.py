"""A worker killed halfway through allocating stock leaves nothing half done, and the re-run
leaves the same ledger as a run that was never interrupted. A pool process killed mid-task has
its task delivered again at once, and run once, by the worker that survives it."""

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import psycopg
import pytest
from django.db import connection, transaction

from inventory.models import Item, LedgerEntry
from orders.models import Order, OrderEvent
from orders.services import order_place, order_release
from production.models import MaterialRequirement, ProductionOrder
from production.tasks import allocate_material_task
from tests.factories import UserFactory, suit_spec
from tests.integration.conftest import ROOT, database_url, stop_worker
from tests.ops.test_serve_supervision import descendants

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


def test_a_pool_process_killed_mid_release_has_its_task_delivered_again_and_run_once(broker):
    # given an order placed while no worker runs: its release task waits in Redis
    order, _ = order_place(customer=UserFactory(), lines=[{"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}],
                           idempotency_key=None)  # fmt: skip
    before = state()
    # and a worker as `make serve` runs it (a main process and a pool process), with nothing sent but that task
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "CELERY_TASK_ALWAYS_EAGER": "false"}  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE inventory_ledgerentry IN EXCLUSIVE MODE")
            wait(blocked_on_ledger_lock, proc=worker)
            # when the pool process running the release is killed (an OOM kill, say), halfway through
            pool = list(descendants(worker.pid))
            assert len(pool) == 1, pool
            os.kill(pool[0], signal.SIGKILL)
            wait(lambda: pool[0] not in descendants(worker.pid), proc=worker)
        # then the task is delivered again (acknowledged late, rejected when its process was lost) and
        # the surviving worker, with a new pool process, releases the order: nothing is sent again
        wait(lambda: Order.objects.get(pk=order.pk).status == "confirmed", timeout=30, proc=worker)
        assert worker.poll() is None
    finally:
        stop_worker(worker)
    # and once: one production order, one reservation per item, one confirmation, the rest as before
    assert ProductionOrder.objects.filter(order_line__order=order).count() == 1
    po = ProductionOrder.objects.get(order_line__order=order)
    items = po.materials.values("item_id").distinct().count()
    assert LedgerEntry.objects.filter(reason="reservation", source=po.number).count() == items
    assert OrderEvent.objects.filter(order=order, kind="confirmed").count() == 1
    assert state()[2] == before[2] + [(po.number, po.status)]
