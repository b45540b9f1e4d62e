"""The live configurator page: htmx requests get only the part that changes, a choice that
conflicts with earlier ones clears them and says so, the price is broken down (no BOM), and
the same form still works by full submit without JavaScript."""

import re
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

import pytest
from django.template.loader import render_to_string

from bom import selectors as catalog
from orders.views import _option_rows
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")
URL = "/products/mtm-suit/"
HX = {"HTTP_HX_REQUEST": "true"}


def form(spec):
    return {k: ("true" if v is True else "false" if v is False else v) for k, v in spec.items()}


def test_an_htmx_request_gets_only_the_part_that_changes_and_the_spec_url_to_push(client):
    # given a complete suit, asked for by htmx
    response = client.get(URL + "?" + urlencode({**form(suit_spec()), "prefer": "chest_cm"}), **HX)
    # then the answer is the fragment alone: options and summary, no page around it
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<div") and 'id="live"' in html
    assert "<html" not in html and "<h1>" not in html and "htmx-4.0.1.min.js" not in html
    assert 'name="chest_cm"' in html and "CNY 3,899.00" in html and "Estimated ship date" in html
    # and the address to push is the spec itself (reload and back keep it), without `prefer`
    path, query = response["HX-Push-Url"].split("?")
    assert path == URL and dict(parse_qsl(query)) == {k: str(v) for k, v in form(suit_spec()).items()}
    assert "HX-Request" in response["Vary"]


def test_the_full_page_and_the_fragment_show_the_same_options_and_summary(client):
    query = URL + "?" + urlencode(form(suit_spec()))
    page = client.get(query).content.decode()
    fragment = client.get(query, **HX).content.decode()

    def live(html):  # the fragment without the per-request idempotency key
        return re.sub(r'name="idempotency_key" value="[^"]+"', "", html[html.index('<div class="grid" id="live">') :])

    assert live(page).startswith(live(fragment).strip())


def test_choosing_a_conflicting_value_clears_the_earlier_choice_and_names_it(client):
    # given a double-breasted jacket, the customer then chooses a shawl lapel (it needs one button)
    spec = {"fabric": "wool-navy", "jacket": "db6", "lapel": "shawl"}
    response = client.get(URL, {**spec, "prefer": "lapel"}, **HX)
    html = response.content.decode()
    # then the jacket is cleared, and the page says which choice went and why
    assert "We cleared Jacket (Six-button double-breasted): it does not go with Lapel: Shawl." in html
    assert response.context["spec"] == {"fabric": "wool-navy", "lapel": "shawl"}
    assert re.search(r'<option value="db6"[^>]*>', html) and not re.search(r'<option value="db6"[^>]* selected', html)
    assert re.search(r'<option value="shawl"[^>]* selected', html)
    assert response.context["result"]["errors"] == {}
    assert response["HX-Push-Url"] == URL + "?" + urlencode({"fabric": "wool-navy", "lapel": "shawl"})


def test_without_prefer_a_conflict_is_shown_and_nothing_is_cleared(client):
    page = client.get(URL, {"jacket": "db6", "lapel": "shawl"})
    assert page.context["spec"] == {"jacket": "db6", "lapel": "shawl"}
    assert "We cleared" not in page.content.decode()
    assert page.context["result"]["errors"]["lapel"]


def test_a_value_ruled_out_by_an_earlier_choice_stays_selectable_with_its_reason(client):
    # given a two-button jacket (a shawl lapel needs one button)
    html = client.get(URL, {"jacket": "sb2"}).content.decode()
    # then shawl is offered, marked, not disabled, and the reason is tied to the lapel field
    shawl = re.search(r'<option value="shawl"[^>]*>\s*([^<]*)', html)
    assert shawl and "disabled" not in shawl.group(0) and "changes an earlier choice" in shawl.group(1)
    assert 'id="why-lapel"' in html and "one-button" in html
    assert re.search(r'<select name="lapel" id="f-lapel" aria-describedby="why-lapel"', html)


