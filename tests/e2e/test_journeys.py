"""The customer's journeys end to end in a real headless Chromium (Debian's package) against a live
server: on a phone in Chinese by touch, and on a desktop by keyboard alone. Each logs in, starts the
suit from a saved measurement profile, meets a conflict and resolves it in one step, reviews,
orders, and watches the tracker follow the factory without reloading. axe-core checks every page
they visit. Assertions are on ids, roles and values, not on words, and each journey checks that its
pages speak its language (html lang, Chinese text and dates on the phone)."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from accounts.services import profile_create
from orders.models import Order
from orders.services import order_release
from production.models import Operation
from production.services import operation_finish, operation_start
from tests.e2e.axe import assert_accessible
from tests.e2e.live import SWAP_COUNTER, choose, swaps
from tests.e2e.screenshots import screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_tx")]

PASSWORD = "a-Long-pass-123"
MEASUREMENTS = {
    "height_cm": "180",
    "chest_cm": "100",
    "waist_cm": "86",
    "sleeve_cm": "64",
    "jacket_length_cm": "76",
    "inseam_cm": "82",
}
# Counts htmx's swaps on every page the context opens, so a test waits for the answer it caused.
# Han characters: the page speaks Chinese.
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def shopper(settings: Any) -> Any:
    """A customer with a saved measurement profile; the tracker polls every second."""
    settings.ORDER_TRACKER_POLL_SECONDS = 1
    user = UserFactory(username="mei")
    profile = profile_create(owner=user, name="Mei 2026", values=MEASUREMENTS)
    return user, profile


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-Hans",
        extra_http_headers={"Accept-Language": "zh-Hans"},
        has_touch=True,
        is_mobile=True,
    )
    context.add_init_script(SWAP_COUNTER)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en")
    context.add_init_script(SWAP_COUNTER)
    yield context.new_page()
    context.close()


def label_of(page: Page, key: str) -> str:
    """An option's label as the page shows it, in the page's language (without the star)."""
    return page.locator(f"label[for=f-{key}]").inner_text().replace("*", "").strip()


def finish_operations_and_watch(page: Page, order: Order) -> None:
    """The factory makes the order (through production's services); the open order page follows
    each finished step by itself, without a reload."""
    operator = UserFactory(username="oscar2")
    order_release(order_id=order.pk)  # after commit it has run already; a second call does nothing
    page.evaluate("window.__marker = 1")
    ops = list(Operation.objects.filter(production_order__order_line__order=order).order_by("sequence"))
    assert ops
    for done, op in enumerate(ops, start=1):
        if Operation.objects.get(pk=op.pk).status == "pending":
            operation_start(operation_id=op.pk, user=operator)
        operation_finish(operation_id=op.pk, user=operator)
        if done in (1, len(ops)):
            # the tracker's poll brings the new count (its own answer: no navigation)
            page.wait_for_function(
                f"() => document.querySelector('#tracker [data-steps]').dataset.done === '{done}'",
                timeout=15_000,
            )
            assert page.evaluate("window.__marker") == 1
            if done == 1:
                # and the live region outside the swapped tracker says so
                page.wait_for_function("() => document.getElementById('tracker-announce').textContent.trim() !== ''")
    assert int(page.locator("#tracker progress").get_attribute("value") or "0") > 0


def test_a_customer_on_a_phone_configures_from_a_profile_resolves_a_conflict_reviews_and_orders(
    live_server, phone, shopper
):
    user, profile = shopper
    page = phone
    # logs in
    page.goto(f"{live_server.url}/login/?next=/products/mtm-suit/")
    assert_accessible(page)
    page.locator("input[name=username]").tap()
    page.keyboard.type(user.username)
    page.locator("input[name=password]").tap()
    page.keyboard.type(PASSWORD)
    page.locator("main button[type=submit]").tap()
    page.wait_for_url("**/products/mtm-suit/")
    page.wait_for_function("() => window.htmx !== undefined")
    assert_accessible(page)
    # the browser asks for Chinese: the page is Chinese, product data included
    assert page.get_attribute("html", "lang") == "zh-Hans"
    assert CHINESE.search(page.locator("h1").inner_text()) and CHINESE.search(label_of(page, "lapel"))
    # the price bar is on screen at the bottom, before anything is chosen
    bar = page.locator("#order-bar")
    assert bar.is_visible()
    box = bar.bounding_box()
    assert box is not None and abs(box["y"] + box["height"] - 844) <= 1
    # starts from the saved profile: the measurements fill in
    choose(page, "profile", str(profile.pk))
    for key, value in MEASUREMENTS.items():
        assert page.input_value(f"input[name={key}]") == value
    # chooses the cloth and the style
    for name, value in (
        ("fabric", "wool-navy"),
        ("lining", "navy"),
        ("jacket", "sb2"),
        ("lapel", "notch"),
        ("vents", "center"),
        ("pleats", "flat"),
    ):
        choose(page, name, value)
    assert page.locator("#bar-review").is_visible()
    price_before = page.locator("#bar-price").inner_text()
    # a shawl lapel needs a one-button jacket: choosing it clears the two-button jacket, named, in
    # one step; the one jacket left is shown as implied, so the suit is complete again
    choose(page, "lapel", "shawl")
    cleared = page.locator("#cleared")
    assert cleared.is_visible() and label_of(page, "jacket") in cleared.inner_text()
    assert page.input_value("select[name=lapel]") == "shawl"
    assert page.input_value("select[name=jacket]") == "sb1"
    assert page.locator("#implied-jacket").is_visible()
    assert "implied-jacket" in (page.get_attribute("#f-jacket", "aria-describedby") or "")
    assert cleared.inner_text().strip() in page.locator("#announce").inner_text()
    assert page.locator("#bar-price").inner_text() == price_before
    assert_accessible(page)
    screenshot(page, "configurator-phone-zh")
    # the page leaves room below its content for the bar: the last of it scrolls clear of the bar
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    last = page.locator("#summary").bounding_box()
    bar_box = bar.bounding_box()
    assert last is not None and bar_box is not None and last["y"] + last["height"] <= bar_box["y"] + 1
    # a keyboard attached to the phone: a field the Tab key reaches behind the bar scrolls clear of
    # it (WCAG 2.4.11), here the sleeve when it lies just under the bar's top edge
    page.evaluate(
        "() => { const f = document.getElementById('f-sleeve_cm');"
        " window.scrollBy(0, f.getBoundingClientRect().top - (window.innerHeight - 40));"
        " document.getElementById('f-waist_cm').focus({preventScroll: true}); }"
    )
    page.keyboard.press("Tab")
    assert active(page) == "f-sleeve_cm"
    field, bar_box = page.locator("#f-sleeve_cm").bounding_box(), bar.bounding_box()
    assert field is not None and bar_box is not None and field["y"] + field["height"] <= bar_box["y"]
    # reviews: every choice, the implied jacket too, the total and the ship date
    page.locator("#bar-review").tap()
    page.wait_for_url("**/products/mtm-suit/review/?*")
    assert_accessible(page)
    for key in ("fabric", "jacket", "lapel", "chest_cm", "inseam_cm"):
        assert page.locator(f"#choice-{key} td").inner_text().strip()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", page.get_attribute("#ship-date time", "datetime") or "")
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", page.locator("#ship-date").inner_text().strip())
    assert page.input_value("#quantity") == "1" and page.locator("#change").is_visible()
    screenshot(page, "review")
    assert not Order.objects.exists()
    # orders, once, and follows it
    page.locator("#place-order").tap()
    page.wait_for_url("**/orders/C2B-*/")
    order = Order.objects.get()
    assert order.customer == user and order.lines.get().spec["jacket"] == "sb1"
    assert order.number in page.locator("h1").inner_text()
    assert CHINESE.search(page.locator("#tracker").inner_text())
    assert_accessible(page)
    finish_operations_and_watch(page, order)
    screenshot(page, "tracker")
    assert_accessible(page)


def active(page: Page) -> str:
    """What has the keyboard's focus: its id, or its tag and name."""
    return str(
        page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.id || (e.tagName.toLowerCase() + (e.name ? '[name=' + e.name + ']' : '')); }"
        )
    )


