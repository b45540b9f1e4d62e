"""API.md "Orders": placement, idempotency, snapshot, visibility, cancel and ship."""

import uuid
from decimal import Decimal

import pytest

from inventory.models import Item, LedgerEntry
from orders.models import IdempotencyKey, Order, OrderEvent
from production.models import ProductionOrder
from tests.factories import cabinet_spec, suit_spec

pytestmark = pytest.mark.usefixtures("demo")


def place(api, *lines, key=None, note=""):
    headers = {"HTTP_IDEMPOTENCY_KEY": key or str(uuid.uuid4())}
    body = {"lines": [{"product": p, "spec": s, "quantity": q} for p, s, q in lines], "note": note}
    return api.post("/api/v1/orders/", body, format="json", **headers)


def test_placing_an_order_freezes_the_snapshot_and_releases_it(customer_api, django_capture_on_commit_callbacks):
    # when a customer orders a suit
    with django_capture_on_commit_callbacks(execute=True):
        response = place(customer_api, ("mtm-suit", suit_spec(), 1), key=str(uuid.uuid4()))
    # then the order is confirmed with the configured price, BOM and routing frozen on the line
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["number"].startswith("C2B-")
    line = order["lines"][0]
    assert line["product"] == "mtm-suit" and line["version"] >= 1
    configured = customer_api.post("/api/v1/products/mtm-suit/configure/", {"spec": suit_spec()}, format="json")
    assert line["unit_price"] == configured.json()["price"] == order["total"]
    assert line["bom"] == configured.json()["bom"]
    assert {op["key"] for op in line["routing"]} == {op["key"] for op in configured.json()["routing"]}
    # and, released after commit, it has a production order with its operations and a promise
    detail = customer_api.get(f"/api/v1/orders/{order['number']}/").json()
    assert detail["status"] == "confirmed"
    assert detail["promised_date"] is not None
    po = detail["lines"][0]["production_orders"][0]
    assert po["status"] == "planned"
    assert po["progress"] == {"done": 0, "total": len(line["routing"])}
    assert {op["key"] for op in po["operations"]} == {op["key"] for op in line["routing"]}
    assert [e["kind"] for e in detail["events"]] == ["submitted", "confirmed"]


def test_the_same_key_and_body_answers_the_same_order_and_creates_nothing(customer_api):
    key = str(uuid.uuid4())
    first = place(customer_api, ("mtm-suit", suit_spec(), 1), key=key)
    again = place(customer_api, ("mtm-suit", suit_spec(), 1), key=key)
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert Order.objects.count() == 1 and IdempotencyKey.objects.count() == 1


def test_the_same_key_with_another_body_is_refused_and_creates_nothing(customer_api):
    key = str(uuid.uuid4())
    place(customer_api, ("mtm-suit", suit_spec(), 1), key=key)
    response = place(customer_api, ("mtm-suit", suit_spec(), 2), key=key)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


def test_a_retry_answers_its_order_even_when_the_product_is_gone_since(customer_api):
    from bom.models import Product

    # given an order placed with a key, then the product taken off the catalog
    key = str(uuid.uuid4())
    first = place(customer_api, ("mtm-suit", suit_spec(), 1), key=key)
    Product.objects.filter(slug="mtm-suit").update(is_active=False)
    # when the customer retries with the same key: the same body, then another one
    again = place(customer_api, ("mtm-suit", suit_spec(), 1), key=key)
    other = place(customer_api, ("mtm-suit", suit_spec(), 2), key=key)
    # then the retry answers the order placed, the other body is refused, and nothing is created
    assert again.status_code == 201 and again.json()["number"] == first.json()["number"]
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert place(customer_api, ("mtm-suit", suit_spec(), 1)).status_code == 400  # a new key: no product
    assert Order.objects.count() == 1 and IdempotencyKey.objects.count() == 1


