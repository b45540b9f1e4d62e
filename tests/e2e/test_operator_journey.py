"""An operator's journey in a real browser: prints a suit's traveler, scans an operation's QR code off
the PDF (rendered by poppler's pdftoppm, decoded by zxing-cpp), sees the customer's monogram on the
page the code opens, starts the operation and finishes it.

Every page passes axe-core (WCAG 2.2 A/AA). The pages are read by their links, element ids and
classes, never their words, so the same journey runs in both languages."""

import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from orders.services import order_place, order_release
from production.models import Operation, ProductionOrder
from production.services import production_replan
from tests.e2e.journeys import LANGUAGES, check_page, session
from tests.e2e.screenshots import screenshot
from tests.factories import suit_spec

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_tx")]

MONOGRAM = "王 W.L."


def scan(pdf: bytes, tmp_path: Path) -> list[str]:
    """The QR codes printed on the PDF, page by page, top to bottom: what a scanner reads off paper."""
    (tmp_path / "traveler.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "traveler.pdf", "page"], cwd=tmp_path, check=True)
    codes = []
    for png in sorted(tmp_path.glob("page-*.png")):
        found = zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)
        codes += [code.text for code in sorted(found, key=lambda code: code.position.top_left.y)]
    return codes


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_operator_scans_a_traveler_and_runs_the_operation(live_server, browser, language, tmp_path):
    # given the demo factory at work, and a suit with a monogram released to it and planned
    call_command("seed_demo_orders", verbosity=0)
    alice = get_user_model().objects.get(username="alice")
    order, _ = order_place(customer=alice, lines=[{"product": "mtm-suit", "quantity": 1,
                                                   "spec": suit_spec(monogram=MONOGRAM)}],
                           idempotency_key=None)  # fmt: skip
    order_release(order_id=order.pk)
    production_replan()
    po = ProductionOrder.objects.get(order_line__order=order)
    first = Operation.objects.filter(production_order=po).order_by("sequence").first()
    page = session(browser, live_server.url, "oscar", language)

    # the operator prints the production order's traveler from its floor page
    page.goto(f"{live_server.url}/floor/orders/{po.number}/")
    check_page(page, language)
    traveler = page.locator('a[href$="/traveler.pdf"]').get_attribute("href")
    response = page.request.get(live_server.url + (traveler or ""))
    assert response.ok and response.headers["content-type"] == "application/pdf"

    # scans the code of its first operation off the paper: the card's own code first, then one a step
    codes = scan(response.body(), tmp_path)
    assert codes[0] == f"{live_server.url}/floor/orders/{po.number}/"
    steps = [code for code in codes if "/floor/operations/" in code]
    assert len(steps) == Operation.objects.filter(production_order=po).count()
    assert urlsplit(steps[0]).path == f"/floor/operations/{first.pk}/"

    # the code opens the operation: what to make, with the customer's monogram as typed
    page.goto(steps[0])
    check_page(page, language)
    screenshot(page, "operation", full_page=True)
    assert page.locator("table.spec td", has_text=MONOGRAM).count() == 1
    assert page.locator("h1 .badge.pending").count() == 1

    # starts it
    with page.expect_navigation():  # the form answers with a redirect to the page
        page.click("#start")
    check_page(page, language)
    assert page.locator("h1 .badge.in_progress").count() == 1

    # finishes it, no scrap, and sees it done
    with page.expect_navigation():  # the form answers with a redirect to the page
        page.click("#finish")
    check_page(page, language)
    assert page.locator("h1 .badge.done").count() == 1
    assert page.locator("#start, #finish").count() == 0
    assert Operation.objects.get(pk=first.pk).status == Operation.Status.DONE

    # back at the station, the operation has left its queue; the next ones wait there
    with page.expect_navigation():
        page.click(f'a[href="/floor/work-centers/{first.work_center.code}/"]')
    check_page(page, language)
    screenshot(page, "station", full_page=True)
    assert page.locator(f'a[href="/floor/operations/{first.pk}/"]').count() == 0
    assert page.locator('a[href^="/floor/operations/"]').count() > 0
    page.context.close()
