"""A receipt retried with the same Idempotency-Key counts once (as an order placed twice does)."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from inventory.models import Item, LedgerEntry, PurchaseOrder, Receipt
from inventory.services import purchase_order_create

pytestmark = pytest.mark.usefixtures("demo")
RECEIPTS = "/api/v1/inventory/receipts/"
HINGES = {"sku": "HW-HINGE", "quantity": "50", "reference": "DN-77"}


def _levels():
    hinge = Item.objects.get(sku="HW-HINGE")
    return hinge.on_hand, Receipt.objects.count(), LedgerEntry.objects.count()


def test_a_retried_receipt_counts_once_and_answers_the_first(planner_api):
    key = str(uuid.uuid4())
    first = planner_api.post(RECEIPTS, HINGES, format="json", HTTP_IDEMPOTENCY_KEY=key)
    after_first = _levels()
    again = planner_api.post(RECEIPTS, HINGES, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"]
    assert _levels() == after_first


def test_the_same_key_for_another_receipt_is_refused_and_changes_nothing(planner_api):
    key = str(uuid.uuid4())
    assert planner_api.post(RECEIPTS, HINGES, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    before = _levels()
    other = planner_api.post(RECEIPTS, {**HINGES, "quantity": "60"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert _levels() == before


def test_a_key_that_is_not_a_uuid_is_refused_and_changes_nothing(planner_api):
    before = _levels()
    response = planner_api.post(RECEIPTS, HINGES, format="json", HTTP_IDEMPOTENCY_KEY="again-please")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert _levels() == before


def test_a_key_is_bound_to_the_user_who_sent_it(planner_api, staff_api):
    key = str(uuid.uuid4())
    planner_api.post(RECEIPTS, HINGES, format="json", HTTP_IDEMPOTENCY_KEY=key)
    response = staff_api.post(RECEIPTS, HINGES, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 201
    assert Receipt.objects.filter(idempotency_key=key).count() == 2


def test_a_retried_purchase_order_receipt_counts_once(planner_api, planner):
    purchase = purchase_order_create(
        sku="FAB-CASHMERE-GREY", supplier="Loro", quantity=Decimal("2"), expected_date=timezone.localdate()
    )
    key = str(uuid.uuid4())
    url = f"/api/v1/inventory/purchase-orders/{purchase.number}/receive/"
    first = planner_api.post(url, {"quantity": "1"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    cloth = Item.objects.get(sku="FAB-CASHMERE-GREY").on_hand
    again = planner_api.post(url, {"quantity": "1"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"]
    assert Item.objects.get(sku="FAB-CASHMERE-GREY").on_hand == cloth
    assert PurchaseOrder.objects.get(pk=purchase.pk).received_quantity == Decimal("1")


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_a_receipt_sent_at_once_count_once(demo_tx, planner):
    # given the same receipt sent twice at the same moment (a client that timed out and retried)
    key = str(uuid.uuid4())
    hinge = Item.objects.get(sku="HW-HINGE")
    start = threading.Barrier(2)
    answers: list[int] = []

    def send() -> None:
        client = APIClient()
        client.force_authenticate(planner)
        try:
            start.wait(timeout=10)
            answers.append(client.post(RECEIPTS, HINGES, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # then both are answered 201 and the stock rose once
    assert answers == [201, 201]
    assert Receipt.objects.filter(idempotency_key=key).count() == 1
    assert Item.objects.get(pk=hinge.pk).on_hand == hinge.on_hand + Decimal("50")


def test_no_key_still_works(planner_api):
    before = _levels()
    assert planner_api.post(RECEIPTS, HINGES, format="json").status_code == 201
    assert _levels()[0] == before[0] + Decimal("50")
