"""Versions: a published product is edited as a new draft, previewed, compared and published;
orders keep the version they were configured on; a refused file points at its lines."""

from pathlib import Path

import pytest
from django.urls import reverse

from bom.models import ProductVersion, Rule
from bom.selectors import product_configure, version_get_published
from bom.services import CATALOG_DIR, PublishRefused, catalog_load_file, version_create_draft, version_publish
from orders.services import order_place
from tests.factories import UserFactory, suit_spec

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_editing_a_published_product_makes_a_draft_and_orders_keep_their_version(customer):
    # given an order on the current suit
    v1 = version_get_published(slug="mtm-suit")
    order, _ = order_place(customer=customer, lines=[{"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}],
                           idempotency_key=None)  # fmt: skip
    # when the product is edited (a draft copy) and published again with the shawl rule dropped
    draft = version_create_draft(from_version=v1)
    assert draft.status == "draft" and draft.number == v1.number + 1
    Rule.objects.filter(version=draft, key="shawl_needs_sb1").delete()
    version_publish(version=draft)
    # then the new version is current, the old one retired and unchanged, and the order keeps v1
    assert version_get_published(slug="mtm-suit").pk == draft.pk
    v1.refresh_from_db()
    assert v1.status == "retired" and v1.rules.filter(key="shawl_needs_sb1").exists()
    assert order.lines.get().product_version_id == v1.pk


def test_admin_shows_what_changed_between_versions(admin_client):
    v1 = version_get_published(slug="mtm-suit")
    draft = version_create_draft(from_version=v1)
    Rule.objects.filter(version=draft, key="shawl_needs_sb1").delete()
    ProductVersion.objects.filter(pk=draft.pk).update(base_price="3099.00")
    page = admin_client.get(reverse("admin:bom_productversion_diff", args=[draft.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rule shawl_needs_sb1 removed" in html and "3099.00" in html


def test_admin_previews_a_draft_before_it_is_published(admin_client):
    v1 = version_get_published(slug="mtm-suit")
    draft = version_create_draft(from_version=v1)
    Rule.objects.filter(version=draft, key="shawl_needs_sb1").delete()
    page = admin_client.get(reverse("admin:bom_productversion_preview", args=[draft.pk]),
                            {"jacket": "sb2", "lapel": "shawl"})  # fmt: skip
    assert page.status_code == 200
    assert "A shawl lapel needs" not in page.content.decode()  # the draft no longer has that rule
    published = admin_client.get(reverse("admin:bom_productversion_preview", args=[v1.pk]),
                                 {"jacket": "sb2", "lapel": "shawl"})  # fmt: skip
    assert "A shawl lapel needs" in published.content.decode()


def test_the_admin_action_creates_a_draft(admin_client):
    v1 = version_get_published(slug="custom-cabinet")
    response = admin_client.post(reverse("admin:bom_productversion_changelist"),
                                 {"action": "create_draft", "_selected_action": [v1.pk]})  # fmt: skip
    assert response.status_code == 302
    assert ProductVersion.objects.filter(product=v1.product, status="draft").count() == 1


def test_customers_cannot_reach_the_preview(client, customer):
    client.force_login(customer)
    v1 = version_get_published(slug="mtm-suit")
    response = client.get(reverse("admin:bom_productversion_preview", args=[v1.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


CATALOG = """slug: bad-chair
name: Bad chair
currency: CNY
base_price: '10'
options:
  - {key: colour, label: Colour, type: choice, choices: [{value: red, label: Red}, {value: blue, label: Blue}]}
rules:
  - {key: red_only, expr: "colour == 'red'", message: Red only.}
  - {key: typo, expr: "color == 'red'", message: Typo.}
bom:
  - {key: seat, item: HW-CAM-LOCK, quantity: '1'}
routing:
  - {key: make, name: Make, work_center: CAB-ASSY, run_minutes: '5', after: [polish]}
"""


def test_a_refused_catalog_file_points_at_its_lines(tmp_path: Path):
    bad = tmp_path / "bad-chair.yaml"
    bad.write_text(CATALOG)
    with pytest.raises(PublishRefused) as refused:
        catalog_load_file(path=bad)
    problems = refused.value.problems
    assert any(p.startswith("bad-chair.yaml, line 9: rules[1].expr") and "color" in p for p in problems), problems
    assert any(p.startswith("bad-chair.yaml, line 13: routing[0].after") for p in problems), problems
    assert not ProductVersion.objects.filter(product__slug="bad-chair").exists()


def test_a_contradiction_is_refused_and_located(tmp_path: Path):
    typo = """  - {key: typo, expr: "color == 'red'", message: Typo.}"""
    blue = """  - {key: blue_only, expr: "colour == 'blue'", message: Blue only.}"""
    contradiction = CATALOG.replace(typo, blue)
    contradiction = contradiction.replace(", after: [polish]", "")
    bad = tmp_path / "contradiction.yaml"
    bad.write_text(contradiction)
    with pytest.raises(PublishRefused) as refused:
        catalog_load_file(path=bad)
    text = "\n".join(refused.value.problems)
    assert "contradiction.yaml, line" in text and "no valid configuration" in text
    assert "red_only" in text and "blue_only" in text


def test_admin_shows_the_publish_time_analysis(admin_client):
    from bom.models import BomLine

    # given a draft whose hinge count goes negative for tall cabinets, and a rule that never bites
    draft = version_create_draft(from_version=version_get_published(slug="custom-cabinet"))
    BomLine.objects.filter(version=draft, item_sku="HW-HINGE").update(quantity="4 - height_mm / 500")
    Rule.objects.create(version=draft, key="always", expr="width_mm >= 300", message="Too narrow.", position=99)
    page = admin_client.get(reverse("admin:bom_productversion_analysis", args=[draft.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "negative" in html and "always" in html
    # and publishing it is refused while a formula can go negative
    with pytest.raises(PublishRefused) as refused:
        version_publish(version=draft)
    assert any("negative" in p for p in refused.value.problems)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_routing_cycle_is_refused_at_its_line(tmp_path: Path):
    cyclic = CATALOG.replace("  - {key: typo, expr: \"color == 'red'\", message: Typo.}\n", "").replace(
        "  - {key: make, name: Make, work_center: CAB-ASSY, run_minutes: '5', after: [polish]}",
        "  - {key: make, name: Make, work_center: CAB-ASSY, run_minutes: '5', after: [polish]}\n"
        "  - {key: polish, name: Polish, work_center: CAB-ASSY, run_minutes: '5', after: [make]}",
    )
    bad = tmp_path / "cycle.yaml"
    bad.write_text(cyclic)
    with pytest.raises(PublishRefused) as refused:
        catalog_load_file(path=bad)
    assert any(p.startswith("cycle.yaml, line 12: routing[0].after") and "cycle" in p for p in refused.value.problems)
    assert not ProductVersion.objects.filter(product__slug="bad-chair").exists()


def test_loading_an_unchanged_file_keeps_a_version_published_in_admin(tmp_path: Path):
    # given the cabinet as loaded from its file, then edited and published in admin
    path = tmp_path / "custom-cabinet.yaml"
    path.write_bytes((CATALOG_DIR / "custom-cabinet.yaml").read_bytes())
    from_file = version_get_published(slug="custom-cabinet")
    edited = version_create_draft(from_version=from_file)
    ProductVersion.objects.filter(pk=edited.pk).update(base_price="1999.00")
    version_publish(version=edited)
    count = ProductVersion.objects.count()
    # when the same file is loaded again (`make run` run again)
    version, created = catalog_load_file(path=path)
    # then nothing is published: the admin's version stays current
    assert created is False and version.pk == edited.pk
    assert version_get_published(slug="custom-cabinet").pk == edited.pk
    assert ProductVersion.objects.count() == count
    # and once the file itself changes, it is published over the admin's version
    path.write_text(path.read_text(encoding="utf-8").replace('base_price: "', 'base_price: "1'), encoding="utf-8")
    version, created = catalog_load_file(path=path)
    assert created is True and version_get_published(slug="custom-cabinet").pk == version.pk
    edited.refresh_from_db()
    assert edited.status == "retired"


def test_setup_and_run_minutes_are_formulas_from_file_to_configure_answer(tmp_path: Path):
    # given a catalog file whose setup and run minutes both read an option
    path = tmp_path / "stool.yaml"
    path.write_text(
        "slug: stool\nname: Stool\ncurrency: CNY\nbase_price: '100'\n"
        "options:\n  - {key: legs, label: Legs, type: number, min: '3', max: '4'}\n"
        "bom:\n  - {key: locks, item: HW-CAM-LOCK, quantity: 'legs', operation: make}\n"
        "routing:\n  - {key: make, name: Make, work_center: CAB-ASSY,"
        " setup_minutes: '5 + legs * 2.5', run_minutes: 'legs * 4'}\n"
    )
    # when it is loaded, and a draft is copied from it in admin
    version, created = catalog_load_file(path=path)
    draft = version_create_draft(from_version=version)
    # then both formulas are stored as written, and the configure answer carries their numbers
    assert created is True
    assert list(version.operations.values_list("setup_minutes", "run_minutes")) == [("5 + legs * 2.5", "legs * 4")]
    assert list(draft.operations.values_list("setup_minutes", "run_minutes")) == [("5 + legs * 2.5", "legs * 4")]
    answer = product_configure(slug="stool", spec={"legs": 4})
    assert answer["valid"] is True
    assert [(op["setup_minutes"], op["run_minutes"]) for op in answer["routing"]] == [("15", "16")]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("base_price: '1e30'", "stool.yaml, line 4: base_price: 1e30 is too large (it must stay below 10000000000)"),
        ("base_price: '1e-999999999'", "stool.yaml, line 4: base_price: 1e-999999999 has more than 2 decimal places"),
        (
            "base_price: '100'\nprices:\n  - {key: big, label: Big, amount: 'legs * 1e30'}",
            "stool.yaml, line 6: prices[0].amount: column 8: the number 1e30 is too large (at most 999999999999)",
        ),
        (
            "base_price: '100'\nprices:\n  - {key: fine, label: Fine, amount: '1e-999999999 + legs'}",
            "stool.yaml, line 6: prices[0].amount: column 1: the number 1e-999999999 has too many decimal places "
            "(at most 12)",
        ),
    ],
)
def test_a_number_beyond_what_the_catalog_stores_is_refused_at_its_line(tmp_path: Path, line, problem):
    # given a catalog file with a number too large or too fine, as a field or in a formula
    path = tmp_path / "stool.yaml"
    path.write_text(
        f"slug: stool\nname: Stool\ncurrency: CNY\n{line}\n"
        "options:\n  - {key: legs, label: Legs, type: number, min: '3', max: '4'}\n"
    )
    # when it is loaded, then it is refused at its line (never a 500, never minutes of work)
    with pytest.raises(PublishRefused) as refused:
        catalog_load_file(path=path)
    assert problem in refused.value.problems
    assert not ProductVersion.objects.filter(product__slug="stool").exists()
