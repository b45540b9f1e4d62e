"""Saved measurement profiles on the configurator page: a customer keeps their measurements once
and starts the next suit from them."""

import re
from urllib.parse import urlencode

import pytest

from accounts.models import MeasurementProfile
from accounts.services import profile_create
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")
MEASUREMENTS = {"height_cm": "185", "chest_cm": "104", "waist_cm": "90", "sleeve_cm": "66",
                "jacket_length_cm": "78", "inseam_cm": "84"}  # fmt: skip


def _value(page, key):
    found = re.search(rf'name="{key}"[^>]*value="([^"]*)"', page)
    return found.group(1) if found else None


def test_a_customer_starts_a_suit_from_a_saved_profile(client, customer):
    profile = profile_create(owner=customer, name="Me", values=MEASUREMENTS)
    client.force_login(customer)
    page = client.get("/products/mtm-suit/").content.decode()
    assert f'<option value="{profile.pk}">Me</option>' in page
    # when they choose it
    page = client.get(f"/products/mtm-suit/?{urlencode({'fabric': 'wool-navy', 'profile': profile.pk})}").content
    page = page.decode()
    # then every measurement is filled from it, and the choice already made stays
    assert _value(page, "chest_cm") == "104" and _value(page, "inseam_cm") == "84"
    assert 'value="wool-navy" selected' in page or 'wool-navy" selected' in page


def test_another_customers_profile_fills_nothing(client, customer, other_customer):
    theirs = profile_create(owner=other_customer, name="Them", values=MEASUREMENTS)
    client.force_login(customer)
    page = client.get(f"/products/mtm-suit/?profile={theirs.pk}")
    assert page.status_code == 200
    assert _value(page.content.decode(), "chest_cm") in (None, "")


def test_a_customer_saves_the_measurements_on_the_page(client, customer):
    client.force_login(customer)
    form = {k: ("true" if v is True else v) for k, v in suit_spec().items()}
    response = client.post("/products/mtm-suit/profiles/", {**form, "profile_name": "Me, 2026"})
    assert response.status_code == 302 and "chest_cm=100" in response["Location"]
    saved = MeasurementProfile.objects.get(owner=customer)
    assert saved.name == "Me, 2026" and saved.values["chest_cm"] == "100" and "fabric" not in saved.values


def test_a_profile_without_a_name_is_refused_and_nothing_is_saved(client, customer):
    client.force_login(customer)
    form = {k: ("true" if v is True else v) for k, v in suit_spec().items()}
    page = client.post("/products/mtm-suit/profiles/", {**form, "profile_name": "  "}, follow=True)
    assert page.status_code == 200 and not MeasurementProfile.objects.exists()


def test_only_customers_save_profiles(client, planner):
    client.force_login(planner)
    assert client.post("/products/mtm-suit/profiles/", {"chest_cm": "100", "profile_name": "x"}).status_code == 403
    assert not MeasurementProfile.objects.exists()
