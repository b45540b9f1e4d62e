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
from knox.models import AuthToken
from rest_framework.test import APIClient

from bom.selectors import engine_for, version_get_published
from bom.services import version_create_from_definition, version_publish
from config.celery import app as celery_app
from inventory.services import item_ensure
from orders.models import Order
from orders.services import order_place, order_release
from outbox.models import Message
from production.models import ProductionOrder
from production.selectors import estimate_ship_date
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")

# Pinned: the product's version, savepoint; one INSERT per table written: the order (its number
# made from its id in the same statement), the idempotency key (not looked up first: a key used
# before fails this INSERT), the lines, the event, the outbox (the release and the customer's "we
# have your order" mail); savepoint released. Once the broker
# took both tasks after commit, one DELETE drops both outbox rows (AFTER_COMMIT_QUERIES).
PLACEMENT_QUERIES = 8
AFTER_COMMIT_QUERIES = 1
# Pinned: the whole POST /api/v1/orders/ with an API token: the token and its user (not the
# user's other tokens: accounts.authentication), the customer's groups (the role), then the
# placement. The answer is made from what the placement wrote: nothing is read back.
API_PLACEMENT_QUERIES = 2 + PLACEMENT_QUERIES
# Pinned: GET /api/v1/orders/{number}/ of an order placed and released: the two of the token
# and role, the order, its lines (with version and production order), their operations, events.
API_ORDER_GET_QUERIES = 2 + 4
# Pinned: a one-line order whose material is in stock. Order lock and lines; its items found and
# locked with their levels in one query; production order lookup; earmarks read under those locks,
# reserve UPDATE, ledger insert; then each row inserted as it ends (the production order planned,
# its requirements reserved): production order, work centers and operations, requirements; the
# order's promised date and status (one UPDATE), event; the re-plan request and the customer's
# "confirmed" mail (outbox); savepoints. Nothing is read twice or updated after its INSERT.
RELEASE_QUERIES = 17
# Pinned: the same order when stock is short: no reservation writes, one "awaiting material" event.
RELEASE_WAITING_QUERIES = 16


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


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user)[1]}")
    return client


def post_order(client: APIClient, spec: dict):
    body = {"lines": [{"product": "mtm-suit", "spec": spec, "quantity": 1}], "note": ""}
    return client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


def test_the_api_answers_a_placement_without_reading_the_order_back(customer):
    # given a customer with an API token, and the suit's engine compiled (as in a warm worker)
    client = token_client(customer)
    engine_for(version_get_published(slug="mtm-suit"))
    assert post_order(client, suit_spec()).status_code == 201  # the first call of a process warms caches
    # when the customer places an order
    with CaptureQueriesContext(connection) as ctx:
        response = post_order(client, suit_spec())
    # then the request costs the authentication and the placement's writes, and no read of the order
    assert response.status_code == 201, response.json()
    assert len(ctx.captured_queries) == API_PLACEMENT_QUERIES
    assert not [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "orders_order')]


@pytest.fixture
def broker():
    """Tasks go to the Redis broker of the test run (make test starts one), not run in-process."""
    celery_app.conf.task_always_eager = False
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
        yield conn.default_channel.client
        conn.default_channel.queue_purge("celery")
    celery_app.conf.task_always_eager = True


def test_after_commit_both_tasks_go_to_the_broker_and_one_delete_drops_their_rows(
    customer, broker, django_capture_on_commit_callbacks
):
    # given the suit's engine compiled
    engine_for(version_get_published(slug="mtm-suit"))
    # when an order is placed and its transaction commits
    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=True):
        order, created = order_place(
            customer=customer, lines=[{"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}],
            idempotency_key=str(uuid.uuid4()),
        )  # fmt: skip
        in_transaction = len(ctx.captured_queries)
    # then the broker has the mail and the release, and one statement dropped both outbox rows
    assert created
    assert broker.llen("celery") == 2
    after_commit = [q["sql"] for q in ctx.captured_queries[in_transaction:]]
    assert len(after_commit) == AFTER_COMMIT_QUERIES and after_commit[0].startswith("DELETE FROM outbox_message")
    assert not Message.objects.exists()
    assert Order.objects.get(pk=order.pk).status == "submitted"  # released by a worker, not here


def test_getting_an_order_costs_the_pinned_queries(customer, django_capture_on_commit_callbacks):
    # given a placed and released suit, and the customer's API token
    client = token_client(customer)
    with django_capture_on_commit_callbacks(execute=True):
        number = post_order(client, suit_spec()).json()["number"]
    assert Order.objects.get(number=number).status == "confirmed"
    client.get(f"/api/v1/orders/{number}/")
    # when the customer reads it
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/v1/orders/{number}/")
    # then it costs the pinned queries
    assert response.status_code == 200
    assert len(ctx.captured_queries) == API_ORDER_GET_QUERIES
