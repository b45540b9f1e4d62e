"""The outbox on the real parts: a broker outage delays work and loses none; a burst of re-plan
requests costs at most two runs. A Redis of the test's own is stopped and started again, and a
real Celery worker does the work."""

import socket
import subprocess
import threading
import time
import uuid

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from config.celery import app as celery_app
from inventory.models import Item
from orders.models import Order, OrderEvent
from orders.services import order_place, order_release
from outbox.models import Message
from outbox.services import run_exclusively
from outbox.tasks import flush_outbox_task
from production.models import Operation, PlanRun, ProductionOrder
from production.services import REPLAN_TASK, replan_request
from tests.factories import UserFactory, suit_spec
from tests.integration.conftest import start_worker, stop_worker
from tests.integration.test_celery_worker import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("demo_tx")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A Redis server of the test's own, which it may stop and start on the same port."""

    def __init__(self, directory) -> None:
        self.port, self.directory = _free_port(), directory
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def _ping(self) -> bool:
        done = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True)
        return done.stdout.strip() == "PONG"

    def start(self) -> None:
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "yes", "--dir", str(self.directory), "--logfile", str(self.directory / "redis.log"),
             "--pidfile", str(self.directory / "redis.pid")],
            check=True,
        )  # fmt: skip
        self._until(self._ping)

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True)
        self._until(lambda: not self._ping())

    @staticmethod
    def _until(predicate) -> None:
        for _ in range(100):
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError("redis-server did not change state in time")


def _use_broker(url: str) -> None:
    # (the write URL was copied from broker_url when the app was configured)
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = celery_app.conf.broker_read_url = url
    celery_app._pool = None  # the connection pools are made for one broker URL
    celery_app.amqp._producer_pool = None


@pytest.fixture
def own_redis(tmp_path, broker):
    redis = OwnRedis(tmp_path)
    redis.start()
    previous = celery_app.conf.broker_url
    _use_broker(redis.url)
    yield redis
    _use_broker(previous)
    redis.stop()


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _eagerly(func):
    """Prepare state with tasks run in-process, as before the outage."""
    celery_app.conf.task_always_eager = True
    try:
        return func()
    finally:
        celery_app.conf.task_always_eager = False


def test_a_broker_outage_delays_the_work_and_loses_none_of_it(own_redis, planner, operator):
    customer = UserFactory()
    suit = {"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}
    # given an order in production, one to cancel, and one waiting for cashmere, released before the outage
    started, to_cancel = (_eagerly(lambda: order_place(customer=customer, lines=[suit], idempotency_key=None)[0])
                          for _ in range(2))  # fmt: skip
    waiting, _ = _eagerly(
        lambda: order_place(
            customer=customer,
            lines=[{"product": "mtm-suit", "spec": suit_spec(fabric="cashmere-grey"), "quantity": 8}],
            idempotency_key=None,
        )
    )
    for order in (started, to_cancel, waiting):
        order_release(order_id=order.pk)
    waiting_po = ProductionOrder.objects.get(order_line__order=waiting)
    assert waiting_po.status == "awaiting_material"
    Message.objects.all().delete()  # what the preparation asked for is not under test
    first_op = Operation.objects.filter(production_order__order_line__order=started).order_by("sequence").first()

    # when the broker goes down and people keep working
    own_redis.stop()
    answers = {
        "place": _api(customer).post("/api/v1/orders/", {"lines": [suit]}, format="json",
                                     HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())).status_code,
        "cancel": _api(customer).post(f"/api/v1/orders/{to_cancel.number}/cancel/").status_code,
        "receipt": _api(planner).post("/api/v1/inventory/receipts/",
                                      {"sku": "FAB-CASHMERE-GREY", "quantity": "30"}, format="json").status_code,
        "start": _api(operator).post(f"/api/v1/production/operations/{first_op.pk}/start/").status_code,
        "replan": _api(planner).post("/api/v1/production/replan/").status_code,
    }  # fmt: skip
    # then every action is answered as if nothing were wrong, and the work waits in the outbox
    assert answers == {"place": 201, "cancel": 200, "receipt": 201, "start": 200, "replan": 202}
    waiting_tasks = sorted(set(Message.objects.values_list("task", flat=True)))
    assert waiting_tasks == [
        "orders.notify_customer",  # the customers' mails: order received, cancelled, being made
        "orders.release",
        "production.allocate_material",
        "production.replan",
    ]
    assert not Message.objects.filter(sent_at__isnull=False).exists()  # none is taken for sent
    placed = Order.objects.exclude(pk__in=[started.pk, to_cancel.pk, waiting.pk]).get()
    assert placed.status == "submitted"

    # when the broker is back (with a worker) and the periodic flush runs
    own_redis.start()
    worker = start_worker(broker_url=own_redis.url)
    try:
        flush_outbox_task.delay()
        # then the new order is released, the cashmere received goes to the order that waited for it,
        # and nothing is left in the outbox
        wait_for(lambda: Order.objects.get(pk=placed.pk).status == "confirmed", proc=worker)
        wait_for(lambda: ProductionOrder.objects.get(pk=waiting_po.pk).status == "planned", proc=worker)
        wait_for(lambda: not Message.objects.exists(), proc=worker)
    finally:
        stop_worker(worker)
    # and nothing was done twice
    assert ProductionOrder.objects.filter(order_line__order=placed).count() == 1
    assert OrderEvent.objects.filter(order=placed, kind="confirmed").count() == 1
    assert Item.objects.get(sku="FAB-CASHMERE-GREY").reserved <= Item.objects.get(sku="FAB-CASHMERE-GREY").on_hand


def test_fifty_replan_requests_during_a_run_cost_one_more_run(worker):
    customer = UserFactory()
    # given a queue with work in it, planned
    for _ in range(3):
        order_place(
            customer=customer, lines=[{"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}], idempotency_key=None
        )
    wait_for(lambda: Order.objects.filter(status="confirmed").count() == 3, proc=worker)
    wait_for(lambda: not Message.objects.exists(), proc=worker)

    # when a re-plan is running (this test holds the lock every run takes, as a long run would)
    with run_exclusively(REPLAN_TASK, wait=True) as running:
        assert running
        runs_before = PlanRun.objects.count()  # (the releases' own re-plans are over)
        # and fifty requests arrive, from ten clients, each committing its own
        start = threading.Barrier(10)

        def client() -> None:
            try:
                start.wait(timeout=10)
                for _ in range(5):
                    with transaction.atomic():
                        replan_request()
            finally:
                connection.close()

        threads = [threading.Thread(target=client) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        time.sleep(1)  # the worker has the request and finds the run going on
        # then exactly one re-plan waits, and it has not started
        assert Message.objects.filter(task=REPLAN_TASK).count() == 1
        assert PlanRun.objects.count() == runs_before

    # when the running re-plan ends, the waiting one runs, once, and nothing else follows
    wait_for(lambda: not Message.objects.exists(), proc=worker)
    wait_for(lambda: PlanRun.objects.count() == runs_before + 1, proc=worker)
    time.sleep(2.5)  # longer than a waiting run's retry interval
    assert PlanRun.objects.count() == runs_before + 1
