"""The review step: the configurator leads to a page that reads the order back (choices in words,
quantity, price, total, ship date) before it is placed; and values that are the only ones left
are shown as implied and ordered with the spec."""

import re
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from orders.models import Order
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")


def form(spec):
    return {k: ("true" if v is True else "false" if v is False else v) for k, v in spec.items()}


def _href(html, element_id):
    return unescape(re.search(rf'id="{element_id}" href="([^"]+)"', html).group(1))


def _field(html, name):
    """The value a hidden or visible input of the page sends."""
    return unescape(re.search(rf'name="{name}" value="([^"]*)"', html).group(1))


def test_the_configurator_leads_to_the_review_not_straight_to_an_order(client, customer):
    client.force_login(customer)
    html = client.get("/products/mtm-suit/?" + urlencode({**form(suit_spec()), "quantity": 2})).content.decode()
    assert 'id="place-order"' not in html
    review = urlsplit(_href(html, "review-order"))
    assert review.path == "/products/mtm-suit/review/"
    assert parse_qs(review.query)["jacket"] == ["sb2"] and parse_qs(review.query)["quantity"] == ["2"]
    # the phone's bar at the bottom goes to the same review, with the total for the quantity
    assert _href(html, "bar-review") == _href(html, "review-order")
    assert re.search(r'id="bar-price">CNY 7,798.00<', html)
    assert not Order.objects.exists()


def test_the_review_reads_the_order_back_and_places_it_once(client, customer):
    client.force_login(customer)
    query = urlencode({**form(suit_spec(chest_cm=125)), "quantity": 3})
    page = client.get(f"/products/mtm-suit/review/?{query}")
    assert page.status_code == 200
    html = page.content.decode()
    # every choice and measurement in words
    for label, value in (
        ("Fabric", "Navy wool"),
        ("Jacket", "Two-button single-breasted"),
        ("Trousers", "Yes"),
        ("Chest", "125 cm"),
        ("Inseam", "82 cm"),
    ):
        assert re.search(rf'<th scope="row">{label}</th><td>{value}</td>', html), (label, value)
    assert "wool-navy" not in re.search(r'<table id="review-choices">.*?</table>', html, re.S).group(0)
    # the price, how it adds up, the total for three and their ship date
    assert "Large size surcharge" in html and 'id="unit-price">CNY 4,199.00<' in html
    assert 'id="order-total">CNY 12,597.00<' in html
    date = r'<time datetime="\d{4}-\d\d-\d\d">\d{4}-\d\d-\d\d<'
    assert re.search(r'Estimated ship date for 3 pieces:\s*<strong id="ship-date">' + date, html)
    assert 'id="quantity" type="number" name="quantity" value="3"' in html
    # "Change" goes back to the configurator with the same spec and quantity
    change = urlsplit(_href(html, "change"))
    assert change.path == "/products/mtm-suit/"
    assert parse_qs(change.query)["chest_cm"] == ["125"] and parse_qs(change.query)["quantity"] == ["3"]
    assert not Order.objects.exists()  # reading is not ordering
    # "Place order", twice (a double submit): one order, for three
    order_form = re.search(r'<form method="post" action="([^"]+)" id="order-form">(.*?)</form>', html, re.S)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', order_form.group(2)))
    first = client.post(order_form.group(1), fields)
    again = client.post(order_form.group(1), fields)
    order = Order.objects.get()
    assert first["Location"] == again["Location"] == f"/orders/{order.number}/"
    line = order.lines.get()
    assert line.quantity == 3 and line.spec["chest_cm"] in (125, "125") and line.spec["fabric"] == "wool-navy"


def test_an_invalid_spec_at_review_goes_back_to_the_configurator_with_its_errors(client, customer):
    client.force_login(customer)
    spec = form(suit_spec(lapel="shawl"))  # a shawl lapel on a two-button jacket
    response = client.get("/products/mtm-suit/review/?" + urlencode({**spec, "quantity": 2}))
    assert response.status_code == 302
    back = urlsplit(response["Location"])
    assert back.path == "/products/mtm-suit/" and parse_qs(back.query)["check"] == ["1"]
    assert parse_qs(back.query)["quantity"] == ["2"] and parse_qs(back.query)["lapel"] == ["shawl"]
    html = client.get(response["Location"]).content.decode()
    assert "not complete or not valid" in html and 'id="err-lapel"' in html
    assert not Order.objects.exists()


