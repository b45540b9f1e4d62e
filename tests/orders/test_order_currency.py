"""An order is paid in one currency: lines in different currencies are refused, not summed."""

import uuid
from decimal import Decimal

import pytest

from bom.services import version_create_from_definition, version_publish
from inventory.models import LedgerEntry
from orders.models import IdempotencyKey, Order
from outbox.models import Message
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")


def _usd_product():
    version_publish(
        version=version_create_from_definition(
            definition={
                "slug": "gift-card",
                "name": "Gift card",
                "currency": "USD",
                "base_price": "50.00",
                "options": [{"key": "note", "label": "Note", "type": "text", "required": False, "max_length": 20}],
                "rules": [],
                "bom": [],
                "routing": [
                    {"key": "pack", "name": "Pack", "work_center": "PACK", "setup_minutes": "0", "run_minutes": "1"}
                ],
            }
        )
    )


def _counts():
    return Order.objects.count(), IdempotencyKey.objects.count(), Message.objects.count(), LedgerEntry.objects.count()


def test_lines_in_two_currencies_are_refused_and_nothing_is_placed(customer_api):
    _usd_product()
    before = (
        Order.objects.count(),
        IdempotencyKey.objects.count(),
        Message.objects.count(),
        LedgerEntry.objects.count(),
    )
    body = {
        "lines": [
            {"product": "mtm-suit", "spec": suit_spec(), "quantity": 1},
            {"product": "gift-card", "spec": {}, "quantity": 1},
        ]
    }
    response = customer_api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 400
    assert "one currency" in response.json()["lines"][0]
    assert "CNY" in response.json()["lines"][0] and "USD" in response.json()["lines"][0]
    after = (
        Order.objects.count(),
        IdempotencyKey.objects.count(),
        Message.objects.count(),
        LedgerEntry.objects.count(),
    )
    assert after == before


def test_lines_in_one_currency_are_summed(customer_api):
    _usd_product()
    body = {"lines": [{"product": "gift-card", "spec": {}, "quantity": 2}, {"product": "gift-card", "spec": {}}]}
    response = customer_api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 201
    assert response.json()["currency"] == "USD"
    assert Decimal(response.json()["total"]) == Decimal("150.00")
