"""Every page a customer, planner or operator reaches, in both languages, checked by axe-core
(WCAG 2.2 A/AA: no serious or critical violation) and on a 390 px phone (nothing scrolls sideways)."""

from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from orders.models import Order
from production.models import Operation, ProductionOrder
from tests.e2e.axe import assert_accessible
from tests.factories import suit_spec

pytestmark = [pytest.mark.e2e]

LANGUAGES = ["en", "zh-Hans"]
# The elements that stick out past the right edge (the innermost first), to say what to fix.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .reverse().slice(0, 3)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''))"""


@pytest.fixture
def factory(demo_tx) -> dict[str, list[str]]:
    """The demo factory with orders in every state, committed for the live server; the pages to walk
    per user ("": anonymous). Per test: a live-server test's database is emptied after it."""
    call_command("seed_demo_orders", verbosity=0)
    order = Order.objects.filter(customer__username="alice").order_by("id").first()
    po = ProductionOrder.objects.order_by("id").first()
    op = Operation.objects.order_by("id").first()
    assert order is not None and po is not None and op is not None
    # a complete suit with a shawl lapel: reviewed, and (without its jacket) the jacket implied
    form = {k: ("true" if v is True else v) for k, v in suit_spec(jacket="sb1", lapel="shawl").items()}
    return {
        "": ["/login/", "/signup/", "/", "/products/mtm-suit/", "/no-such-page/"],
        "alice": [
            "/",
            "/products/mtm-suit/",
            "/products/custom-cabinet/",
            "/products/refrigerator/",
            "/products/mtm-suit/review/?" + urlencode({**form, "quantity": 2}),
            "/products/mtm-suit/?" + urlencode({k: v for k, v in form.items() if k != "jacket"}),
            "/orders/",
            f"/orders/{order.number}/",
        ],
        "pat": ["/planner/", "/planner/shortages/", f"/orders/{order.number}/"],
        "oscar": [
            "/floor/",
            f"/floor/orders/{po.number}/",
            f"/floor/operations/{op.pk}/",
            f"/floor/work-centers/{op.work_center.code}/",
        ],
    }


def _session(browser: Browser, url: str, user: str, language: str, width: int) -> Page:
    context = browser.new_context(
        locale=language, extra_http_headers={"Accept-Language": language}, viewport={"width": width, "height": 844}
    )
    page = context.new_page()
    if user:
        page.goto(f"{url}/login/")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", "demo")
        page.locator("form:has(input[name=password]) button[type=submit]").click()  # not the header's forms
        page.wait_for_url(lambda url: "/login/" not in url)  # logged in, or every page would be the login page
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_passes_axe_and_fits_a_phone(factory, live_server, browser, language):
    # every user in one test (the demo orders take a while to place, and each test places them anew),
    # and every page's problems reported together
    problems = []
    for user, paths in factory.items():
        desktop = _session(browser, live_server.url, user, language, 1280)
        phone = _session(browser, live_server.url, user, language, 390)
        try:
            for path in paths:
                where = f"{user or 'anonymous'} on {path}"
                desktop.goto(live_server.url + path)
                try:
                    assert_accessible(desktop)
                except AssertionError as exc:
                    problems.append(f"{where}: {exc}")
                phone.goto(live_server.url + path)
                overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if overflow > 0:
                    problems.append(f"{where} scrolls sideways by {overflow} px at 390 px: {phone.evaluate(WIDEST)}")
        finally:
            desktop.context.close()
            phone.context.close()
    assert not problems, "\n".join(problems)
