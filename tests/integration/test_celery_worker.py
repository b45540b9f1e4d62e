"""The release task on a real Celery worker with the real Redis broker and PostgreSQL."""

import time

import pytest

from orders.models import Order
from orders.services import order_place
from orders.tasks import release_order_task
from production.models import ProductionOrder
from tests.factories import UserFactory, cabinet_spec, suit_spec

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("demo_tx")]


def wait_for(predicate, *, proc, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            raise AssertionError(f"the worker died:\n{proc.stdout.read()}")
        time.sleep(0.2)
    raise AssertionError("the worker did not do it in time")


def place(user, *lines):
    order, _ = order_place(
        customer=user, lines=[{"product": p, "spec": s, "quantity": 1} for p, s in lines], idempotency_key=None
    )
    return order


def test_the_worker_releases_an_order_once_even_when_the_task_arrives_twice(worker):
    customer = UserFactory()
    # when an order is placed, its release task goes to the broker after commit
    order = place(customer, ("mtm-suit", suit_spec()), ("custom-cabinet", cabinet_spec()))
    wait_for(lambda: Order.objects.get(pk=order.pk).status == "confirmed", proc=worker)
    # and the same task is delivered again, followed by a sentinel order's release
    release_order_task.delay(order.pk)
    sentinel = place(customer, ("custom-cabinet", cabinet_spec()))
    wait_for(lambda: Order.objects.get(pk=sentinel.pk).status == "confirmed", proc=worker)
    # then the first order still has exactly one production order per line
    lines = ProductionOrder.objects.filter(order_line__order=order)
    assert lines.count() == 2
    assert sorted(lines.values_list("order_line__position", flat=True)) == [1, 2]
    assert Order.objects.get(pk=order.pk).promised_date is not None
