"""Placing and releasing an order cost a fixed number of queries, whatever the size of its BOM.

The pinned counts are the constants below (docs/BENCHMARKS.md quotes the same numbers). They
include the two statements that open and close the service's transaction (SAVEPOINT / RELEASE
here inside the test's transaction, BEGIN / COMMIT in production and in `make bench`).
"""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bom.selectors import engine_for, version_get_published
from bom.services import version_create_from_definition, version_publish
from inventory.services import item_ensure
from orders.models import Order
from orders.services import order_place, order_release
from production.models import ProductionOrder
from production.selectors import estimate_ship_date
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")

# Pinned: idempotency lookup, product version, order insert + number, lines, event, key, the release
# request and the customer's "we have your order" mail (outbox), savepoints.
PLACEMENT_QUERIES = 11
# Pinned: a one-line order whose material is in stock. Order lock and lines; item ids and lock;
# production order lookup and insert; work centers and operations; item ids and requirements;
# levels under that lock, earmarks, reserve UPDATE, ledger insert, requirements UPDATE; started
# operations, status UPDATE; promised date, status, event; the re-plan request and the customer's
# "confirmed" mail (outbox);
# savepoints. (Item ids are looked up by SKU twice: constant, but redundant.)
RELEASE_QUERIES = 24
# Pinned: the same order when stock is short: no reservation writes, one "awaiting material" event.
RELEASE_WAITING_QUERIES = 20


def synthetic_product(slug: str, bom_lines: int, *, prefix: str = "SYN", stock: str = "1000") -> None:
    """A product of `bom_lines` distinct items (`{prefix}-0000`...), each with `stock` on hand."""
    for i in range(bom_lines):
        item_ensure(
            sku=f"{prefix}-{i:04d}",
            name=f"Part {i}",
            uom="pcs",
            decimals=0,
            co2e_kg=Decimal("0.1"),
            opening_stock=Decimal(stock),
        )
    definition = {
        "slug": slug,
        "name": slug,
        "currency": "CNY",
        "base_price": "100.00",
        "options": [{"key": "size", "label": "Size", "type": "number", "min": "1", "max": "10", "step": "1"}],
        "rules": [],
        "bom": [{"key": f"l{i}", "item": f"{prefix}-{i:04d}", "quantity": "size + 1"} for i in range(bom_lines)],
        "routing": [
            {"key": "make", "name": "Make", "work_center": "CAB-ASSY", "setup_minutes": "5", "run_minutes": "size * 2"}
        ],
    }
    version_publish(version=version_create_from_definition(definition=definition))


def placement_queries(customer, slug: str, spec: dict, key: str) -> int:
    engine_for(version_get_published(slug=slug))  # compiled once per process, as in production
    with CaptureQueriesContext(connection) as ctx:
        order, created = order_place(
            customer=customer, lines=[{"product": slug, "spec": spec, "quantity": 1}], idempotency_key=key
        )
    assert created
    return len(ctx.captured_queries)


def release_queries(customer, slug: str) -> tuple[int, Order]:
    order, _ = order_place(
        customer=customer, lines=[{"product": slug, "spec": {"size": 3}, "quantity": 1}], idempotency_key=None
    )
    # the ship-date estimate's work centers and load are cached for 30 s: warm, as on a busy system
    estimate_ship_date(order.lines.get().routing)
    with CaptureQueriesContext(connection) as ctx:
        order_release(order_id=order.pk)
    return len(ctx.captured_queries), order


def test_placing_an_order_costs_the_same_queries_for_10_and_300_bom_lines(customer):
    synthetic_product("syn-small", 10)
    synthetic_product("syn-large", 300)
    small = placement_queries(customer, "syn-small", {"size": 3}, str(uuid.uuid4()))
    large = placement_queries(customer, "syn-large", {"size": 3}, str(uuid.uuid4()))
    assert small == large == PLACEMENT_QUERIES


def test_placing_a_demo_suit_costs_the_pinned_queries(customer):
    assert placement_queries(customer, "mtm-suit", suit_spec(), str(uuid.uuid4())) == PLACEMENT_QUERIES


def test_releasing_an_order_costs_the_same_queries_for_10_and_300_bom_lines(customer):
    # given two products of 10 and 300 BOM lines, all in stock
    synthetic_product("syn-small", 10)
    synthetic_product("syn-large", 300)
    # when an order of each is released
    small, small_order = release_queries(customer, "syn-small")
    large, large_order = release_queries(customer, "syn-large")
    # then both got all their material, at the same pinned cost
    statuses = ProductionOrder.objects.filter(order_line__order__in=[small_order, large_order]).values_list(
        "status", flat=True
    )
    assert list(statuses) == ["planned", "planned"]
    assert small == large == RELEASE_QUERIES


def test_a_release_that_must_wait_for_material_costs_the_same_for_10_and_300_bom_lines(customer):
    # given two products of 10 and 300 BOM lines whose items have no stock
    synthetic_product("syn-small", 10, prefix="NONE", stock="0")
    synthetic_product("syn-large", 300, prefix="NONE", stock="0")
    # when an order of each is released
    small, small_order = release_queries(customer, "syn-small")
    large, large_order = release_queries(customer, "syn-large")
    # then both wait for material, at the same pinned cost
    statuses = ProductionOrder.objects.filter(order_line__order__in=[small_order, large_order]).values_list(
        "status", flat=True
    )
    assert list(statuses) == ["awaiting_material", "awaiting_material"]
    assert small == large == RELEASE_WAITING_QUERIES
