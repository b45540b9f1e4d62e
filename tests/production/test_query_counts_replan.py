"""A re-plan costs a fixed number of queries however many operations it moves: it reads the open
queue in three flat reads and writes each table's moved rows in one UPDATE from arrays, both
UPDATEs and its PlanRun in one statement (docs/BENCHMARKS.md, bench/bench_replan.py).

That one statement is atomic on its own, so a run opens no transaction (no SAVEPOINT / RELEASE).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bom.services import version_create_from_definition, version_publish
from inventory.services import item_ensure
from orders.services import order_place, order_release
from production.models import Operation, PlanRun
from production.services import production_replan
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("demo")

# Pinned: work centers, predecessor links, open orders, operations; one statement that updates the
# operations and the orders, inserts the PlanRun and deletes the old runs (10 before, with a
# transaction around four writes).
REPLAN_QUERIES = 5
STEPS = 30  # operations per production order, chained


def long_routing_orders(count: int) -> None:
    """`count` released orders of a product whose routing is STEPS chained operations."""
    item_ensure(
        sku="LONG-0000", name="Part", uom="pcs", decimals=0, co2e_kg=Decimal("0.1"), opening_stock=Decimal(1000)
    )
    definition = {
        "slug": "long-routing", "name": "long-routing", "currency": "CNY", "base_price": "100.00",
        "options": [{"key": "size", "label": "Size", "type": "number", "min": "1", "max": "10", "step": "1"}],
        "rules": [],
        "bom": [{"key": "l0", "item": "LONG-0000", "quantity": "1"}],
        "routing": [
            {"key": f"s{i}", "name": f"Step {i}", "work_center": "CAB-ASSY", "setup_minutes": "5",
             "run_minutes": "size", **({"after": [f"s{i - 1}"]} if i else {})}
            for i in range(STEPS)
        ],
    }  # fmt: skip
    version_publish(version=version_create_from_definition(definition=definition))
    customer = UserFactory()
    for _ in range(count):
        order, _ = order_place(
            customer=customer, lines=[{"product": "long-routing", "spec": {"size": 1}, "quantity": 1}],
            idempotency_key=None,
        )  # fmt: skip
        order_release(order_id=order.pk)


@pytest.mark.parametrize("orders", [1, 25], ids=["30-operations", "750-operations"])
def test_replan_costs_the_pinned_queries_however_many_operations_move(orders):
    # given open production orders, planned once
    long_routing_orders(orders)
    production_replan()
    # when the queue is re-planned from a later moment, so that every pending operation moves
    later = timezone.now() + timedelta(days=30)
    with CaptureQueriesContext(connection) as ctx:
        moved = production_replan(now=later)
    # then every operation was written, with its new times, at the pinned cost
    open_ops = Operation.objects.filter(production_order__product="long-routing")
    assert moved >= open_ops.count() == orders * STEPS
    assert PlanRun.objects.latest("finished_at").operations_moved == moved
    assert all(op.planned_start >= later and op.planned_end > op.planned_start for op in open_ops)
    assert len(ctx.captured_queries) == REPLAN_QUERIES