def tab_to(page: Page, target: str, *, limit: int = 60, key: str = "Tab") -> None:
    """Tab (or Shift+Tab) until `target` has the focus; fail if it is not reached."""
    for _ in range(limit):
        page.keyboard.press(key)
        if active(page) == target:
            return
    raise AssertionError(f"{target} not reached by {key} (at {active(page)})")


def arrow_to(page: Page, field_id: str, value: str, *, limit: int = 8) -> None:
    """On a focused select: ArrowDown, one answer at a time, until it holds `value`; the focus
    stays on the field across each swap."""
    for _ in range(limit):
        if page.input_value(f"#{field_id}") == value:
            return
        before = swaps(page)
        page.keyboard.press("ArrowDown")
        page.wait_for_function(f"() => window.__swaps > {before}")
        assert active(page) == field_id, f"focus left {field_id} after the swap: {active(page)}"
    assert page.input_value(f"#{field_id}") == value


def test_the_same_journey_by_keyboard_alone(live_server, desktop, shopper):
    user, profile = shopper
    page = desktop
    page.goto(f"{live_server.url}/login/?next=/products/mtm-suit/")
    # from here on only the keyboard
    assert_accessible(page)
    tab_to(page, "id_username")
    page.keyboard.type(user.username)
    tab_to(page, "id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/products/mtm-suit/")
    page.wait_for_function("() => window.htmx !== undefined")
    assert_accessible(page)
    assert page.get_attribute("html", "lang") == "en" and not CHINESE.search(page.locator("main").inner_text())
    # the first Tab is the skip link, shown while it has the focus; Enter goes to the content
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    page.keyboard.press("Enter")
    assert active(page) == "main"
    # the saved profile, with the arrow keys
    tab_to(page, "profile")
    before = swaps(page)
    page.keyboard.press("ArrowDown")
    page.wait_for_function(f"() => window.__swaps > {before}")
    assert active(page) == "profile"
    assert page.input_value("#f-chest_cm") == MEASUREMENTS["chest_cm"]
    # the options in the order they are on the page
    for key, value in (("fabric", "wool-navy"), ("lining", "navy"), ("jacket", "sb2"), ("lapel", "notch")):
        tab_to(page, f"f-{key}")
        arrow_to(page, f"f-{key}", value)
    # the conflict: peak, then shawl, which clears the two-button jacket (named) and implies sb1
    arrow_to(page, "f-lapel", "shawl")
    assert page.locator("#cleared").is_visible()
    assert label_of(page, "jacket") in page.locator("#cleared").inner_text()
    assert page.input_value("#f-jacket") == "sb1" and page.locator("#implied-jacket").is_visible()
    assert page.locator("#cleared").inner_text().strip() in page.locator("#announce").inner_text()
    # Shift+Tab goes back to the jacket the page implied, and on again
    tab_to(page, "f-jacket", key="Shift+Tab", limit=3)
    tab_to(page, "f-lapel", limit=3)
    for key, value in (("vents", "none"), ("pleats", "flat")):
        tab_to(page, f"f-{key}")
        arrow_to(page, f"f-{key}", value)
    # types a new chest: the answer comes while the field keeps the focus and what was typed
    tab_to(page, "f-chest_cm")
    before = swaps(page)
    page.keyboard.press("Control+A")
    page.keyboard.type("101")
    page.wait_for_function(f"() => window.__swaps > {before}")
    assert active(page) == "f-chest_cm" and page.input_value("#f-chest_cm") == "101"
    page.wait_for_function("() => document.getElementById('announce').textContent.trim() !== ''")
    assert_accessible(page)
    screenshot(page, "configurator-keyboard")
    # on to the review, by Tab and Enter
    tab_to(page, "review-order")
    page.keyboard.press("Enter")
    page.wait_for_url("**/products/mtm-suit/review/?*")
    assert_accessible(page)
    assert page.locator("#choice-chest_cm td").inner_text().startswith("101")
    assert page.locator("#choice-jacket td").inner_text().strip()
    # two of them: the quantity on the review page, then Update
    tab_to(page, "quantity")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.wait_for_url("**quantity=2*")
    assert page.input_value("#quantity") == "2"
    tab_to(page, "place-order")
    assert not Order.objects.exists()
    page.keyboard.press("Enter")
    page.wait_for_url("**/orders/C2B-*/")
    order = Order.objects.get()
    assert order.lines.get().quantity == 2 and order.lines.get().spec["lapel"] == "shawl"
    assert_accessible(page)
    finish_operations_and_watch(page, order)
