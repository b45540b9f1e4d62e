"""Issue 8's shortages page: what is short, for which orders, by when; the purchase order is placed
from the shortage and received from the page, and the waiting orders get their material."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import Item, PurchaseOrder, Receipt
from orders.services import order_place, order_release
from production.models import MaterialRequirement, ProductionOrder
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")
CASHMERE = "FAB-CASHMERE-GREY"


def _cashmere_suit(customer):
    lines = [{"product": "mtm-suit", "spec": suit_spec(fabric="cashmere-grey"), "quantity": 1}]
    order, _ = order_place(customer=customer, lines=lines, idempotency_key=None)
    order_release(order_id=order.pk)
    return ProductionOrder.objects.get(order_line__order=order)


def _waiting_suits(customer):
    """Cashmere suits until two wait for material (the demo's 9.50 m makes three)."""
    suits = [_cashmere_suit(customer) for _ in range(5)]
    waiting = [po for po in suits if ProductionOrder.objects.get(pk=po.pk).status == "awaiting_material"]
    assert len(waiting) >= 2
    return waiting


def _short(po) -> Decimal:
    need = MaterialRequirement.objects.get(production_order=po, item__sku=CASHMERE)
    return need.quantity - need.reserved


def _order_form(**overrides):
    form = {"sku": CASHMERE, "supplier": "Loro Piana", "quantity": "2",
            "expected_date": (timezone.localdate() + timedelta(days=5)).isoformat()}  # fmt: skip
    return {**form, **overrides}


def _state():
    item = Item.objects.get(sku=CASHMERE)
    return (
        list(PurchaseOrder.objects.values_list("number", "quantity", "received_quantity", "status")),
        Receipt.objects.count(),
        (item.on_hand, item.reserved),
        list(ProductionOrder.objects.order_by("pk").values_list("status", flat=True)),
    )


def test_the_page_lists_the_short_cashmere_with_its_waiting_orders(client, customer, planner):
    # given cashmere suits waiting for material, and cashmere sold by the 3 m bolt
    Item.objects.filter(sku=CASHMERE).update(purchase_uom="bolt", purchase_factor=Decimal("3"))
    waiting = _waiting_suits(customer)
    short = sum(_short(po) for po in waiting) - Item.objects.get(sku=CASHMERE).available
    # when a planner opens the shortages page
    client.force_login(planner)
    response = client.get("/planner/shortages/")
    # then it lists the cashmere, how much is short, the waiting orders linked to their floor pages,
    # and an order form prefilled to cover the shortage in whole bolts
    assert response.status_code == 200
    page = response.content.decode()
    assert CASHMERE in page and "Grey cashmere cloth" in page
    assert f"{short.quantize(Decimal('0.01'))} m" in page
    for po in waiting:
        assert f'href="/floor/orders/{po.number}/"' in page
    bolts = (short / 3).to_integral_value(rounding="ROUND_CEILING")
    assert re.search(rf'name="quantity" value="{bolts}"', page)
    row = next(r for r in response.context["shortages"] if r["sku"] == CASHMERE)
    assert row["expected_date"] > timezone.localdate() - timedelta(days=1)


def test_the_queue_links_planners_to_the_shortages_page_and_not_operators(client, planner, operator):
    client.force_login(planner)
    assert 'href="/planner/shortages/"' in client.get("/planner/").content.decode()
    client.force_login(operator)
    assert 'href="/planner/shortages/"' not in client.get("/planner/").content.decode()


def test_ordering_from_the_shortage_places_a_purchase_order_and_receiving_it_serves_a_waiting_order(
    client, customer, planner, django_capture_on_commit_callbacks
):
    # given cashmere suits waiting for material
    waiting = _waiting_suits(customer)
    first = waiting[0]
    client.force_login(planner)
    # when the planner orders enough for the first waiting suit from the shortage's form
    need = _short(first)
    response = client.post("/planner/shortages/order/", _order_form(quantity=str(need)), follow=True)
    # then a purchase order is placed, and the page says so
    purchase = PurchaseOrder.objects.get(item__sku=CASHMERE)
    assert (purchase.supplier, purchase.quantity, purchase.status) == ("Loro Piana", need, "open")
    assert purchase.number in response.content.decode() and "ordered from Loro Piana" in response.content.decode()
    short_before = next(r for r in response.context["shortages"] if r["sku"] == CASHMERE)["short_quantity"]
    # when it is received from the open purchase orders' form
    page = client.get("/planner/shortages/")
    row = next(r for r in page.context["purchases"] if r["po"].number == purchase.number)
    assert row["open"] == str(need.normalize()) and first.number in row["waiting"]
    with django_capture_on_commit_callbacks(execute=True):
        form = {"quantity": row["open"], "reference": "DN-7", "idempotency_key": str(row["key"])}
        response = client.post(f"/planner/purchase-orders/{purchase.number}/receive/", form)
    assert response.status_code == 302
    # then the first waiting suit has its material, and the page says which orders waited for it
    assert ProductionOrder.objects.get(pk=first.pk).status == "planned"
    assert PurchaseOrder.objects.get(pk=purchase.pk).status == "received"
    after = client.get("/planner/shortages/")
    message = after.content.decode()
    assert (
        f"Received {need.quantize(Decimal('0.01'))} m of {CASHMERE} on {purchase.number}." in message
        and first.number in message
    )
    # and the cashmere is no longer short by as much (or not at all), and the purchase is no longer open
    rows = {r["sku"]: r for r in after.context["shortages"]}
    assert CASHMERE not in rows or Decimal(rows[CASHMERE]["short_quantity"]) <= Decimal(short_before)
    assert all(r["po"].number != purchase.number for r in after.context["purchases"])
    assert CASHMERE not in rows or first.number not in rows[CASHMERE]["production_orders"]


def test_a_double_submit_of_the_receive_form_counts_once(client, customer, planner, django_capture_on_commit_callbacks):
    # given an open purchase order of 4 m of cashmere, received from the page in part
    _waiting_suits(customer)
    client.force_login(planner)
    client.post("/planner/shortages/order/", _order_form(quantity="4"))
    purchase = PurchaseOrder.objects.get(item__sku=CASHMERE)
    on_hand = Item.objects.get(sku=CASHMERE).on_hand
    form = {"quantity": "1.5", "reference": "", "idempotency_key": str(uuid.uuid4())}
    # when the same form is sent twice
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert client.post(f"/planner/purchase-orders/{purchase.number}/receive/", form).status_code == 302
    # then it counts once
    purchase.refresh_from_db()
    assert (purchase.received_quantity, purchase.status) == (Decimal("1.5"), "partially_received")
    assert Receipt.objects.filter(purchase_order=purchase).count() == 1
    assert Item.objects.get(sku=CASHMERE).on_hand == on_hand + Decimal("1.5")


@pytest.mark.parametrize(
    "form",
    [
        _order_form(quantity="lots"),
        _order_form(quantity="NaN"),
        _order_form(quantity="Infinity"),
        _order_form(quantity="1e999999"),
        _order_form(quantity="0"),
        _order_form(quantity="-2"),
        _order_form(quantity="1.00001"),
        _order_form(quantity="1000000000000"),
        _order_form(supplier=""),
        _order_form(supplier="x" * 201),
        _order_form(expected_date="next week"),
        _order_form(expected_date=""),
        _order_form(sku="NO-SUCH-ITEM"),
    ],
)
def test_a_bad_purchase_order_is_refused_with_a_message_and_changes_nothing(client, customer, planner, form):
    _waiting_suits(customer)
    before = _state()
    client.force_login(planner)
    response = client.post("/planner/shortages/order/", form, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert _state() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"quantity": "five"},
        {"quantity": "NaN"},
        {"quantity": "0"},
        {"quantity": "4.5"},  # more than is open
        {"quantity": "1.001"},  # metres have two decimals
        {"reference": "x" * 101},
        {"idempotency_key": "not-a-uuid"},
    ],
)
def test_a_bad_receipt_is_refused_with_a_message_and_changes_nothing(client, customer, planner, overrides):
    _waiting_suits(customer)
    client.force_login(planner)
    client.post("/planner/shortages/order/", _order_form(quantity="4"), follow=True)
    purchase = PurchaseOrder.objects.get(item__sku=CASHMERE)
    before = _state()
    form = {"quantity": "1", "reference": "", "idempotency_key": str(uuid.uuid4()), **overrides}
    response = client.post(f"/planner/purchase-orders/{purchase.number}/receive/", form, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert _state() == before


def test_a_received_purchase_order_cannot_be_received_again(client, customer, planner):
    client.force_login(planner)
    client.post("/planner/shortages/order/", _order_form(quantity="1"))
    purchase = PurchaseOrder.objects.get(item__sku=CASHMERE)
    client.post(f"/planner/purchase-orders/{purchase.number}/receive/", {"quantity": "1"})
    before = _state()
    response = client.post(f"/planner/purchase-orders/{purchase.number}/receive/", {"quantity": "1"}, follow=True)
    assert "is received" in response.content.decode() and _state() == before
    assert client.post("/planner/purchase-orders/PUR-999999/receive/", {"quantity": "1"}).status_code == 404


def test_staff_see_the_page(client, staff):
    client.force_login(staff)
    assert client.get("/planner/shortages/").status_code == 200


def test_operators_and_customers_get_403_and_change_nothing(client, customer, operator, planner):
    client.force_login(planner)
    client.post("/planner/shortages/order/", _order_form(quantity="1"))
    purchase = PurchaseOrder.objects.get(item__sku=CASHMERE)
    before = _state()
    for user in (operator, customer):
        client.force_login(user)
        assert client.get("/planner/shortages/").status_code == 403
        assert client.post("/planner/shortages/order/", _order_form()).status_code == 403
        receive = client.post(f"/planner/purchase-orders/{purchase.number}/receive/", {"quantity": "1"})
        assert receive.status_code == 403
    assert _state() == before


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/planner/shortages/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_with_tasks_in_process_the_message_names_the_order_that_got_its_material(demo_tx, client, customer, planner):
    # given a cashmere suit waiting for material and a purchase order that covers it (committed, so
    # the receipt's re-allocation runs when the receipt commits, as `make run` does)
    first = _waiting_suits(customer)[0]
    client.force_login(planner)
    client.post("/planner/shortages/order/", _order_form(quantity=str(_short(first))), follow=True)
    purchase = PurchaseOrder.objects.get(item__sku=CASHMERE)
    # when it is received from the page
    form = {"quantity": str(purchase.quantity), "reference": "", "idempotency_key": str(uuid.uuid4())}
    response = client.post(f"/planner/purchase-orders/{purchase.number}/receive/", form, follow=True)
    # then the order is served, and the message says it got its material
    assert ProductionOrder.objects.get(pk=first.pk).status == "planned"
    assert f"Now reserved for {first.number}." in response.content.decode()


def test_open_purchase_orders_come_50_a_page_and_received_ones_are_not_listed(client, planner):
    # given 60 open purchase orders and one received
    item = Item.objects.get(sku=CASHMERE)
    today = timezone.localdate()
    PurchaseOrder.objects.bulk_create(
        PurchaseOrder(number=f"PUR-9{i:05d}", supplier="Loro", item=item, quantity=Decimal("1"),
                      expected_date=today + timedelta(days=i), status="received" if i == 0 else "open",
                      received_quantity=Decimal("1") if i == 0 else Decimal("0"))
        for i in range(61)
    )  # fmt: skip
    client.force_login(planner)
    # when the planner opens the page, then the purchase orders' second page
    first, second = (client.get("/planner/shortages/", {"po_page": n}) for n in (1, 2))
    # then each shows the next of them, soonest expected first, without the received one
    numbers = [[r["po"].number for r in page.context["purchases"]] for page in (first, second)]
    assert numbers == [[f"PUR-9{i:05d}" for i in range(1, 51)], [f"PUR-9{i:05d}" for i in range(51, 61)]]
    nav = second.content.decode()
    assert "Page 2 of 2" in nav and 'href="?po_page=1#purchase-orders" rel="prev"' in nav
