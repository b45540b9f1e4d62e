"""The live configurator in a real headless Chromium (Debian's package) against a live server:
choices and typed measurements update the page in place, and a conflicting choice clears the
earlier one and says so."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.e2e.live import choose, swaps
from tests.factories import suit_spec

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_tx")]


def test_choices_and_measurements_update_the_page_in_place(live_server, page):
    form = {k: ("true" if v is True else v) for k, v in suit_spec().items()}
    page.goto(f"{live_server.url}/products/mtm-suit/?{urlencode(form)}")
    page.wait_for_function("() => window.htmx !== undefined")
    # a marker that a page navigation would wipe, and a count of htmx swaps
    page.evaluate(
        "() => { window.__marker = 1; window.__swaps = 0;"
        " document.addEventListener('htmx:after:swap', () => { window.__swaps += 1; }); }"
    )
    assert page.locator(".price").inner_text() == "CNY 3,899.00"
    assert not page.locator("text=Update").is_visible()  # the no-JS button is not needed

    # the customer chooses cashmere: the price follows, with the fabric's line in the breakdown
    choose(page, "fabric", "cashmere-grey")
    assert page.locator(".price").inner_text() == "CNY 5,699.00"
    assert "Grey cashmere" in page.locator("#price-breakdown").inner_text()
    assert page.evaluate("window.__marker") == 1
    assert parse_qs(urlsplit(page.url).query)["fabric"] == ["cashmere-grey"]

    # types a larger chest, without leaving the field: after the pause the surcharge appears
    before = swaps(page)
    page.fill("input[name=chest_cm]", "")
    page.locator("input[name=chest_cm]").press_sequentially("125", delay=50)
    page.wait_for_function(f"() => window.__swaps > {before}")
    page.wait_for_function("() => document.querySelector('.price').innerText === 'CNY 5,999.00'")
    assert "Large size surcharge" in page.locator("#price-breakdown").inner_text()
    assert page.evaluate("document.activeElement.id") == "f-chest_cm"
    assert page.input_value("input[name=chest_cm]") == "125"
    assert page.evaluate("window.__marker") == 1

    # chooses a double-breasted jacket, then a shawl lapel (it needs one button): the jacket goes
    choose(page, "jacket", "db6")
    notice = page.locator("#cleared").inner_text()
    assert "We cleared Lapel (Notch): it does not go with Jacket: Six-button double-breasted." in notice
    choose(page, "lapel", "peak")
    choose(page, "lapel", "shawl")
    notice = page.locator("#cleared").inner_text()
    assert "We cleared Jacket (Six-button double-breasted): it does not go with Lapel: Shawl." in notice
    # the one jacket left with a shawl lapel is shown as implied (not chosen: not in the address)
    assert page.input_value("select[name=jacket]") == "sb1"
    assert page.locator("#implied-jacket").is_visible()
    assert page.input_value("select[name=lapel]") == "shawl"
    assert "We cleared Jacket" in page.locator("#announce").inner_text()
    assert page.evaluate("window.__marker") == 1
    # the address keeps the spec: a reload shows the same choices
    query = parse_qs(urlsplit(page.url).query)
    assert query["lapel"] == ["shawl"] and "jacket" not in query and "prefer" not in query
    page.reload()
    assert page.input_value("select[name=lapel]") == "shawl"
    assert page.input_value("input[name=chest_cm]") == "125"
    # and back shows the choices before: a double-breasted jacket with peak lapels
    page.go_back()
    page.wait_for_function("() => document.querySelector('select[name=lapel]').value === 'peak'")
    assert page.input_value("select[name=jacket]") == "db6"


def test_a_choice_keeps_the_scroll_position(live_server, page):
    page.set_viewport_size({"width": 1280, "height": 600})
    page.goto(f"{live_server.url}/products/mtm-suit/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.__swaps = 0; document.addEventListener('htmx:after:swap', () => window.__swaps++); }")
    page.locator("select[name=pleats]").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 150)")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    page.focus("select[name=pleats]")  # as a keyboard user would have it
    choose(page, "pleats", "single")
    assert page.evaluate("window.scrollY") == scrolled
    assert page.evaluate("document.activeElement.id") == "f-pleats"