def test_the_price_is_broken_down_and_no_bom_line_is_shown(client):
    # given a complete suit with cashmere (+1800), double-breasted (+400) and a large chest (+300)
    spec = suit_spec(fabric="cashmere-grey", jacket="db6", lapel="peak", chest_cm=125, waist_cm=110)
    page = client.get(URL, form(spec))
    html = page.content.decode()
    result = page.context["result"]
    assert result["valid"]
    # then every line of the breakdown is on the page and they add up to the price shown
    breakdown = result["price_breakdown"]
    assert sum(Decimal(line["amount"]) for line in breakdown) == Decimal(result["price"])
    table = html[html.index('id="price-breakdown"') : html.index("</table>", html.index('id="price-breakdown"'))]
    for line in breakdown:
        amount = f"{Decimal(line['amount']):,.2f}"  # money, as every page shows it (bom/templatetags/money.py)
        assert re.search(rf"<td>{re.escape(line['label'])}</td><td class=\"num\">{amount}</td>", table)
    assert "Base price" in table and "1,800.00" in table and f"CNY {Decimal(result['price']):,.2f}" in table
    # and none of the bill of materials
    assert "Bill of materials" not in html
    bom = catalog.product_configure(slug="mtm-suit", spec=spec)["bom"]
    assert bom
    for line in bom:
        assert line.get("item", line.get("sku", "")) not in ("", None)
        assert str(line.get("item") or line.get("sku")) not in html


def test_without_javascript_the_form_submits_the_whole_page(client):
    # given no htmx: a plain GET of the form's fields answers the whole page with the price
    page = client.get(URL, form(suit_spec()))
    html = page.content.decode()
    assert page.status_code == 200 and "<html" in html and "CNY 3,899.00" in html
    assert '<form method="get" id="configurator" action="/products/mtm-suit/"' in html
    assert '<noscript><button type="submit" class="secondary">Update</button></noscript>' in html
    assert "htmx-4.0.1.min.js" in html and " defer>" in html and "unpkg" not in html and "cdn" not in html.lower()


def test_htmx_restoring_history_gets_the_whole_page(client):
    page = client.get(URL, form(suit_spec()), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in page.content.decode()


def test_fields_say_what_describes_them_which_are_required_and_which_are_wrong(client):
    # given a waist more than 10 cm over the chest
    html = client.get(URL, form(suit_spec(chest_cm=90, waist_cm=120))).content.decode()
    waist = re.search(r'<input type="number" name="waist_cm"[^>]*>', html)
    assert waist
    described = re.search(r'aria-describedby="([^"]+)"', waist.group(0))
    assert described and 'aria-invalid="true"' in waist.group(0) and 'aria-required="true"' in waist.group(0)
    for ident in described.group(1).split():
        assert f'id="{ident}"' in html
    assert "err-waist_cm" in described.group(1) and "range-waist_cm" in described.group(1)
    # the optional monogram is not marked required; the region that announces changes is there
    monogram = re.search(r'<input type="text" name="monogram"[^>]*>', html)
    assert monogram and "aria-required" not in monogram.group(0) and "aria-invalid" not in monogram.group(0)
    assert 'aria-live="polite"' in html


def test_an_htmx_request_past_the_search_budget_loads_the_whole_page_that_says_so(client, settings):
    # given a budget far too small for the suit
    settings.CONFIGURATOR_SEARCH_BUDGET = 20
    # when htmx asks for the part that changes
    response = client.get(URL, {"fabric": "wool-navy", "prefer": "fabric"}, **HX)
    # then nothing is swapped in: the browser loads the spec's page, which says why (503)
    assert response.status_code == 204 and response.content == b""
    assert response["HX-Redirect"] == URL + "?fabric=wool-navy&prefer=fabric"
    page = client.get(response["HX-Redirect"])
    assert page.status_code == 503 and "search budget" in page.content.decode()


def test_only_a_value_no_choice_makes_possible_is_disabled():
    # given a lapel whose 'shawl' is ruled out by the jacket and whose 'peak' no choice allows
    lapel = {
        "key": "lapel",
        "label": "Lapel",
        "type": "choice",
        "required": True,
        "choices": [{"value": v, "label": v.title(), "price_delta": "0.00"} for v in ("notch", "peak", "shawl")],
    }
    excluded = {"peak": "Peak lapels are not made.", "shawl": "A shawl lapel needs one button."}
    result = {"errors": {}, "applicable": ["lapel"], "domains": {"lapel": {"choices": ["notch"], "excluded": excluded}}}
    impossible = {"lapel": {"choices": ["notch", "shawl"], "excluded": {"peak": "Peak lapels are not made."}}}
    # when the option is shown
    (row,) = _option_rows({"options": [lapel]}, {}, result, impossible)
    html = render_to_string("shop/_configure_option.html", {"o": row, "product": {"currency": "CNY"}})
    # then shawl can be chosen (it would clear the jacket), peak cannot
    assert '<option value="shawl">' in html and '<option value="peak" disabled>' in html
    assert "<strong>Peak</strong> is not available: Peak lapels are not made." in html
    assert "<strong>Shawl</strong> does not go with your choices: A shawl lapel needs one button." in html
