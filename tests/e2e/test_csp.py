"""The pages work under their Content-Security-Policy in Chromium: no page (the shop, the planner's,
the floor's, the admin's, the API's docs) makes the browser refuse a script, a style or a request."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from orders.models import Order
from production.models import Operation

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_tx")]


def _session(browser: Browser, url: str, user: str) -> tuple[Page, list[str]]:
    page = browser.new_context().new_page()
    refused: list[str] = []
    # Chromium reports each CSP refusal on the console
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    if user:
        page.goto(f"{url}/login/")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", "demo")
        page.locator("form:has(input[name=password]) button[type=submit]").click()
        page.wait_for_url(lambda u: "/login/" not in u)
    return page, refused


def test_no_page_makes_the_browser_refuse_anything(live_server, browser):
    call_command("seed_demo_orders", verbosity=0)
    order = Order.objects.filter(customer__username="alice").exclude(status="shipped").order_by("id").first()
    op = Operation.objects.order_by("id").first()
    assert order is not None and op is not None
    walks = {
        "": ["/", "/products/mtm-suit/", "/login/", "/api/v1/docs/"],
        "alice": ["/products/mtm-suit/", f"/orders/{order.number}/", "/orders/"],
        "pat": ["/planner/", "/planner/shortages/"],
        "oscar": [f"/floor/operations/{op.pk}/", f"/floor/work-centers/{op.work_center.code}/"],
        "admin": ["/admin/", "/admin/orders/order/", "/admin/bom/productversion/"],
    }
    problems = []
    for user, paths in walks.items():
        page, refused = _session(browser, live_server.url, user)
        for path in paths:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            problems += [f"{user or 'anonymous'} {path}: {text}" for text in refused]
            refused.clear()
        page.context.close()
    assert problems == []
    # and the docs really drew the API (their start-up script is a file now)
    page, _ = _session(browser, live_server.url, "")
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=15_000)
    page.context.close()
