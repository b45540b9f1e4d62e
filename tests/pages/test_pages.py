"""The server-rendered pages: shop, configurator, order, sign-up, and the planner's queue."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model

from orders.models import Order
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")
KEY = "0b9f6f0e-2f43-4a51-9d3e-2b8c1f0a7e11"


def form(spec):
    return {k: ("true" if v is True else "false" if v is False else v) for k, v in spec.items()}


def test_the_shop_lists_the_products(client):
    page = client.get("/")
    assert page.status_code == 200
    assert b"Made-to-measure suit" in page.content and b"/products/custom-cabinet/" in page.content


def test_the_configurator_shows_every_option_and_why_a_value_is_not_offered(client):
    page = client.get("/products/mtm-suit/?" + urlencode({"jacket": "sb2"}))
    assert page.status_code == 200
    html = page.content.decode()
    for key in ("fabric", "jacket", "lapel", "vents", "lining", "with_trousers", "chest_cm", "monogram"):
        assert f'name="{key}"' in html
    assert "shawl" in html and "one-button" in html.lower()


def test_a_complete_configuration_shows_price_and_its_breakdown_and_orders(client, customer):
    client.force_login(customer)
    page = client.get("/products/mtm-suit/?" + urlencode(form(suit_spec())))
    html = page.content.decode()
    assert "CNY" in html and 'id="price-breakdown"' in html and 'id="review-order"' in html
    review = client.get("/products/mtm-suit/review/?" + urlencode(form(suit_spec())))
    assert 'id="place-order"' in review.content.decode()
    response = client.post("/products/mtm-suit/order/", {**form(suit_spec()), "idempotency_key": KEY, "quantity": "1"})
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.number}/"
    again = client.post("/products/mtm-suit/order/", {**form(suit_spec()), "idempotency_key": KEY, "quantity": "1"})
    assert again["Location"] == f"/orders/{order.number}/" and Order.objects.count() == 1
    assert client.get(f"/orders/{order.number}/").status_code == 200


def test_an_invalid_form_order_goes_back_to_the_configurator(client, customer):
    client.force_login(customer)
    response = client.post("/products/mtm-suit/order/", {**form(suit_spec(lapel="shawl")), "quantity": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/products/mtm-suit/?")
    assert not Order.objects.exists()


def test_ordering_an_unknown_product_or_with_a_bad_key_changes_nothing(client, customer):
    client.force_login(customer)
    assert client.post("/products/nope/order/", form(suit_spec())).status_code == 404
    response = client.post("/products/mtm-suit/order/", {**form(suit_spec()), "idempotency_key": "k" * 500})
    assert response.status_code == 302
    assert not Order.objects.exists()


def test_only_customers_order_from_the_page(client, planner):
    client.force_login(planner)
    assert client.post("/products/mtm-suit/order/", form(suit_spec())).status_code == 403
    assert not Order.objects.exists()


def test_ordering_needs_a_login(client):
    response = client.post("/products/mtm-suit/order/", form(suit_spec()))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not Order.objects.exists()


def test_another_customers_order_page_is_404(client, customer, other_customer):
    client.force_login(customer)
    client.post("/products/mtm-suit/order/", {**form(suit_spec()), "quantity": "1"})
    number = Order.objects.get().number
    client.force_login(other_customer)
    assert client.get(f"/orders/{number}/").status_code == 404
    assert client.post(f"/orders/{number}/cancel/").status_code == 404
    assert Order.objects.get().status == "submitted"


def test_the_queue_page_is_for_the_shop_floor(client, customer, planner):
    client.force_login(customer)
    assert client.get("/planner/").status_code == 403
    client.force_login(planner)
    page = client.get("/planner/")
    assert page.status_code == 200 and b"Production queue" in page.content


def test_sign_up_logs_the_new_customer_in(client):
    response = client.post(
        "/signup/",
        {"username": "li", "email": "li@example.com", "password1": "Tailored-2026", "password2": "Tailored-2026"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="li").exists()
    assert client.get("/orders/").status_code == 200


def test_unknown_product_page_is_404(client):
    assert client.get("/products/nope/").status_code == 404
