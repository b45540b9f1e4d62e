"""API.md "Production": the queue, start and finish with their 409 rules, completion."""

from decimal import Decimal

import pytest

from inventory.models import Item
from orders.models import Order
from orders.services import order_place, order_release
from production.models import Operation, ProductionOrder
from production.services import production_replan
from tests.factories import cabinet_spec, suit_spec

pytestmark = pytest.mark.usefixtures("demo")


def released(customer, product="mtm-suit", spec=None, quantity=1):
    order, _ = order_place(
        customer=customer,
        lines=[{"product": product, "spec": spec or suit_spec(), "quantity": quantity}],
        idempotency_key=None,
    )
    order_release(order_id=order.pk)
    production_replan()
    return Order.objects.get(pk=order.pk)


def ops_of(order):
    return list(Operation.objects.filter(production_order__order_line__order=order).order_by("sequence"))


def test_the_queue_lists_open_production_orders_in_planned_sequence(customer, operator_api):
    first = released(customer)
    second = released(customer, "custom-cabinet", cabinet_spec())
    response = operator_api.get("/api/v1/production/queue/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["order"] for r in rows] == [first.number, second.number]
    row = rows[0]
    assert set(row) >= {
        "number",
        "order",
        "product",
        "status",
        "priority",
        "promised_date",
        "planned_finish",
        "next_operation",
    }
    assert row["status"] == "planned" and row["product"] == "mtm-suit"
    assert row["next_operation"]["key"] == "pattern"
    assert row["next_operation"]["planned_start"] is not None


def test_customers_may_not_see_the_shop_floor(customer_api, customer):
    released(customer)
    op = Operation.objects.first()
    assert customer_api.get("/api/v1/production/queue/").status_code == 403
    assert customer_api.post(f"/api/v1/production/operations/{op.pk}/start/").status_code == 403
    assert customer_api.post("/api/v1/production/replan/").status_code == 403
    assert Operation.objects.get(pk=op.pk).status == "pending"


def test_staff_see_the_queue_but_do_not_run_operations(staff_api, customer):
    released(customer)
    op = ops_of(Order.objects.get())[0]
    assert staff_api.get("/api/v1/production/queue/").status_code == 200
    assert staff_api.post(f"/api/v1/production/operations/{op.pk}/start/").status_code == 403


def test_an_operation_waits_for_its_predecessors(customer, operator_api):
    order = released(customer)
    cut = next(op for op in ops_of(order) if op.key == "cut")
    response = operator_api.post(f"/api/v1/production/operations/{cut.pk}/start/")
    assert response.status_code == 409
    assert response.json()["code"] == "predecessors_open"
    assert "pattern" in response.json()["detail"]
    cut.refresh_from_db()
    assert cut.status == "pending" and cut.started_at is None


def test_start_twice_is_already_started_and_finish_needs_in_progress(customer, operator_api):
    order = released(customer)
    pattern = ops_of(order)[0]
    assert (
        operator_api.post(f"/api/v1/production/operations/{pattern.pk}/finish/", {}).json()["code"] == "not_in_progress"
    )
    assert operator_api.post(f"/api/v1/production/operations/{pattern.pk}/start/").status_code == 200
    again = operator_api.post(f"/api/v1/production/operations/{pattern.pk}/start/")
    assert again.status_code == 409 and again.json()["code"] == "already_started"
    assert Order.objects.get(pk=order.pk).status == "in_production"


def test_an_unknown_operation_is_404(operator_api, db):
    assert operator_api.post("/api/v1/production/operations/999999/start/").status_code == 404


def test_negative_scrap_is_refused(customer, operator_api):
    order = released(customer)
    pattern = ops_of(order)[0]
    operator_api.post(f"/api/v1/production/operations/{pattern.pk}/start/")
    response = operator_api.post(
        f"/api/v1/production/operations/{pattern.pk}/finish/", {"scrap_quantity": "-1"}, format="json"
    )
    assert response.status_code == 400 and "scrap_quantity" in response.json()
    assert Operation.objects.get(pk=pattern.pk).status == "in_progress"


def test_material_missing_blocks_the_start(customer, operator_api):
    # given a cashmere suit when there is no cashmere left
    cashmere = Item.objects.get(sku="FAB-CASHMERE-GREY")
    Item.objects.filter(pk=cashmere.pk).update(on_hand=0)
    from inventory.models import LedgerEntry

    LedgerEntry.objects.create(item=cashmere, reason="adjustment", on_hand_delta=-cashmere.on_hand, source="test")
    order = released(customer, spec=suit_spec(fabric="cashmere-grey"))
    assert ProductionOrder.objects.get().status == "awaiting_material"
    pattern = ops_of(order)[0]
    response = operator_api.post(f"/api/v1/production/operations/{pattern.pk}/start/")
    assert response.status_code == 409 and response.json()["code"] == "material_missing"
    assert Operation.objects.get(pk=pattern.pk).status == "pending"


def test_a_cancelled_order_cannot_be_started(customer, operator_api):
    from orders.services import order_cancel

    order = released(customer)
    order_cancel(order=order, user=customer)
    pattern = ops_of(order)[0]
    response = operator_api.post(f"/api/v1/production/operations/{pattern.pk}/start/")
    assert response.status_code == 409 and response.json()["code"] == "order_cancelled"


def test_finishing_every_operation_completes_the_order_and_consumes_its_material(
    customer, operator_api, planner_api, customer_api
):
    order = released(customer, "custom-cabinet", cabinet_spec())
    board = Item.objects.get(sku="BRD-OAK")
    on_hand_before = board.on_hand
    reserved = board.reserved
    assert reserved > 0
    # when operators run every operation in routing order
    for op in ops_of(order):
        assert operator_api.post(f"/api/v1/production/operations/{op.pk}/start/").status_code == 200
        finished = operator_api.post(
            f"/api/v1/production/operations/{op.pk}/finish/", {"scrap_quantity": "0"}, format="json"
        )
        assert finished.status_code == 200, finished.json()
    # then the production order is done, the order completed, and the material consumed
    assert ProductionOrder.objects.get().status == "done"
    board.refresh_from_db()
    assert board.reserved == Decimal("0") and board.on_hand == on_hand_before - reserved
    detail = customer_api.get(f"/api/v1/orders/{order.number}/").json()
    assert detail["status"] == "completed"
    assert detail["lines"][0]["production_orders"][0]["progress"]["done"] == len(ops_of(order))
    # and a planner ships it
    shipped = planner_api.post(f"/api/v1/orders/{order.number}/ship/")
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"
    assert [e["kind"] for e in shipped.json()["events"]][-3:] == ["in_production", "completed", "shipped"]
    assert operator_api.get("/api/v1/production/queue/").json()["count"] == 0


def test_work_centers_show_their_load(customer, operator_api):
    released(customer)
    response = operator_api.get("/api/v1/production/work-centers/")
    assert response.status_code == 200
    cut = next(wc for wc in response.json()["results"] if wc["code"] == "CUT")
    assert cut["capacity"] == 1 and cut["load"]
    station = operator_api.get("/api/v1/production/work-centers/CUT/operations/")
    assert station.status_code == 200 and [op["key"] for op in station.json()["results"]] == ["cut"]
    assert operator_api.get("/api/v1/production/work-centers/NOPE/operations/").status_code == 404


def test_replan_is_accepted_for_planners(planner_api, db):
    assert planner_api.post("/api/v1/production/replan/").status_code == 202


def test_the_work_center_list_costs_the_same_queries_for_any_number_of_centers(operator_api, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from production.models import WorkCenter

    released(customer)
    with CaptureQueriesContext(connection) as before:
        assert operator_api.get("/api/v1/production/work-centers/").status_code == 200
    for i in range(10):
        WorkCenter.objects.create(code=f"EXTRA-{i}", name=f"Extra {i}")
    with CaptureQueriesContext(connection) as after:
        assert operator_api.get("/api/v1/production/work-centers/").json()["count"] == WorkCenter.objects.count()
    assert len(after.captured_queries) == len(before.captured_queries)
