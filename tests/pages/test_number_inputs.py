"""Numbers typed into the shop's pages that are no numbers (NaN, Infinity, 1e999999) are refused
with a message, never a 500, and change nothing."""

import pytest

from orders.models import Order
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")

NOT_QUANTITIES = ["NaN", "sNaN", "Infinity", "-Infinity", "1e999999", "-1e999999", "1e-999999"]


def _form(**overrides: str) -> dict[str, str]:
    spec = {key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in suit_spec().items()}
    return {**spec, **overrides}


@pytest.mark.parametrize("value", NOT_QUANTITIES)
def test_the_configurator_page_marks_a_measurement_that_is_no_number(client, value):
    page = client.get("/products/mtm-suit/", _form(chest_cm=value))
    assert page.status_code == 200
    assert page.context["result"]["valid"] is False and page.context["result"]["errors"]["chest_cm"]


@pytest.mark.parametrize("value", NOT_QUANTITIES)
def test_ordering_a_measurement_that_is_no_number_places_no_order(client, customer, value):
    client.force_login(customer)
    response = client.post("/products/mtm-suit/order/", _form(chest_cm=value, quantity="1"))
    assert response.status_code == 302 and "/products/mtm-suit/" in response["Location"]
    assert not Order.objects.filter(customer=customer).exists()
