"""production_order_set_priority: the one way to change a priority, which re-allocates and re-plans."""

import pytest

from config.errors import InvalidInput, InvalidTransition, NotFound
from orders.services import order_cancel, order_place, order_release
from production.models import ProductionOrder
from production.services import production_order_set_priority, production_replan
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")


def released(customer):
    order, _ = order_place(customer=customer, lines=[{"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}],
                           idempotency_key=None)  # fmt: skip
    order_release(order_id=order.pk)
    return ProductionOrder.objects.get(order_line__order=order)


def test_a_new_priority_moves_the_order_ahead_after_commit(customer, staff, django_capture_on_commit_callbacks):
    early, late = released(customer), released(customer)
    production_replan()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        po = production_order_set_priority(number=late.number, priority=7, user=staff)
    assert po.priority == 7 and queued  # the re-allocation and re-plan went out after commit
    early.refresh_from_db()
    late.refresh_from_db()
    assert late.planned_finish < early.planned_finish


@pytest.mark.parametrize("priority", [32768, -32769, "5", 1.5, True])
def test_a_priority_out_of_range_is_refused_and_nothing_is_queued(
    customer, staff, priority, django_capture_on_commit_callbacks
):
    po = released(customer)
    with django_capture_on_commit_callbacks() as queued, pytest.raises(InvalidInput) as refused:
        production_order_set_priority(number=po.number, priority=priority, user=staff)
    assert refused.value.field == "priority"
    assert queued == []
    po.refresh_from_db()
    assert po.priority == 0


def test_a_closed_order_keeps_its_priority(customer, staff, django_capture_on_commit_callbacks):
    po = released(customer)
    order_cancel(order=po.order_line.order, user=customer)
    with django_capture_on_commit_callbacks() as queued, pytest.raises(InvalidTransition) as refused:
        production_order_set_priority(number=po.number, priority=3, user=staff)
    assert refused.value.code == "not_open" and queued == []
    po.refresh_from_db()
    assert po.priority == 0


def test_an_unknown_production_order_is_not_found(staff, db):
    with pytest.raises(NotFound):
        production_order_set_priority(number="PO-999999", priority=1, user=staff)
