"""Every link a role is shown opens for that role: a crawl from the pages each role lands on, following
same-site `<a href>`s, finds none that answers 403, 404 or 500."""

from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from django.test import Client

from orders.models import Order
from orders.services import order_hold, order_place, order_release
from production.models import Operation, ProductionOrder
from production.services import operation_start, production_replan
from tests.factories import UserFactory, cabinet_spec, suit_spec

pytestmark = pytest.mark.usefixtures("demo")

# Bounded, so a page that links to itself in new ways (a query string) cannot make the crawl endless;
# the factory below is small enough for every role to reach every link well within it.
MAX_PAGES = 100
# Checked for their status, never crawled: the admin's own pages, and the API (the traveler PDF).
NOT_CRAWLED = ("/admin/", "/api/")

LANDING = {
    "anonymous": ["/", "/login/", "/signup/"],
    "customer": ["/", "/orders/"],
    "operator": ["/", "/orders/", "/planner/", "/floor/"],
    "planner": ["/", "/orders/", "/planner/", "/floor/"],
    "staff": ["/", "/orders/", "/planner/", "/floor/", "/admin/"],
}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _same_site(base: str, href: str) -> str | None:
    """The path and query an href names on this site, without its fragment; None for other sites."""
    url = urlsplit(urljoin(f"http://testserver{base}", href))
    if url.scheme not in ("http", "https") or url.netloc != "testserver":
        return None
    return urlunsplit(("", "", url.path, url.query, ""))


def crawl(client: Client, start: list[str]) -> tuple[dict[str, int], list[tuple[str, str, int]], set[str]]:
    """Visit up to MAX_PAGES URLs breadth-first from `start`: each one's status, each broken link
    (the page, the link, its status), and the links left unvisited when the bound was reached."""
    seen: dict[str, int] = {}
    broken: list[tuple[str, str, int]] = []
    todo: deque[tuple[str, str]] = deque(("(landing)", url) for url in start)
    while todo and len(seen) < MAX_PAGES:
        source, url = todo.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code >= 400:
            broken.append((source, url, response.status_code))
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            target = _same_site(url, response["Location"])
            if target is not None:
                todo.append((url, target))
            continue
        if url.startswith(NOT_CRAWLED) or not response["Content-Type"].startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            target = _same_site(url, href)
            if target is not None and target not in seen:
                todo.append((url, target))
    return seen, broken, {url for _, url in todo} - set(seen)


@pytest.fixture
def factory_at_work(customer: Any) -> dict[str, Any]:
    """Orders in every state a page shows: in production (one operation started), waiting to be
    released, on hold; and another customer's order in the queue."""

    def place(owner: Any, *products: tuple[str, dict[str, Any]]) -> Order:
        lines = [{"product": slug, "quantity": 1, "spec": spec} for slug, spec in products]
        return order_place(customer=owner, lines=lines, idempotency_key=None)[0]

    in_production = place(customer, ("mtm-suit", suit_spec()), ("custom-cabinet", cabinet_spec()))
    order_release(order_id=in_production.pk)
    place(customer, ("mtm-suit", suit_spec()))
    held = place(customer, ("mtm-suit", suit_spec()))
    order_hold(order_id=held.pk, reason="A work center the snapshot names is gone.")
    someone_else = place(UserFactory(), ("mtm-suit", suit_spec()))
    order_release(order_id=someone_else.pk)
    production_replan()
    first = Operation.objects.filter(production_order__order_line__order=in_production).order_by("sequence", "id")[0]
    operation_start(operation_id=first.pk, user=UserFactory())
    assert ProductionOrder.objects.count() == 3 and Order.objects.count() == 4
    return {"order": in_production}


@pytest.mark.parametrize("role", list(LANDING))
def test_no_link_a_role_is_shown_answers_403_404_or_500(role, factory_at_work, request):
    # given the factory at work, and a user of that role
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    # when the user follows every link on the pages they reach
    seen, broken, unvisited = crawl(client, LANDING[role])
    # then every one opens
    assert broken == [], f"{role}: {len(broken)} broken link(s) (page, link, status): {broken}"
    assert all(status < 400 for status in seen.values())
    assert unvisited == set(), f"{role}: the crawl stopped at {MAX_PAGES} pages before {sorted(unvisited)}"
    # and the crawl reached the pages that matter for that role
    order_page = f"/orders/{factory_at_work['order'].number}/"
    if role in ("customer", "planner", "staff"):
        assert seen.get(order_page) == 200
    if role in ("operator", "planner", "staff"):
        assert any(url.startswith("/floor/orders/") for url in seen)
        assert any(url.startswith("/floor/operations/") for url in seen)
        assert any(url.startswith("/floor/work-centers/") for url in seen)
    if role == "anonymous":
        assert any(url.startswith("/products/") for url in seen)


def test_the_queue_links_the_floor_page_for_all_and_the_customer_order_for_planners(
    client, operator, planner, factory_at_work
):
    # given a production order of a customer's order in the queue
    order = factory_at_work["order"]
    po = ProductionOrder.objects.filter(order_line__order=order).order_by("id")[0]
    # when an operator opens the queue
    client.force_login(operator)
    html = client.get("/planner/").content.decode()
    # then the production order opens its floor page, and the customer's order is named, not linked
    assert f'href="/floor/orders/{po.number}/"' in html
    assert order.number in html and f'href="/orders/{order.number}/"' not in html
    # and a planner, who may open the customer's order, gets the link
    client.force_login(planner)
    assert f'href="/orders/{order.number}/"' in client.get("/planner/").content.decode()
    assert f'href="/orders/{order.number}/"' in client.get(f"/floor/orders/{po.number}/").content.decode()


def test_the_orders_link_is_shown_to_those_who_have_orders_to_see(client, customer, operator, planner):
    for user, shown in ((customer, True), (planner, True), (operator, False)):
        client.force_login(user)
        page = client.get("/").content.decode()
        assert ('href="/orders/"' in page) is shown, user
