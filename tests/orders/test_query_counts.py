"""Placing an order costs a fixed number of queries, whatever the size of its BOM."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bom.selectors import engine_for, version_get_published
from bom.services import version_create_from_definition, version_publish
from inventory.services import item_ensure
from orders.services import order_place
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")

# Pinned: idempotency lookup, product version, order insert + number, lines, event, key, the release
# request (outbox), savepoints.
PLACEMENT_QUERIES = 10


def synthetic_product(slug: str, bom_lines: int) -> None:
    for i in range(bom_lines):
        item_ensure(
            sku=f"SYN-{i:04d}",
            name=f"Part {i}",
            uom="pcs",
            decimals=0,
            co2e_kg=Decimal("0.1"),
            opening_stock=Decimal("1000"),
        )
    definition = {
        "slug": slug,
        "name": slug,
        "currency": "CNY",
        "base_price": "100.00",
        "options": [{"key": "size", "label": "Size", "type": "number", "min": "1", "max": "10", "step": "1"}],
        "rules": [],
        "bom": [{"key": f"l{i}", "item": f"SYN-{i:04d}", "quantity": "size + 1"} for i in range(bom_lines)],
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


def test_placing_an_order_costs_the_same_queries_for_10_and_300_bom_lines(customer):
    synthetic_product("syn-small", 10)
    synthetic_product("syn-large", 300)
    small = placement_queries(customer, "syn-small", {"size": 3}, str(uuid.uuid4()))
    large = placement_queries(customer, "syn-large", {"size": 3}, str(uuid.uuid4()))
    assert small == large == PLACEMENT_QUERIES


def test_placing_a_demo_suit_costs_the_pinned_queries(customer):
    assert placement_queries(customer, "mtm-suit", suit_spec(), str(uuid.uuid4())) == PLACEMENT_QUERIES
