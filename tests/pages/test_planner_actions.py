"""The planner steers from the pages: a priority set on the queue re-plans; a completed order is
marked shipped from its page."""

import pytest

from orders.models import Order
from orders.services import order_place, order_release
from production.models import Operation, ProductionOrder
from production.services import operation_finish, operation_start, production_replan
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")
SUIT = {"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}


def _released(customer):
    order, _ = order_place(customer=customer, lines=[SUIT], idempotency_key=None)
    order_release(order_id=order.pk)
    return ProductionOrder.objects.get(order_line__order=order)


def test_a_planner_raises_a_priority_on_the_queue_and_the_order_moves_ahead(
    client, customer, planner, django_capture_on_commit_callbacks
):
    early, late = _released(customer), _released(customer)
    production_replan()
    late.refresh_from_db()
    early.refresh_from_db()
    assert early.planned_finish < late.planned_finish
    client.force_login(planner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/planner/orders/{late.number}/priority/", {"priority": "5"}, follow=True)
    assert response.status_code == 200 and "now has priority 5" in response.content.decode()
    late.refresh_from_db()
    early.refresh_from_db()
    assert late.priority == 5 and late.planned_finish < early.planned_finish


@pytest.mark.parametrize("bad", ["high", "1.5", "99999", ""])
def test_a_bad_priority_is_refused_with_a_message_and_changes_nothing(client, customer, planner, bad):
    po = _released(customer)
    client.force_login(planner)
    response = client.post(f"/planner/orders/{po.number}/priority/", {"priority": bad}, follow=True)
    assert response.status_code == 200 and "Priority" in response.content.decode()
    po.refresh_from_db()
    assert po.priority == 0


def test_operators_and_customers_cannot_change_priorities(client, customer, operator):
    po = _released(customer)
    for user in (operator, customer):
        client.force_login(user)
        assert client.post(f"/planner/orders/{po.number}/priority/", {"priority": "5"}).status_code == 403
    po.refresh_from_db()
    assert po.priority == 0


def test_a_planner_marks_a_completed_order_shipped_from_its_page(client, customer, planner):
    po = _released(customer)
    for op in Operation.objects.filter(production_order=po).order_by("sequence"):
        operation_start(operation_id=op.pk, user=planner)
        operation_finish(operation_id=op.pk, user=planner)
    order = po.order_line.order
    client.force_login(planner)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="ship"' in page and "Cancel order" not in page
    client.post(f"/orders/{order.number}/ship/")
    assert Order.objects.get(pk=order.pk).status == "shipped"


def test_the_customer_is_not_offered_shipping_and_cannot_ship(client, customer):
    po = _released(customer)
    order = po.order_line.order
    client.force_login(customer)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="ship"' not in page and "Cancel order" in page
    assert client.post(f"/orders/{order.number}/ship/").status_code == 403
    assert Order.objects.get(pk=order.pk).status == "confirmed"