def test_an_incomplete_spec_at_review_names_what_is_missing(client, customer):
    client.force_login(customer)
    spec = {k: v for k, v in form(suit_spec()).items() if k != "fabric"}
    response = client.get("/products/mtm-suit/review/?" + urlencode(spec), follow=True)
    html = response.content.decode()
    assert response.redirect_chain and 'id="err-fabric"' in html
    assert re.search(r'id="f-fabric"[^>]*aria-describedby="[^"]*err-fabric[^"]*"[^>]*aria-invalid="true"', html)
    assert not Order.objects.exists()


def test_only_a_logged_in_customer_reviews_an_order(client, planner):
    query = urlencode(form(suit_spec()))
    response = client.get(f"/products/mtm-suit/review/?{query}")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    client.force_login(planner)
    assert client.get(f"/products/mtm-suit/review/?{query}").status_code == 403
    assert client.get(f"/products/nope/review/?{query}").status_code in (403, 404)
    assert not Order.objects.exists()


def test_a_value_that_is_the_only_one_left_is_shown_as_implied_and_ordered(client, customer):
    client.force_login(customer)
    # a shawl lapel leaves one jacket: one-button single-breasted; the customer has not chosen it
    spec = {k: v for k, v in form(suit_spec(lapel="shawl")).items() if k != "jacket"}
    html = client.get("/products/mtm-suit/?" + urlencode(spec)).content.decode()
    jacket = re.search(r'<select name="jacket" id="f-jacket"([^>]*)>(.*?)</select>', html, re.S)
    assert re.search(r'<option value="sb1"\s+selected', jacket.group(2))
    assert "implied-jacket" in re.search(r'aria-describedby="([^"]*)"', jacket.group(1)).group(1)
    assert 'id="implied-jacket"' in html and "the only choice left" in html
    assert 'name="implied" value="jacket=sb1"' in html
    # and the live region's text says so after the swap
    announced = re.search(r"<p hidden data-announce>(.*?)</p>", html, re.S).group(1)
    assert "Implied, the only choice left: Jacket: One-button single-breasted." in announced
    # the spec is complete with it: the price, and the review and the order include the jacket
    assert 'class="price">CNY 3,899.00<' in html
    review = _href(html, "review-order")
    assert parse_qs(urlsplit(review).query)["jacket"] == ["sb1"]
    page = client.get(review).content.decode()
    assert re.search(r"<th scope=\"row\">Jacket</th><td>One-button single-breasted</td>", page)
    # "Change" brings the jacket back as implied, not as a choice the customer made
    change = _href(page, "change")
    assert parse_qs(urlsplit(change).query)["implied"] == ["jacket=sb1"]
    again = client.get(change).content.decode()
    assert 'id="implied-jacket"' in again and 'name="implied" value="jacket=sb1"' in again
    client.post("/products/mtm-suit/order/", {**spec, "jacket": "sb1", "quantity": "1"})
    assert Order.objects.get().lines.get().spec["jacket"] == "sb1"
    # the page's address keeps what the customer chose, not what was implied
    live = client.get("/products/mtm-suit/?" + urlencode(spec), HTTP_HX_REQUEST="true")
    assert "lapel=shawl" in live["HX-Push-Url"] and "jacket=" not in live["HX-Push-Url"]


def test_an_implied_value_goes_when_the_choice_that_implied_it_changes(client):
    # the form sends the implied jacket back, marked implied; the customer turns the lapel to notch
    query = urlencode({"lapel": "notch", "jacket": "sb1", "implied": "jacket=sb1", "prefer": "lapel"})
    html = client.get(f"/products/mtm-suit/?{query}").content.decode()
    jacket = re.search(r'<select name="jacket" id="f-jacket"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert "selected" not in jacket and 'id="implied-jacket"' not in html


def test_a_customer_who_sets_the_implied_field_keeps_their_choice(client):
    # the jacket was implied by the shawl lapel; the customer chooses two buttons instead
    query = urlencode({"lapel": "shawl", "jacket": "sb2", "implied": "jacket=sb1", "prefer": "jacket"})
    html = client.get(f"/products/mtm-suit/?{query}").content.decode()
    jacket = re.search(r'<select name="jacket" id="f-jacket"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.search(r'<option value="sb2"\s+selected', jacket)
    assert 'id="cleared"' in html and "Lapel (Shawl)" in html  # the lapel it conflicts with goes, named


def test_the_tracker_polls_as_often_as_the_setting_says(client, customer, settings):
    settings.ORDER_TRACKER_POLL_SECONDS = 2
    client.force_login(customer)
    client.post("/products/mtm-suit/order/", {**form(suit_spec()), "quantity": "1"})
    order = Order.objects.get()
    assert 'hx-trigger="every 2s"' in client.get(f"/orders/{order.number}/").content.decode()
    part = client.get(f"/orders/{order.number}/?part=tracker", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in part
