"""A release that can never succeed puts the order on hold, for a planner; it is not retried forever."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order, OrderEvent
from orders.services import order_place, order_release, orders_pending_release
from orders.tasks import release_pending_orders_task
from production.models import ProductionOrder, WorkCenter
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")
SUIT = {"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}


def _placed(customer):
    order, _ = order_place(customer=customer, lines=[SUIT], idempotency_key=None)
    return order


def _work_center_renamed(code="CUT", to="CUT-OLD"):
    # a work center renamed after the version naming it was published (as admin allowed before)
    WorkCenter.objects.filter(code=code).update(code=to)


def test_a_release_that_cannot_succeed_puts_the_order_on_hold_with_the_reason(customer):
    order = _placed(customer)
    _work_center_renamed()
    # when the release runs
    order_release(order_id=order.pk)
    # then the order is on hold, with the reason for the planners, and nothing was made
    order.refresh_from_db()
    assert order.status == Order.Status.ON_HOLD
    assert "CUT" in order.hold_reason
    assert not ProductionOrder.objects.filter(order_line__order=order).exists()
    assert OrderEvent.objects.filter(order=order, kind="on_hold").count() == 1
    # and the customer is not shown the internal reason
    assert "CUT" not in OrderEvent.objects.get(order=order, kind="on_hold").text


def test_the_sweep_leaves_an_order_on_hold_alone(customer):
    order = _placed(customer)
    _work_center_renamed()
    order_release(order_id=order.pk)
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=1))
    # when the periodic sweep runs, twice
    assert order.pk not in orders_pending_release(older_than=timedelta(minutes=2))
    release_pending_orders_task.apply().get()
    release_pending_orders_task.apply().get()
    # then it stays on hold with one event, not one failure a minute
    order.refresh_from_db()
    assert order.status == Order.Status.ON_HOLD
    assert OrderEvent.objects.filter(order=order, kind="on_hold").count() == 1


def test_a_planner_releases_the_order_again_once_resolved(customer, planner_api, django_capture_on_commit_callbacks):
    order = _placed(customer)
    _work_center_renamed()
    order_release(order_id=order.pk)
    _work_center_renamed("CUT-OLD", "CUT")  # the planner fixes the work center
    # when the planner releases it again
    with django_capture_on_commit_callbacks(execute=True):
        response = planner_api.post(f"/api/v1/orders/{order.number}/release/")
    # then it is submitted again, and released once the answer is committed
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    assert order.hold_reason == ""
    assert ProductionOrder.objects.filter(order_line__order=order).count() == 1


def test_only_planners_and_staff_release_an_order_on_hold(customer, customer_api, operator_api):
    order = _placed(customer)
    _work_center_renamed()
    order_release(order_id=order.pk)
    assert customer_api.post(f"/api/v1/orders/{order.number}/release/").status_code == 403
    assert operator_api.post(f"/api/v1/orders/{order.number}/release/").status_code == 403
    order.refresh_from_db()
    assert order.status == Order.Status.ON_HOLD


def test_an_order_not_on_hold_cannot_be_released_again(customer, planner_api):
    order = _placed(customer)
    response = planner_api.post(f"/api/v1/orders/{order.number}/release/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_on_hold"
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED


def test_a_customer_may_cancel_an_order_on_hold(customer, customer_api):
    order = _placed(customer)
    _work_center_renamed()
    order_release(order_id=order.pk)
    response = customer_api.post(f"/api/v1/orders/{order.number}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