def test_a_key_is_bound_to_the_user_who_sent_it(customer_api, other_api):
    key = str(uuid.uuid4())
    mine = place(customer_api, ("mtm-suit", suit_spec(), 1), key=key)
    theirs = place(other_api, ("mtm-suit", suit_spec(), 1), key=key)
    assert theirs.status_code == 201
    assert mine.json()["number"] != theirs.json()["number"]
    assert Order.objects.count() == 2


def test_an_invalid_spec_is_a_400_under_lines_spec_and_nothing_is_created(customer_api):
    # given a suit whose lapel needs another jacket, and a chest out of range
    bad = suit_spec(lapel="shawl", chest_cm=200)
    response = place(customer_api, ("custom-cabinet", cabinet_spec(), 1), ("mtm-suit", bad, 1), key=str(uuid.uuid4()))
    assert response.status_code == 400
    errors = response.json()["lines"]
    assert errors[0] == {}
    assert "shawl" in " ".join(errors[1]["spec"]["lapel"]).lower()
    assert "chest_cm" in errors[1]["spec"]
    assert not Order.objects.exists() and not OrderEvent.objects.exists()
    assert not IdempotencyKey.objects.exists() and not ProductionOrder.objects.exists()


def test_an_incomplete_spec_names_the_missing_options(customer_api):
    spec = suit_spec()
    del spec["fabric"]
    response = place(customer_api, ("mtm-suit", spec, 1))
    assert response.status_code == 400
    assert "fabric" in response.json()["lines"][0]["spec"]
    assert not Order.objects.exists()


def test_an_unknown_product_is_a_400(customer_api):
    response = place(customer_api, ("time-machine", {}, 1))
    assert response.status_code == 400
    assert response.json() == {"lines": [{"product": ["There is no product 'time-machine'."]}]}
    assert not Order.objects.exists()


def test_the_idempotency_key_is_required_and_must_be_a_uuid(customer_api):
    body = {"lines": [{"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}]}
    missing = customer_api.post("/api/v1/orders/", body, format="json")
    assert missing.status_code == 400 and "Idempotency-Key" in missing.json()
    bad = customer_api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="x" * 300)
    assert bad.status_code == 400 and "UUID" in bad.json()["Idempotency-Key"][0]
    assert not Order.objects.exists()


def test_only_customers_place_orders(planner_api, operator_api, staff_api):
    for api in (planner_api, operator_api, staff_api):
        assert place(api, ("mtm-suit", suit_spec(), 1)).status_code == 403
    assert not Order.objects.exists()


def test_identifiers_in_paths_are_checked_before_any_query(customer_api, operator_api):
    assert customer_api.get("/api/v1/orders/a%00b/").status_code == 404
    assert operator_api.get("/api/v1/production/work-centers/a%00/operations/").status_code == 404


def test_an_unknown_api_path_answers_json(anon):
    response = anon.get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_cancelling_twice_says_it_is_already_cancelled(customer_api):
    number = place(customer_api, ("mtm-suit", suit_spec(), 1)).json()["number"]
    assert customer_api.post(f"/api/v1/orders/{number}/cancel/").status_code == 200
    again = customer_api.post(f"/api/v1/orders/{number}/cancel/")
    assert again.status_code == 409 and "already cancelled" in again.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"lines": []},
        {"lines": [{"product": "mtm-suit", "spec": {}, "quantity": 0}]},
        {"lines": "suit"},
        {"lines": [{"product": "mtm-suit", "spec": "big"}]},
    ],
)
def test_malformed_bodies_are_400s(customer_api, body):
    response = customer_api.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_a_customer_never_sees_another_customers_order(customer_api, other_api):
    number = place(customer_api, ("mtm-suit", suit_spec(), 1)).json()["number"]
    assert other_api.get(f"/api/v1/orders/{number}/").status_code == 404
    assert other_api.post(f"/api/v1/orders/{number}/cancel/").status_code == 404
    assert other_api.get("/api/v1/orders/").json()["count"] == 0
    assert customer_api.get("/api/v1/orders/").json()["count"] == 1
    assert Order.objects.get(number=number).status == "submitted"


