"""The same Idempotency-Key sent twice at once places one order (the key is not looked up first:
its INSERT decides, and the loser answers the winner's order)."""

import threading
import uuid

import pytest
from django.db import connection

from orders.models import IdempotencyKey, Order
from orders.services import order_place
from tests.factories import UserFactory, suit_spec

pytestmark = pytest.mark.usefixtures("demo_tx")


def test_the_same_key_sent_twice_at_once_places_one_order():
    # given a customer whose client sends the same order twice at the same moment, with one key
    customer = UserFactory()
    key = str(uuid.uuid4())
    lines = [{"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}]
    start = threading.Barrier(4)
    answers: list[tuple[str, bool]] = []
    failures: list[BaseException] = []

    def send() -> None:
        try:
            start.wait(timeout=10)
            order, created = order_place(customer=customer, lines=lines, idempotency_key=key)
            answers.append((order.number, created))
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    # when four requests race
    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # then one order exists, every request answers it, and exactly one of them created it
    assert failures == []
    assert len({number for number, _ in answers}) == 1 and len(answers) == 4
    assert sorted(created for _, created in answers) == [False, False, False, True]
    assert Order.objects.filter(customer=customer).count() == 1
    assert IdempotencyKey.objects.filter(user=customer).count() == 1
