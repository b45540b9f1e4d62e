"""The release task on a real Celery worker with the real Redis broker and PostgreSQL."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app as celery_app
from orders.models import Order
from orders.services import order_place
from orders.tasks import release_order_task
from production.models import ProductionOrder
from tests.factories import UserFactory, cabinet_spec, suit_spec

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("demo_tx")]
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker() -> Iterator[subprocess.Popen]:
    if not settings.CELERY_BROKER_URL:
        pytest.fail("CELERY_BROKER_URL is not set: run the suite with `make test`.")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    celery_app.conf.task_always_eager = False
    yield proc
    celery_app.conf.task_always_eager = True
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


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
