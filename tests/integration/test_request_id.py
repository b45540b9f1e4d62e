"""A request id carried into the Celery task the request starts, on a real worker and Redis."""

import json
import time
import uuid

import pytest
from rest_framework.test import APIClient

from orders.models import Order
from tests.factories import UserFactory, suit_spec
from tests.integration.conftest import start_worker, stop_worker


@pytest.mark.integration
@pytest.mark.usefixtures("demo_tx", "broker")
def test_the_task_a_request_starts_logs_with_that_request_id_on_a_real_worker():
    # given a worker that writes JSON lines at INFO
    worker = start_worker(env={"LOG_FORMAT": "json", "LOG_LEVEL": "INFO"}, loglevel="INFO")
    try:
        api = APIClient()
        api.force_authenticate(UserFactory())
        # when a customer places an order in a request with a known id
        response = api.post(
            "/api/v1/orders/",
            {"lines": [{"product": "mtm-suit", "quantity": 1, "spec": suit_spec()}]},
            format="json",
            HTTP_X_REQUEST_ID="order-req-1",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        assert response.status_code == 201, response.json()
        number = response.json()["number"]
        deadline = time.monotonic() + 60
        while Order.objects.get(number=number).status != "confirmed":
            assert time.monotonic() < deadline, "the worker did not release the order"
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            time.sleep(0.2)
    finally:
        stop_worker(worker)
    output = worker.stdout.read() if worker.stdout else ""
    # then the lines the release task writes as it runs carry the request's id (the worker's
    # "received" line comes before the task runs, from the worker itself)
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    released = [line for line in lines if "orders.release" in line["message"] and line["logger"] == "celery.app.trace"]
    assert released, output
    assert all(line["request_id"] == "order-req-1" for line in released), released
