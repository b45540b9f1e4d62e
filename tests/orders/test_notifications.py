"""The customer gets an e-mail at each milestone of their order, once, sent through the outbox."""

import pytest

from orders.models import OrderEvent
from orders.services import order_event_notify, order_place, order_ship
from outbox.models import Message
from production.models import Operation
from production.services import operation_finish, operation_start
from tests.factories import UserFactory, cabinet_spec

pytestmark = pytest.mark.usefixtures("demo")
CABINET = {"product": "custom-cabinet", "spec": cabinet_spec(), "quantity": 1}


def _subjects(mail):
    return [m.subject.split(": ", 1)[1] for m in mail]


def test_a_customer_is_mailed_at_each_milestone_from_placement_to_shipping(
    mailoutbox, planner, django_capture_on_commit_callbacks
):
    customer = UserFactory(email="mei@example.com")
    # when an order is placed (and released after commit), made, and shipped
    with django_capture_on_commit_callbacks(execute=True):
        order, _ = order_place(customer=customer, lines=[CABINET], idempotency_key=None)
    for op in Operation.objects.filter(production_order__order_line__order=order).order_by("sequence"):
        with django_capture_on_commit_callbacks(execute=True):
            operation_start(operation_id=op.pk, user=planner)
        with django_capture_on_commit_callbacks(execute=True):
            operation_finish(operation_id=op.pk, user=planner)
    order.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        order_ship(order=order, user=planner)
    # then one mail for each milestone, to the customer, in order, with a link to the order
    assert _subjects(mailoutbox) == [
        "we have your order",
        "your order is confirmed",
        "your order is being made",
        "your order is ready to ship",
        "your order is on its way",
    ]
    assert {tuple(m.to) for m in mailoutbox} == {("mei@example.com",)}
    assert all(m.subject.startswith(order.number) for m in mailoutbox)
    assert f"/orders/{order.number}/" in mailoutbox[-1].body
    # and every milestone is marked as told, nothing waits in the outbox
    assert not OrderEvent.objects.filter(order=order, kind="shipped", notified_at__isnull=True).exists()
    assert not Message.objects.exists()


def test_a_milestone_is_mailed_once_even_if_its_task_runs_twice(mailoutbox, django_capture_on_commit_callbacks):
    customer = UserFactory(email="mei@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        order, _ = order_place(customer=customer, lines=[CABINET], idempotency_key=None)
    sent = len(mailoutbox)
    event = OrderEvent.objects.get(order=order, kind="confirmed")
    # when the task is delivered again
    assert order_event_notify(event_id=event.pk) is False
    # then no second mail
    assert len(mailoutbox) == sent


def test_a_customer_without_an_address_is_not_mailed_and_nothing_fails(mailoutbox, django_capture_on_commit_callbacks):
    customer = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        order, _ = order_place(customer=customer, lines=[CABINET], idempotency_key=None)
    assert mailoutbox == []
    assert not OrderEvent.objects.filter(order=order, notified_at__isnull=True, kind="confirmed").exists()


def test_an_event_that_is_not_a_milestone_is_not_mailed(mailoutbox):
    customer = UserFactory(email="mei@example.com")
    order, _ = order_place(customer=customer, lines=[CABINET], idempotency_key=None)
    note = OrderEvent.objects.create(order=order, kind="awaiting_material", message="Some material is on its way.")
    assert order_event_notify(event_id=note.pk) is False
    assert mailoutbox == []
