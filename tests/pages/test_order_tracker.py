"""The order tracker: where an order is, stage by stage, refreshed in place while it is open."""

import pytest

from orders.services import order_cancel, order_place, order_release, order_ship
from production.models import Operation
from production.services import operation_finish, operation_start
from tests.factories import cabinet_spec

pytestmark = pytest.mark.usefixtures("demo")
CABINET = {"product": "custom-cabinet", "spec": cabinet_spec(), "quantity": 1}


def _stages(html):
    import re

    return re.findall(r'<li class="stage (\w+)"[^>]*>\s*([^<]+?)<span', html)


def test_the_tracker_follows_the_order_through_its_stages(client, customer, planner):
    order, _ = order_place(customer=customer, lines=[CABINET], idempotency_key=None)
    client.force_login(customer)
    # placed, not yet released: received, planning is where it is
    stages = _stages(client.get(f"/orders/{order.number}/").content.decode())
    assert stages[:2] == [("done", "Received"), ("current", "Planned")]
    order_release(order_id=order.pk)
    ops = list(Operation.objects.filter(production_order__order_line__order=order).order_by("sequence"))
    operation_start(operation_id=ops[0].pk, user=planner)
    page = client.get(f"/orders/{order.number}/").content.decode()
    stages = _stages(page)
    # released with its material, the first step under way
    assert stages[:4] == [("done", "Received"), ("done", "Planned"), ("done", "Material"), ("current", ops[0].name)]
    assert f"0 of {len(ops)} production steps done" in page
    assert 'hx-trigger="every 15s"' in page  # refreshes itself while open
    for op in ops:
        if Operation.objects.get(pk=op.pk).status == "pending":
            operation_start(operation_id=op.pk, user=planner)
        operation_finish(operation_id=op.pk, user=planner)
    order.refresh_from_db()
    order_ship(order=order, user=planner)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert all(state == "done" for state, _ in _stages(page))
    assert 'value="100"' in page and "every 15s" not in page  # shipped: nothing more to wait for


def test_an_htmx_poll_gets_only_the_tracker(client, customer):
    order, _ = order_place(customer=customer, lines=[CABINET], idempotency_key=None)
    client.force_login(customer)
    part = client.get(f"/orders/{order.number}/?part=tracker", HTTP_HX_REQUEST="true").content.decode()
    assert part.lstrip().startswith('<section class="card tracker"') and "<html" not in part


def test_another_customer_cannot_poll_the_tracker(client, customer, other_customer):
    order, _ = order_place(customer=customer, lines=[CABINET], idempotency_key=None)
    client.force_login(other_customer)
    assert client.get(f"/orders/{order.number}/?part=tracker", HTTP_HX_REQUEST="true").status_code == 404


def test_a_cancelled_order_says_so(client, customer):
    order, _ = order_place(customer=customer, lines=[CABINET], idempotency_key=None)
    order_release(order_id=order.pk)
    order_cancel(order=order, user=customer)
    client.force_login(customer)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert "This order was cancelled." in page and "every 15s" not in page