def test_planners_and_staff_see_every_order(customer_api, planner_api, staff_api):
    number = place(customer_api, ("mtm-suit", suit_spec(), 1)).json()["number"]
    for api in (planner_api, staff_api):
        assert api.get(f"/api/v1/orders/{number}/").status_code == 200
        assert api.get("/api/v1/orders/").json()["count"] == 1


def test_cancelling_gives_the_material_back(customer_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        number = place(customer_api, ("mtm-suit", suit_spec(), 1)).json()["number"]
    cloth = Item.objects.get(sku="FAB-WOOL-NAVY")
    assert cloth.reserved > 0
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_api.post(f"/api/v1/orders/{number}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    cloth.refresh_from_db()
    assert cloth.reserved == Decimal("0")
    assert ProductionOrder.objects.get().status == "cancelled"
    assert LedgerEntry.objects.filter(item=cloth, reason="release").exists()


def test_an_order_in_production_cannot_be_cancelled(customer_api, operator_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        number = place(customer_api, ("mtm-suit", suit_spec(), 1)).json()["number"]
    po = ProductionOrder.objects.get()
    first = po.operations.order_by("sequence").first()
    assert operator_api.post(f"/api/v1/production/operations/{first.pk}/start/").status_code == 200
    reserved = Item.objects.get(sku="FAB-WOOL-NAVY").reserved
    response = customer_api.post(f"/api/v1/orders/{number}/cancel/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_cancellable"
    assert Order.objects.get(number=number).status == "in_production"
    assert Item.objects.get(sku="FAB-WOOL-NAVY").reserved == reserved


def test_ship_is_for_planners_and_only_once_completed(customer_api, planner_api):
    number = place(customer_api, ("mtm-suit", suit_spec(), 1)).json()["number"]
    assert customer_api.post(f"/api/v1/orders/{number}/ship/").status_code == 403
    response = planner_api.post(f"/api/v1/orders/{number}/ship/")
    assert response.status_code == 409 and response.json()["code"] == "not_completed"
    assert Order.objects.get(number=number).status == "submitted"


def test_a_planner_may_not_cancel_a_customers_order(customer_api, planner_api):
    number = place(customer_api, ("mtm-suit", suit_spec(), 1)).json()["number"]
    assert planner_api.post(f"/api/v1/orders/{number}/cancel/").status_code == 403
    assert Order.objects.get(number=number).status == "submitted"


def test_the_answer_to_a_placement_is_the_order_as_a_read_of_it_answers(customer_api):
    # when a customer places a two-line order
    response = place(customer_api, ("mtm-suit", suit_spec(), 2), ("mtm-suit", suit_spec(lapel="peak"), 1), note="Hi")
    # then the 201 answer (made from what was written) is what reading the order answers
    assert response.status_code == 201, response.json()
    placed = response.json()
    assert placed == customer_api.get(f"/api/v1/orders/{placed['number']}/").json()
    assert placed["status"] == "submitted" and [line["production_orders"] for line in placed["lines"]] == [[], []]
    assert [e["kind"] for e in placed["events"]] == ["submitted"]


def test_an_order_number_is_made_from_its_id_past_six_digits(customer_api):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM orders_order_id_seq")
        (before,) = cursor.fetchone()
        cursor.execute("SELECT setval('orders_order_id_seq', 1234566)")
    try:
        # when the next order's id has seven digits
        number = place(customer_api, ("mtm-suit", suit_spec(), 1)).json()["number"]
    finally:
        with connection.cursor() as cursor:  # (a sequence is not rolled back with the test)
            cursor.execute("SELECT setval('orders_order_id_seq', %s)", [before])
    # then its number has them all, as the six-digit ones have theirs
    assert number == "C2B-1234567"
    assert Order.objects.get(number=number).pk == 1234567
