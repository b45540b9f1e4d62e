"""The traveler PDF and the shop-floor pages an operator reaches by scanning it."""

import pytest

from inventory.models import Item, LedgerEntry
from orders.services import order_place, order_release
from production.models import Operation, ProductionOrder
from production.services import production_replan
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def po(customer):
    order, _ = order_place(customer=customer, lines=[{"product": "mtm-suit", "quantity": 1,
                                                      "spec": suit_spec(monogram="王 W.L.")}],
                           idempotency_key=None)  # fmt: skip
    order_release(order_id=order.pk)
    production_replan()
    return ProductionOrder.objects.get(order_line__order=order)


def test_the_traveler_is_a_pdf_with_a_code_for_every_operation(operator_api, po):
    response = operator_api.get(f"/api/v1/production/orders/{po.number}/traveler.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response) if response.streaming else response.content
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_only_the_shop_floor_prints_travelers(customer_api, operator_api, po):
    assert customer_api.get(f"/api/v1/production/orders/{po.number}/traveler.pdf").status_code == 403
    assert operator_api.get("/api/v1/production/orders/PO-999999/traveler.pdf").status_code == 404


def test_scanning_an_operation_opens_it_and_the_operator_runs_it(client, operator, po):
    client.force_login(operator)
    first = Operation.objects.filter(production_order=po).order_by("sequence").first()
    page = client.get(f"/floor/operations/{first.pk}/")
    assert page.status_code == 200 and first.name in page.content.decode() and b'id="start"' in page.content
    assert client.post(f"/floor/operations/{first.pk}/start/").status_code == 302
    assert Operation.objects.get(pk=first.pk).status == "in_progress"
    assert client.post(f"/floor/operations/{first.pk}/finish/", {"scrap_quantity": "0"}).status_code == 302
    assert Operation.objects.get(pk=first.pk).status == "done"


def test_a_refused_action_says_why_and_changes_nothing(client, operator, po):
    client.force_login(operator)
    cut = Operation.objects.get(production_order=po, key="cut")
    page = client.post(f"/floor/operations/{cut.pk}/start/", follow=True)
    assert "Finish Draft pattern first" in page.content.decode()
    assert Operation.objects.get(pk=cut.pk).status == "pending"
    bad = client.post(f"/floor/operations/{cut.pk}/finish/", {"scrap_quantity": "lots"}, follow=True)
    assert "Scrap must be a number" in bad.content.decode()


def test_customers_and_staff_cannot_run_the_floor(client, customer, staff, po):
    op = Operation.objects.filter(production_order=po).first()
    client.force_login(customer)
    assert client.get("/floor/").status_code == 403
    assert client.get(f"/floor/operations/{op.pk}/").status_code == 403
    client.force_login(staff)
    assert client.get(f"/floor/operations/{op.pk}/").status_code == 200
    assert client.post(f"/floor/operations/{op.pk}/start/").status_code == 403
    assert Operation.objects.get(pk=op.pk).status == "pending"


def test_station_and_production_order_pages(client, operator, po):
    client.force_login(operator)
    assert client.get("/floor/").status_code == 200
    assert client.get("/floor/work-centers/CUT/").status_code == 200
    assert client.get("/floor/work-centers/NOPE/").status_code == 404
    page = client.get(f"/floor/orders/{po.number}/")
    assert page.status_code == 200 and "Print the traveler" in page.content.decode()


@pytest.mark.parametrize(
    ("scrap", "message"),
    [
        ("NaN", "Scrap must be a number."),
        ("sNaN", "Scrap must be a number."),
        ("Infinity", "Scrap must be a number."),
        ("-Infinity", "Scrap must be a number."),
        ("1e999999", "Scrap must have at most 12 digits."),
        ("0.00001", "Scrap must have at most 4 decimal places."),
        ("-1", "Scrap cannot be negative."),
        ("lots", "Scrap must be a number."),
    ],
)
def test_finishing_with_a_scrap_that_is_no_quantity_says_why_and_changes_nothing(client, operator, po, scrap, message):
    # given an operation in progress
    client.force_login(operator)
    first = Operation.objects.filter(production_order=po).order_by("sequence").first()
    client.post(f"/floor/operations/{first.pk}/start/")
    before = Operation.objects.get(pk=first.pk)
    stock = list(Item.objects.order_by("pk").values_list("on_hand", "reserved"))
    ledger = LedgerEntry.objects.count()
    # when the operator finishes it reporting that scrap
    response = client.post(f"/floor/operations/{first.pk}/finish/", {"scrap_quantity": scrap})
    # then the operation's page comes back with the reason, and nothing changed
    assert response.status_code == 302 and response["Location"] == f"/floor/operations/{first.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and message in page.content.decode() and b'id="finish"' in page.content
    after = Operation.objects.get(pk=first.pk)
    assert (after.status, after.scrap_quantity, after.finished_at) == ("in_progress", before.scrap_quantity, None)
    assert list(Item.objects.order_by("pk").values_list("on_hand", "reserved")) == stock
    assert LedgerEntry.objects.count() == ledger


def test_the_operation_page_shows_what_to_make_from_the_snapshot_in_the_customers_words(client, operator, po):
    # given an operator who scanned the traveler of a suit with a Chinese monogram
    client.force_login(operator)
    cut = Operation.objects.get(production_order=po, key="cut")
    page = client.get(f"/floor/operations/{cut.pk}/").content.decode()
    # then the page names the product and shows the spec as the customer chose it
    assert "Made-to-measure suit" in page and "× mtm-suit" not in page
    assert "王 W.L." in page and "Navy wool" in page and "Chest" in page


def test_start_is_offered_only_when_the_operation_is_ready_and_otherwise_says_why(client, operator, po):
    client.force_login(operator)
    first = Operation.objects.filter(production_order=po).order_by("sequence").first()
    cut = Operation.objects.get(production_order=po, key="cut")
    ready = client.get(f"/floor/operations/{first.pk}/").content.decode()
    waiting = client.get(f"/floor/operations/{cut.pk}/").content.decode()
    assert 'id="start"' in ready and 'id="not-ready"' not in ready
    assert 'id="start"' not in waiting and "Not ready to start: Finish Draft pattern first." in waiting
