"""The configurator page's quantity: the ship date shown is the date for that many, and the order
placed from the page is for that many."""

import re
from urllib.parse import urlencode

import pytest

from orders.models import Order
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")


def _query(**extra):
    spec = {k: ("true" if v is True else v) for k, v in suit_spec().items()}
    return urlencode({**spec, **extra})


def _ship_date(page):
    return re.search(r'id="ship-date"><time datetime="([0-9-]+)">', page).group(1)


def test_the_ship_date_is_for_the_quantity_asked(client):
    one = client.get(f"/products/mtm-suit/?{_query()}").content.decode()
    hundred = client.get(f"/products/mtm-suit/?{_query(quantity=100)}").content.decode()
    assert _ship_date(hundred) > _ship_date(one)
    assert "Estimated ship date for 100" in hundred and 'id="order-total"' in hundred
    # and the order form carries that quantity
    assert 'name="quantity" value="100"' in hundred


@pytest.mark.parametrize("raw, shown", [("abc", "1"), ("0", "1"), ("1000", "100"), ("", "1")])
def test_a_bad_quantity_falls_back_to_what_an_order_line_allows(client, raw, shown):
    page = client.get(f"/products/mtm-suit/?{_query(quantity=raw)}")
    assert page.status_code == 200
    assert f'id="quantity" type="number" name="quantity" value="{shown}"' in page.content.decode()


def test_the_order_placed_from_the_page_is_for_that_many(client, customer):
    client.force_login(customer)
    page = client.get(f"/products/mtm-suit/review/?{_query(quantity=3)}").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    form = {k: ("true" if v is True else v) for k, v in suit_spec().items()}
    client.post("/products/mtm-suit/order/", {**form, "quantity": "3", "idempotency_key": key})
    order = Order.objects.get(customer=customer)
    assert order.lines.get().quantity == 3
