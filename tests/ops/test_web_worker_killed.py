"""A gunicorn worker killed with SIGKILL while it places an order (`make serve`'s production shape
on the suite's PostgreSQL and Redis): its transaction is rolled back, so nothing half-placed
remains; the master starts a new worker; the customer's retry with the same Idempotency-Key
places the order once."""

import os
import signal
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests
from django.core.management import call_command

from accounts.services import api_token_create
from inventory.models import LedgerEntry
from orders.models import IdempotencyKey, Order, OrderLine
from tests.factories import UserFactory, suit_spec
from tests.integration.conftest import database_url
from tests.ops.test_serve_supervision import Serve, descendants, start_serve, stop_everything, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def serve(demo_tx: None, tmp_path: Path) -> Iterator[Serve]:
    """scripts/serve with one gunicorn worker, on the test database and the suite's Redis."""
    started = start_serve(tmp_path, WEB_CONCURRENCY="1")
    try:
        wait_for(lambda: started.status() == 200, timeout=120, what="the service's first 200", serve=started)
        yield started
    finally:
        stop_everything(started)


def web_worker(serve: Serve) -> int | None:
    master = serve.program("config.wsgi:application")
    workers = list(descendants(master)) if master else []
    return workers[0] if len(workers) == 1 else None


def placement_waiting_for_lines(probe: psycopg.Connection) -> bool:
    """Whether an order placement waits inside its transaction: its order row written, its lines not."""
    row = probe.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        """AND query LIKE 'INSERT INTO "orders_orderline"%%'"""
    ).fetchone()
    return bool(row and row[0])


def test_a_web_worker_killed_mid_placement_leaves_nothing_and_the_retry_places_the_order_once(serve):
    customer = UserFactory()
    token = api_token_create(user=customer)
    url = f"http://127.0.0.1:{serve.port}/api/v1/orders/"
    key = str(uuid.uuid4())

    def place() -> requests.Response:
        body = {"lines": [{"product": "mtm-suit", "quantity": 1, "spec": suit_spec()}]}
        headers = {"Authorization": f"Token {token}", "Idempotency-Key": key}
        return requests.post(url, json=body, headers=headers, timeout=60)

    ledger_before = LedgerEntry.objects.count()
    worker = wait_for(lambda: web_worker(serve), timeout=30, what="the gunicorn worker", serve=serve)
    outcome: dict[str, object] = {}

    def first_try() -> None:
        try:
            outcome["response"] = place()
        except requests.ConnectionError as error:
            outcome["error"] = error

    with psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True) as probe:
        # given an order placement held inside its transaction (the order lines' table locked)
        holder = psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True)
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE orders_orderline IN EXCLUSIVE MODE")
        client = threading.Thread(target=first_try)
        client.start()
        wait_for(lambda: placement_waiting_for_lines(probe), timeout=30, what="the placement in flight", serve=serve)
        # when the worker serving it is killed
        os.kill(worker, signal.SIGKILL)
        client.join(timeout=30)
        holder.execute("ROLLBACK")
        holder.close()
        # then the customer gets no answer, and the placement's transaction is rolled back
        assert "error" in outcome, outcome
        wait_for(lambda: not placement_waiting_for_lines(probe), timeout=30, what="the placement's end")
    assert not Order.objects.filter(customer=customer).exists()
    assert not OrderLine.objects.filter(order__customer=customer).exists()
    assert not IdempotencyKey.objects.filter(user=customer).exists()
    assert LedgerEntry.objects.count() == ledger_before
    call_command("inventory_check")

    # and the master starts a new worker
    wait_for(lambda: web_worker(serve) not in (None, worker), timeout=30, what="a new worker", serve=serve)
    # when the customer tries again with the same key, twice
    first, again = place(), place()
    # then the order is placed once: both answers name it, and it is the only one
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert first.json()["number"] == again.json()["number"]
    order = Order.objects.get(customer=customer)
    assert order.number == first.json()["number"] and order.lines.count() == 1
    # and the worker releases it
    wait_for(lambda: Order.objects.get(pk=order.pk).status == Order.Status.CONFIRMED, timeout=60,
             what="the order released", serve=serve)  # fmt: skip
