"""Allocating stock to waiting production orders costs a fixed number of queries, whatever the
size of their BOMs and however many orders wait (docs/BENCHMARKS.md quotes the same number).

One run of `material_allocate_waiting` is one transaction, its two statements (SAVEPOINT /
RELEASE here, BEGIN / COMMIT in production) included in the count.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import Item, LedgerEntry
from orders.services import order_place, order_release
from production.models import MaterialRequirement, ProductionOrder
from production.services import material_allocate_waiting
from tests.factories import UserFactory
from tests.orders.test_query_counts import synthetic_product

pytestmark = pytest.mark.usefixtures("demo")

# Pinned: waiting ids, their lock, requirements, item lock; reserve UPDATE, ledger insert,
# requirements UPDATE; started operations, status UPDATE; order lines and events of the orders
# served and their mails; the re-plan request (outbox); savepoints. (The ledger insert is sent in batches of 2,000
# rows, so a run that writes more than 2,000 ledger rows costs one more query per further 2,000:
# not reached here.)
ALLOCATION_QUERIES = 15


def waiting_orders(count: int, bom_lines: int) -> list[ProductionOrder]:
    """`count` released orders of a `bom_lines`-line product, all waiting: its items have no stock."""
    synthetic_product("syn-waiting", bom_lines, prefix="WAIT", stock="0")
    customer = UserFactory()
    for _ in range(count):
        order, _ = order_place(
            customer=customer, lines=[{"product": "syn-waiting", "spec": {"size": 3}, "quantity": 1}],
            idempotency_key=None,
        )  # fmt: skip
        order_release(order_id=order.pk)
    pos = list(ProductionOrder.objects.filter(product="syn-waiting"))
    assert [po.status for po in pos] == ["awaiting_material"] * count
    return pos


def stock_arrives(quantity: Decimal) -> None:
    """Every WAIT- item gets `quantity` on hand (an adjustment in the ledger, as in set_stock)."""
    items = list(Item.objects.filter(sku__startswith="WAIT-"))
    LedgerEntry.objects.bulk_create(
        LedgerEntry(item=item, reason="adjustment", on_hand_delta=quantity - item.on_hand, source="test")
        for item in items
    )
    Item.objects.filter(sku__startswith="WAIT-").update(on_hand=quantity)


@pytest.mark.parametrize(
    ("orders", "bom_lines"),
    [(1, 10), (1, 100), (1, 1000), (40, 10)],
    ids=["1-order-10-lines", "1-order-100-lines", "1-order-1000-lines", "40-orders-10-lines"],
)
def test_allocation_costs_the_pinned_queries_whatever_the_bom_and_the_queue(orders, bom_lines):
    # given production orders waiting for their material, which then arrives for all of them
    pos = waiting_orders(orders, bom_lines)
    stock_arrives(Decimal(4 * orders))  # each order needs size + 1 = 4 of every item
    # when the waiting orders are allocated
    with CaptureQueriesContext(connection) as ctx:
        served = material_allocate_waiting()
    # then every one is served, with all its lines reserved, at the pinned cost
    assert sorted(served) == sorted(po.number for po in pos)
    assert not ProductionOrder.objects.filter(product="syn-waiting").exclude(status="planned").exists()
    requirements = MaterialRequirement.objects.filter(production_order__in=pos)
    assert requirements.count() == orders * bom_lines
    assert all(req.reserved == req.quantity == 4 for req in requirements)
    assert len(ctx.captured_queries) == ALLOCATION_QUERIES
