"""Domains always narrow: while the only thing left is a missing required option, the values the
choices rule out stay marked, with their reasons."""

from urllib.parse import urlencode

import pytest

from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")
SHAWL_REASON = "A shawl lapel needs a one-button single-breasted jacket."


def _page(client, spec, **extra):
    query = {k: ("true" if v is True else "false" if v is False else v) for k, v in spec.items()}
    return client.get(f"/products/mtm-suit/?{urlencode({**query, **extra})}").content.decode()


def test_exclusions_stay_when_only_a_required_option_is_missing(client):
    # given a double-breasted suit with everything chosen but the vents, checked for completeness
    spec = suit_spec(jacket="db6", lapel="peak")
    del spec["vents"]
    page = _page(client, spec, check="1")
    # then the vents are asked for, and the shawl lapel is still shown as ruled out, and why
    assert "This option is required." in page
    assert SHAWL_REASON in page


def test_exclusions_give_way_to_a_real_conflict(client):
    # given a spec whose choices conflict, the conflict is what the page says
    page = _page(client, suit_spec(jacket="db6", lapel="shawl"))
    assert SHAWL_REASON in page
