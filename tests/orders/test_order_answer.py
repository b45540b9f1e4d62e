"""The API answers an order with orders.serializers.order_out, made by hand for speed; the schema
documents OrderOutSerializer. Both must give the same JSON, byte for byte, in every state."""

import json

import pytest
from django.utils import translation

from orders.models import Order
from orders.selectors import order_get_for
from orders.serializers import OrderOutSerializer, order_out
from orders.services import order_hold, order_place, order_release
from production.models import Operation
from production.services import operation_finish, operation_start
from tests.factories import cabinet_spec, suit_spec

pytestmark = pytest.mark.usefixtures("demo")


def same_json(order: Order) -> bool:
    return json.dumps(order_out(order)) == json.dumps(OrderOutSerializer(order).data)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_order_in_production_answers_as_its_serializer(customer, operator, language):
    # given a two-line order with a note, released, one operation done and the next started
    order, _ = order_place(
        customer=customer,
        lines=[
            {"product": "mtm-suit", "spec": suit_spec(), "quantity": 2},
            {"product": "custom-cabinet", "spec": cabinet_spec(), "quantity": 1},
        ],
        note="Rush, please",
        idempotency_key=None,
    )
    order_release(order_id=order.pk)
    first, second = Operation.objects.filter(production_order__order_line__order=order).order_by("pk")[:2]
    operation_start(operation_id=first.pk, user=operator)
    operation_finish(operation_id=first.pk, user=operator)
    operation_start(operation_id=second.pk, user=operator)
    # when it is read, in either language
    with translation.override(language):
        loaded = order_get_for(customer, number=order.number)
        # then the hand-made answer is the serializer's
        assert loaded.promised_date is not None and loaded.status == "in_production"
        assert same_json(loaded)


def test_a_placed_order_and_one_on_hold_answer_as_their_serializer(customer):
    # given an order as placement returns it (nothing read back), and another put on hold
    placed, _ = order_place(
        customer=customer, lines=[{"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}], idempotency_key=None
    )
    held, _ = order_place(
        customer=customer, lines=[{"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}], idempotency_key=None
    )
    order_hold(order_id=held.pk, reason="A work center is gone.")
    # then both answer as the serializer does, the placed one also as a read of it
    assert same_json(placed)
    assert same_json(order_get_for(customer, number=placed.number))
    assert same_json(order_get_for(customer, number=held.number))
