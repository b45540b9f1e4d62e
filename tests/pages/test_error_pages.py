"""The error pages outside /api/: the site's look, what happened in plain words, and a way back.
(Under /api/ the same errors answer JSON: tests/api/test_error_shapes.py.)"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orders.models import Order
from tests.api import urls_failing

pytestmark = pytest.mark.usefixtures("demo")


def assert_page(response, status: int, phrase: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert phrase in html, html[:500]
    assert 'class="card error-page"' in html and 'href="/"' in html and "Back to the shop" in html
    return html


def test_a_missing_product_is_a_styled_404_that_says_why_with_a_way_back(client):
    html = assert_page(client.get("/products/nope/"), 404, "We could not find that page")
    # the site's page: its stylesheet and header
    assert "/static/css/site.css" in html and 'class="top"' in html
    assert "Error 404" in html


def test_an_unknown_address_is_the_same_404_without_the_resolver_s_internals(client, customer):
    client.force_login(customer)
    html = assert_page(client.get("/no-such-page/"), 404, "We could not find that page")
    assert "Resolver404" not in html and "tried" not in html
    # the header knows who is logged in, as on every other page
    assert customer.username in html and 'href="/orders/"' in html


def test_a_view_s_own_words_for_a_404_are_shown(client, operator):
    client.force_login(operator)
    html = assert_page(client.get("/floor/work-centers/NOPE/"), 404, "We could not find that page")
    assert "There is no such work center." in html


def test_a_customer_opening_the_queue_gets_a_styled_403_with_a_hint_to_log_in_as_another_user(client, customer):
    client.force_login(customer)
    html = assert_page(client.get("/planner/"), 403, "This page is not open to your account")
    assert "Only operators, planners and staff may see the queue." in html
    assert f"You are logged in as <strong>{customer.username}</strong>" in html
    assert 'href="/login/?next=/planner/">log in as another user</a>' in html
    assert "Production queue" not in html


def test_the_log_in_the_403_page_offers_lets_another_user_in_and_back_to_the_page(client, customer, planner):
    # given a customer on the 403 page of the queue
    client.force_login(customer)
    client.get("/planner/")
    # when they follow its link and log in as a planner
    planner.set_password("Another-pass-2026")
    planner.save()
    response = client.post("/login/?next=/planner/", {"username": planner.username, "password": "Another-pass-2026"})
    # then they land on the queue, as the planner
    assert response.status_code == 302 and response["Location"] == "/planner/"
    assert b"Production queue" in client.get("/planner/").content


def test_a_page_body_too_large_is_a_styled_400(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post("/login/", {"username": "someone", "password": "x" * 2000})
    assert_page(response, 400, "We could not read that request")


@pytest.mark.urls("tests.api.urls_failing")
def test_a_csrf_failure_on_a_page_says_to_reload_and_runs_nothing(customer):
    urls_failing.CALLS.clear()
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    html = assert_page(client.post("/guarded/", {"a": "b"}), 403, "This form had expired")
    assert "reload the page" in html and "CSRF cookie" not in html
    assert urls_failing.CALLS == []


@pytest.mark.urls("tests.api.urls_failing")
def test_an_unhandled_exception_on_a_page_is_a_styled_500_that_needs_no_database():
    # when a page's view raises, then the 500 page shows, without a query
    with CaptureQueriesContext(connection) as queries:
        response = Client(raise_request_exception=False).get("/boom/")
    html = assert_page(response, 500, "Something went wrong on our side")
    assert len(queries) == 0
    # it says nothing of the bug, and links to the orders (an order may have gone through)
    assert "unhandled bug" not in html and "RuntimeError" not in html and 'href="/orders/"' in html
    assert not Order.objects.exists()


def test_the_500_page_renders_with_no_context_at_all(client):
    # Django renders 500.html with no request and no context processors
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html and 'href="/"' in html
    # and it is styled by the site's stylesheet at its plain path (no inline style: the CSP forbids it)
    assert 'href="/static/css/site.css"' in html and "<style" not in html
    assert client.get("/static/css/site.css").status_code == 200
