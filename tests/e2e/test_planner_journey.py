"""A planner's journey in a real browser: raises a late order's priority and sees the Gantt change;
orders what a waiting order lacks from a supplier, receives it, and sees the order released.

Every page passes axe-core (WCAG 2.2 A/AA). The pages are read by their links, element ids, classes
and data, never their words, so the same journey runs in both languages."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from inventory.models import PurchaseOrder
from production.models import Operation, ProductionOrder
from tests.e2e.journeys import LANGUAGES, check_page, session
from tests.e2e.screenshots import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_tx")]


def bars(page: Page, po: ProductionOrder) -> dict[int, float]:
    """Where the Gantt draws each of the production order's operations: the bar's left edge (x)."""
    drawn = {}
    for op in Operation.objects.filter(production_order=po):
        bar = page.locator(f'svg.gantt a[href="/floor/operations/{op.pk}/"] rect')
        if bar.count():
            drawn[op.pk] = float(bar.get_attribute("x") or "nan")
    return drawn


def width(page: Page, selector: str) -> float:
    """How wide the element is drawn, in CSS pixels."""
    return page.locator(selector).evaluate("e => e.getBoundingClientRect().width")


def badge_on_board(page: Page, number: str, status: str) -> bool:
    """Whether the production order's row on the board's queue shows that status (its badge's class)."""
    return page.locator(f'tr:has(a[href="/floor/orders/{number}/"]) span.badge.{status}').count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_planner_rushes_a_late_order_and_releases_one_waiting_for_material(live_server, browser, language):
    call_command("seed_demo_orders", verbosity=0)
    first_placed = ProductionOrder.objects.order_by("id").first()  # the demo's late one, behind a rush
    waiting = ProductionOrder.objects.filter(status=ProductionOrder.Status.AWAITING_MATERIAL).order_by("id")
    assert waiting.count() == 2, "the demo has two orders waiting for cashmere"
    page = session(browser, live_server.url, "pat", language)

    # the planner opens the board and finds the late order: the Gantt marks its bars late
    page.goto(f"{live_server.url}/planner/")
    check_page(page, language)
    screenshot(page, "planner-board")  # the top: the Gantt
    marked = {
        title.split(" · ")[0] for title in page.locator("svg.gantt rect.late title").all_text_contents()
    }  # each bar's title starts with its production order's number
    assert first_placed is not None and first_placed.number in marked
    late = first_placed
    before = bars(page, late)
    assert before, "the late order is on the Gantt"
    for op_id in before:
        assert "late" in (
            page.locator(f'svg.gantt a[href="/floor/operations/{op_id}/"] rect').get_attribute("class") or ""
        )
    for po in waiting:
        assert badge_on_board(page, po.number, ProductionOrder.Status.AWAITING_MATERIAL)

    # raises its priority above the rush order's with the form on its row
    rush = ProductionOrder.objects.order_by("-priority").first()
    page.fill(f"#priority-{late.number}", str(rush.priority + 10))
    with page.expect_navigation():  # the form answers with a redirect to the page
        page.locator(f"form:has(#priority-{late.number}) button[type=submit]").click()
    check_page(page, language)

    # and sees the Gantt change: its bars move earlier, none later
    after = bars(page, late)
    assert after.keys() == before.keys()
    assert all(after[op] <= before[op] for op in before), (before, after)
    assert any(after[op] < before[op] for op in before), (before, after)
    assert page.locator(f"#priority-{late.number}").input_value() == str(rush.priority + 10)

    # opens the shortages: the item the waiting orders lack
    page.goto(f"{live_server.url}/planner/shortages/")
    check_page(page, language)
    screenshot(page, "shortages", full_page=True)
    first = waiting[0].number
    row = page.locator(f'tr:has(a[href="/floor/orders/{first}/"]):has(input[name=sku])')
    assert row.count() == 1
    sku = row.locator("input[name=sku]").get_attribute("value")
    assert width(page, f"#quantity-{sku}") < 130

    # orders it from a supplier (the suggested quantity, the suggested date)
    row.locator("input[name=supplier]").fill("Biella Mills")
    with page.expect_navigation():  # the form answers with a redirect to the page
        row.locator("button[type=submit]").click()
    check_page(page, language)
    purchase = PurchaseOrder.objects.get(item__sku=sku)
    assert purchase.supplier == "Biella Mills" and purchase.status == PurchaseOrder.Status.OPEN
    assert page.locator(f"#receive-{purchase.number}").count() == 1
    assert width(page, f"#receive-{purchase.number}") < 130

    # receives it, all of it
    with page.expect_navigation():  # the form answers with a redirect to the page
        page.locator(f"form:has(#receive-{purchase.number}) button[type=submit]").click()
    check_page(page, language)
    screenshot(page, "shortages-received", full_page=True)
    assert page.locator(f"#receive-{purchase.number}").count() == 0  # no longer open

    # and sees the waiting orders released: planned on the board, and on the customer's order
    page.goto(f"{live_server.url}/planner/")
    for po in waiting:
        assert badge_on_board(page, po.number, ProductionOrder.Status.PLANNED)
    order = waiting[0].order_line.order
    page.goto(f"{live_server.url}/orders/{order.number}/")
    check_page(page, language)
    assert page.locator("h2 span.badge.planned").count() == 1  # in the factory: planned
    page.context.close()
