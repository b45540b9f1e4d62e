"""Every pair of stock writers, run at the same moment on overlapping items, completes.

The writers: release, cancel, receipt, allocation, finish with backflush, finish with scrap and a
purchase receipt. Each takes its locks in one order (production orders, then the customer's order,
then every item it touches at once, in primary-key order), so none can wait on another in a cycle;
a lost race that still happens is retried and never reaches the caller. Real threads, each with
its own PostgreSQL connection; the orders mix a cabinet and a suit, in both line orders, so that
their items interleave.
"""

import itertools
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from inventory import services as stock
from inventory.models import Item
from inventory.selectors import ledger_mismatches
from inventory.services import purchase_order_create, purchase_order_receive, receipt_record
from orders.models import Order
from orders.services import order_cancel, order_place, order_release
from production.models import Operation, ProductionOrder
from production.services import material_allocate_waiting, operation_finish, operation_start
from tests.factories import UserFactory, cabinet_spec, suit_spec

pytestmark = pytest.mark.usefixtures("demo_tx")

CABINET = {"product": "custom-cabinet", "spec": cabinet_spec(), "quantity": 1}
SUIT = {"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}
Writer = Callable[[], object]
ROUNDS = 2
GATE_SECONDS = 0.3


@pytest.fixture(autouse=True)
def _tasks_stay_in_the_outbox(monkeypatch):
    """The writers under test run by hand; the tasks they request are not run in between."""
    monkeypatch.setattr("outbox.services.outbox_flush", lambda **kwargs: 0)


def _placed(customer, lines):
    order, _ = order_place(customer=customer, lines=lines, idempotency_key=None)
    return order


def _released(customer, lines):
    order = _placed(customer, lines)
    order_release(order_id=order.pk)
    return order


def _operation(order, key):
    return Operation.objects.get(production_order__order_line__order=order, key=key)


def _run_up_to(order, key, user):
    """Start and finish every operation before `key`, then start `key`."""
    po = ProductionOrder.objects.get(order_line__order=order)
    target = _operation(order, key)
    before = _before(target)
    for op in po.operations.order_by("sequence"):
        if op.pk in before:
            operation_start(operation_id=op.pk, user=user)
            operation_finish(operation_id=op.pk, user=user)
    operation_start(operation_id=target.pk, user=user)
    return target


def _before(op):
    seen, todo = set(), list(op.predecessors.all())
    while todo:
        p = todo.pop()
        if p.pk not in seen:
            seen.add(p.pk)
            todo.extend(p.predecessors.all())
    return seen


def _skus(order):
    return {line["item"] for order_line in order.lines.all() for line in order_line.bom}


ASSEMBLY = {"HW-BACK-PANEL", "HW-CAM-LOCK", "HW-SHELF-PIN", "HW-HANDLE-BAR"}


def prepare_release(customer, user):
    order = _placed(customer, [SUIT, CABINET])
    return (lambda: order_release(order_id=order.pk)), _skus(order)


def prepare_cancel(customer, user):
    # its first production order holds the cabinet's items, which come after the suit's in key order
    order = _released(customer, [CABINET, SUIT])
    return (lambda: order_cancel(order=order, user=customer)), _skus(order)


def prepare_receipt(customer, user):
    return (lambda: receipt_record(sku="BRD-OAK", quantity=Decimal("2.00"), reference="test", user=user)), {"BRD-OAK"}


def prepare_allocation(customer, user):
    # an order that waits: more cabinets than there is oak for
    order = _released(customer, [{**CABINET, "quantity": 100}, SUIT])
    return material_allocate_waiting, _skus(order)


def prepare_finish(customer, user):
    order = _released(customer, [CABINET])
    op = _run_up_to(order, "assemble", user)
    return (lambda: operation_finish(operation_id=op.pk, user=user)), ASSEMBLY


def prepare_scrap(customer, user):
    # assembly scraps a cam lock and backflushes fittings on both sides of it in key order
    order = _released(customer, [CABINET])
    op = _run_up_to(order, "assemble", user)
    return (lambda: operation_finish(operation_id=op.pk, user=user, scrap_quantity=Decimal("1"))), ASSEMBLY


def prepare_purchase_receipt(customer, user):
    purchase = purchase_order_create(
        sku="BRD-OAK", supplier="Test", quantity=Decimal("3"), expected_date=timezone.localdate() + timedelta(days=3)
    )
    return (lambda: purchase_order_receive(number=purchase.number, quantity=Decimal("3"), user=user)), {"BRD-OAK"}


WRITERS = {
    "release": prepare_release,
    "cancel": prepare_cancel,
    "receipt": prepare_receipt,
    "allocation": prepare_allocation,
    "finish": prepare_finish,
    "scrap": prepare_scrap,
    "purchase receipt": prepare_purchase_receipt,
}


def _at_once(first: Writer, second: Writer, gate_sku: str) -> list[BaseException]:
    """Run both writers at once while a third transaction holds the first item (in key order) they
    share for a moment: a writer that locks a later item before that one then holds it while it
    waits, and the other, let through first, meets it in a cycle (a deadlock). Writers that lock
    every item at once in key order only queue."""
    gate_held, start = threading.Event(), threading.Barrier(3)
    failures: list[BaseException] = []

    def gate() -> None:
        try:
            with transaction.atomic():
                Item.objects.select_for_update().get(sku=gate_sku)
                gate_held.set()
                start.wait(timeout=10)
                time.sleep(GATE_SECONDS)
        finally:
            gate_held.set()
            connection.close()

    def run(writer: Writer) -> None:
        try:
            gate_held.wait(timeout=10)
            start.wait(timeout=10)
            writer()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=gate)] + [threading.Thread(target=run, args=(w,)) for w in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return failures


def test_every_pair_of_stock_writers_runs_at_once_without_failing(planner, caplog):
    # given plenty of every material, so that each writer has work to do
    customer = UserFactory()
    for sku in ("BRD-OAK", "EDGE-OAK", "HW-BACK-PANEL", "HW-CAM-LOCK", "HW-SHELF-PIN", "HW-HANDLE-BAR", "HW-HINGE"):
        stock.receipt_record(sku=sku, quantity=Decimal("500"), reference="test stock")
    failed: dict[tuple[str, str], list[str]] = {}
    # when every pair of writers (each also against itself) runs at the same moment, a few times
    for a, b in itertools.combinations_with_replacement(WRITERS, 2):
        for _ in range(ROUNDS):
            (first, first_skus), (second, second_skus) = WRITERS[a](customer, planner), WRITERS[b](customer, planner)
            shared = Item.objects.filter(sku__in=first_skus & second_skus).order_by("pk").first()
            if shared is None:
                continue  # no item in common: nothing to wait on
            failures = _at_once(first, second, shared.sku)
            if failures:
                failed.setdefault((a, b), []).extend(f"{type(exc).__name__}: {exc}" for exc in failures)
    # then none failed, none even lost a race that had to be retried (the lock order held), and
    # the stock still equals its ledger
    assert failed == {}
    assert [r.getMessage() for r in caplog.records if "lost a database race" in r.getMessage()] == []
    assert ledger_mismatches() == []
    assert Order.objects.filter(status="submitted").count() == 0
