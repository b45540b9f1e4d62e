"""Pages that list things show 50 rows a page with a way between pages, instead of stopping silently
at 200 or 500 rows; a page number that is no page shows the first or the last page."""

import re
from decimal import Decimal

import pytest

from orders.models import Order
from orders.services import order_place, order_release
from production.models import Operation, ProductionOrder
from production.services import production_replan
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")


def order_links(html: str) -> list[str]:
    return re.findall(r'href="/orders/(C2B-[^/"]+)/"', html)


def pagination(html: str) -> str:
    found = re.search(r'<nav class="pagination" aria-label="Pagination">(.*?)</nav>', html, re.S)
    assert found, "no pagination"
    return found.group(1)


@pytest.fixture
def orders_120(customer):
    """120 orders of one customer, newest last."""
    Order.objects.bulk_create(
        Order(number=f"C2B-9{i:05d}", customer=customer, currency="CNY", total=Decimal("100.00")) for i in range(120)
    )
    return list(Order.objects.filter(customer=customer).order_by("-created_at", "-id").values_list("number", flat=True))


def test_a_customer_s_orders_come_50_a_page_with_a_way_between_pages(client, customer, orders_120):
    # given a customer with 120 orders
    client.force_login(customer)
    # when they open their orders, then pages 2 and 3
    first, second, third = (client.get("/orders/", {"page": n}) for n in (1, 2, 3))
    # then each page shows the next 50, newest first, and the last the 20 left
    assert [page.status_code for page in (first, second, third)] == [200, 200, 200]
    assert order_links(first.content.decode()) == orders_120[:50]
    assert order_links(second.content.decode()) == orders_120[50:100]
    assert order_links(third.content.decode()) == orders_120[100:]
    # and the pagination says where they are and links the pages around
    nav = pagination(second.content.decode())
    assert "Page 2 of 3" in nav and 'href="?page=1" rel="prev"' in nav and 'href="?page=3" rel="next"' in nav
    assert 'rel="prev"' not in pagination(first.content.decode())
    assert 'rel="next"' not in pagination(third.content.decode())
    # and with no page asked for, the first
    assert order_links(client.get("/orders/").content.decode()) == orders_120[:50]


@pytest.mark.parametrize(("page", "shown"), [("abc", "first"), ("", "first"), ("999", "last"), ("0", "last")])
def test_a_page_number_that_is_no_page_shows_the_first_or_last_page(client, customer, orders_120, page, shown):
    client.force_login(customer)
    response = client.get("/orders/", {"page": page})
    assert response.status_code == 200
    expected = orders_120[:50] if shown == "first" else orders_120[100:]
    assert order_links(response.content.decode()) == expected


def test_a_single_page_shows_no_pagination(client, customer):
    Order.objects.create(number="C2B-900001", customer=customer, currency="CNY", total=Decimal("1.00"))
    client.force_login(customer)
    html = client.get("/orders/").content.decode()
    assert order_links(html) == ["C2B-900001"] and 'aria-label="Pagination"' not in html


@pytest.fixture
def queue_57(customer):
    """57 open production orders: three orders of 19 suits each, released and planned."""
    for _ in range(3):
        lines = [{"product": "mtm-suit", "quantity": 1, "spec": suit_spec()} for _ in range(19)]
        order, _ = order_place(customer=customer, lines=lines, idempotency_key=None)
        order_release(order_id=order.pk)
    production_replan()
    assert ProductionOrder.objects.filter(status__in=ProductionOrder.OPEN_STATUSES).count() == 57


def test_the_queue_comes_50_a_page_numbered_through(client, planner, queue_57):
    # given 57 open production orders, and a planner
    client.force_login(planner)
    # when the planner opens the queue, then its second page
    first = client.get("/planner/").content.decode()
    second = client.get("/planner/?page=2").content.decode()
    # then the first page has 50 of them, the second the other 7, numbered on from 51
    first_numbers = re.findall(r'href="/floor/orders/(PO-[^/"]+)/"', first)
    second_numbers = re.findall(r'href="/floor/orders/(PO-[^/"]+)/"', second)
    assert len(first_numbers) == 50 and len(second_numbers) == 7
    assert set(first_numbers) | set(second_numbers) == set(ProductionOrder.objects.values_list("number", flat=True))
    assert "<td>51</td>" in second and "<td>57</td>" in second and "<td>51</td>" not in first
    assert "Page 2 of 2" in pagination(second)
    # and the work-center load is on every page
    assert "Work centers" in first and "Work centers" in second


def test_a_station_shows_its_operations_50_a_page(client, operator, queue_57):
    # given a station with an open operation of each of 57 production orders
    cut = Operation.objects.filter(key="cut").values("work_center__code").distinct()
    assert cut.count() == 1
    code = cut[0]["work_center__code"]
    open_here = Operation.objects.filter(work_center__code=code, status__in=["pending", "in_progress"]).count()
    assert open_here >= 57
    client.force_login(operator)
    # when an operator opens it, page by page
    pages = [client.get(f"/floor/work-centers/{code}/", {"page": n}) for n in (1, 2, 99, "x")]
    # then it shows 50 a page, the rest on the last, and a page that is no page answers too
    counts = [len(re.findall(r'href="/floor/operations/\d+/"', page.content.decode())) for page in pages]
    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert counts == [50, open_here - 50, open_here - 50, 50]
    assert f"Page 2 of {-(-open_here // 50)}" in pagination(pages[1].content.decode())
