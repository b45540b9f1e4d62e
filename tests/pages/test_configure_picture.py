"""The configurator page shows the product's picture, drawn from the catalog for the choices on
the page, and the live (htmx) answer redraws it with every change."""

import re
from urllib.parse import urlencode

import pytest

from tests.factories import cabinet_spec

pytestmark = pytest.mark.usefixtures("demo")
URL = "/products/custom-cabinet/"
HX = {"HTTP_HX_REQUEST": "true"}


def front_width(html: str) -> str:
    figure = re.search(r'<figure class="card picture" id="picture">(.*?)</figure>', html, re.S)
    assert figure is not None, "no picture on the page"
    found = re.search(r'<rect x="300" y="[\d.]+" width="([\d.]+)"', figure.group(1))
    assert found is not None
    return found.group(1)


def test_the_configurator_page_shows_the_picture_as_an_image(client):
    html = client.get(URL).content.decode()
    assert re.search(r'<figure class="card picture" id="picture"><svg [^>]*role="img"', html)
    assert "<title>Custom cabinet</title>" in html


def test_the_picture_follows_the_choices_on_the_page_and_in_the_live_answer(client):
    # given a cabinet 800 mm wide on the page
    page = client.get(URL + "?" + urlencode(cabinet_spec(width_mm=800))).content.decode()
    assert front_width(page) == "800"
    assert "Custom cabinet, 800 × 1800 × 400 mm" in page and "4 shelves" in page
    # when the customer makes it 1100 mm wide, live
    live = client.get(URL + "?" + urlencode({**cabinet_spec(width_mm=1100, doors="none"), "prefer": "width_mm"}), **HX)
    html = live.content.decode()
    # then the fragment swapped in carries the picture drawn for 1100 mm, without doors
    assert live.status_code == 200 and "<html" not in html
    assert front_width(html) == "1100" and "Custom cabinet, 1100 × 1800 × 400 mm" in html
    assert "Double doors" not in re.search(r"<svg.*?</svg>", html, re.S).group(0)  # type: ignore[union-attr]
