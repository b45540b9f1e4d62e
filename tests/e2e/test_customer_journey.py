"""A customer's journey in a real headless Chromium (Debian's package) against a live server."""

import pytest

from orders.models import Order
from tests.e2e.live import choose
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_tx")]


def test_a_customer_configures_a_suit_sees_why_and_orders_it(live_server, page):
    UserFactory(username="mei")
    # the customer logs in
    page.goto(f"{live_server.url}/login/?next=/products/mtm-suit/")
    page.fill("input[name=username]", "mei")
    page.fill("input[name=password]", "a-Long-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url("**/products/mtm-suit/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.__swaps = 0; document.addEventListener('htmx:after:swap', () => window.__swaps++); }")
    # picks a two-button jacket: the shawl lapel is marked (choosing it would change the jacket),
    # and the page says why
    choose(page, "jacket", "sb2")
    assert "changes an earlier choice" in page.locator("select[name=lapel] option[value=shawl]").inner_text()
    assert "one-button" in page.locator("#opt-lapel .excluded").inner_text().lower()
    # fills in the rest
    for name, value in (
        ("fabric", "wool-navy"),
        ("lapel", "notch"),
        ("vents", "center"),
        ("lining", "navy"),
        ("pleats", "flat"),
    ):
        choose(page, name, value)
    for name, value in (
        ("height_cm", "180"),
        ("chest_cm", "100"),
        ("waist_cm", "86"),
        ("sleeve_cm", "64"),
        ("jacket_length_cm", "76"),
        ("inseam_cm", "82"),
    ):
        page.fill(f"input[name={name}]", value)
    page.press("input[name=inseam_cm]", "Tab")  # the last change updates the page in place
    page.wait_for_selector("#review-order")
    # sees the price and how it adds up, reviews the order, and orders
    assert "CNY" in page.locator(".price").inner_text()
    assert page.locator("#price-breakdown").is_visible()
    page.click("#review-order")
    page.wait_for_url("**/products/mtm-suit/review/?*")
    assert page.locator("#choice-lapel td").inner_text() == "Notch"
    assert not Order.objects.exists()
    page.click("#place-order")
    page.wait_for_url("**/orders/C2B-*/")
    order = Order.objects.get()
    assert order.number in page.locator("h1").inner_text()
    assert order.customer.username == "mei"
