"""The configurator's fields tell assistive technology what the page shows about them: every id in
a field's aria-describedby exists, every hint, range, error and exclusion of a field is in it, a
field with errors is aria-invalid, and a required one is aria-required."""

import re
from urllib.parse import urlencode

import pytest

from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")

FIELD = re.compile(r'<(?:select|input)[^>]*\bid="f-(\w+)"[^>]*>')
SPECS = [
    {},  # nothing chosen
    {"jacket": "sb2", "check": "1"},  # ruled-out values, and every missing option an error
    {k: ("true" if v is True else v) for k, v in suit_spec(lapel="shawl").items()},  # a conflict
    {"lapel": "shawl", "with_trousers": "false", "monogram": "A*B"},  # implied, n/a options, a bad value
]


@pytest.mark.parametrize("spec", SPECS)
def test_every_field_is_described_by_what_the_page_says_about_it(client, spec):
    html = client.get("/products/mtm-suit/?" + urlencode(spec)).content.decode()
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    fields = {m.group(1): m.group(0) for m in FIELD.finditer(html)}
    assert fields
    for key, tag in fields.items():
        described = re.search(r'aria-describedby="([^"]*)"', tag)
        listed = described.group(1).split() if described else []
        assert set(listed) <= ids, (key, set(listed) - ids)
        about = {f"{part}-{key}" for part in ("implied", "range", "allowed", "help", "err", "why")} & ids
        assert about <= set(listed), (key, about - set(listed))
        assert ('aria-invalid="true"' in tag) == (f"err-{key}" in ids), key
        # required as the label's star says to the eye
        starred = re.search(rf'<label class="title" for="f-{key}">[^<]*(?:<span aria-hidden="true">\*</span>)?', html)
        assert ('aria-required="true"' in tag) == ("*</span>" in starred.group(0)), key
