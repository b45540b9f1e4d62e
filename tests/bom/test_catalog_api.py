"""API.md "Catalog and configurator" over HTTP, on the published demo products."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bom.models import Product, ProductVersion
from bom.services import PublishRefused, catalog_load_file
from tests.factories import cabinet_spec, suit_spec

pytestmark = pytest.mark.usefixtures("demo")


def configure(api, slug, spec, **extra):
    response = api.post(f"/api/v1/products/{slug}/configure/", {"spec": spec, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_anyone_lists_the_published_products(anon):
    response = anon.get("/api/v1/products/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    suit = next(p for p in body["results"] if p["slug"] == "mtm-suit")
    assert set(suit) == {"slug", "name", "description", "version", "base_price", "currency"}
    assert suit["currency"] == "CNY" and Decimal(suit["base_price"]) > 0


def test_a_product_describes_its_options(anon):
    body = anon.get("/api/v1/products/mtm-suit/").json()
    assert body["slug"] == "mtm-suit" and body["currency"] == "CNY" and body["version"] >= 1
    options = {o["key"]: o for o in body["options"]}
    assert options["fabric"]["type"] == "choice" and options["fabric"]["required"] is True
    assert [c["value"] for c in options["fabric"]["choices"]] == [
        "wool-navy",
        "wool-charcoal",
        "linen-sand",
        "cashmere-grey",
    ]
    assert all(len(c["price_delta"].split(".")[1]) == 2 for c in options["fabric"]["choices"])
    chest = options["chest_cm"]
    assert (chest["type"], chest["unit"], chest["min"], chest["max"], chest["step"]) == (
        "number",
        "cm",
        "80",
        "150",
        "0.5",
    )
    assert options["monogram"]["type"] == "text" and options["monogram"]["max_length"] == 12
    assert options["monogram"]["required"] is False
    assert options["with_trousers"]["type"] == "boolean" and options["with_trousers"]["default"] is True


def test_an_unknown_product_is_404(anon):
    assert anon.get("/api/v1/products/nope/").status_code == 404
    response = anon.post("/api/v1/products/nope/configure/", {"spec": {}}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_valid_suit_has_price_bom_routing_footprint_and_ship_date(anon):
    body = configure(anon, "mtm-suit", suit_spec())
    assert body["complete"] is True and body["valid"] is True and body["errors"] == {}
    assert body["product"] == "mtm-suit" and body["currency"] == "CNY"
    assert Decimal(body["price"]) > 0
    cloth = [line for line in body["bom"] if line["item"] == "FAB-WOOL-NAVY"]
    assert {line["parent"] for line in cloth} == {"JACKET", "TROUSERS"}
    assert all(line["level"] == 2 and line["uom"] == "m" for line in cloth)
    keys = [op["key"] for op in body["routing"]]
    assert keys[0] == "pattern" and keys[-1] == "pack" and "monogram" not in keys and "sew_trousers" in keys
    cut = next(op for op in body["routing"] if op["key"] == "cut")
    assert cut["work_center"] == "CUT" and cut["after"] == ["pattern"]
    assert Decimal(body["footprint"]["co2e_kg"]) > 0
    assert date.fromisoformat(body["estimated_ship_date"]) > date.today()


def test_cloth_grows_with_the_measurements(anon):
    def cloth(spec):
        return sum(
            Decimal(line["quantity"])
            for line in configure(anon, "mtm-suit", spec)["bom"]
            if line["item"].startswith("FAB-")
        )

    assert cloth(suit_spec(chest_cm=120, waist_cm=110)) > cloth(suit_spec())


def test_a_monogram_adds_embroidery_and_its_operation(anon):
    body = configure(anon, "mtm-suit", suit_spec(monogram="W.L. 王"))
    assert body["valid"] is True, body["errors"]
    assert "THR-EMBROIDERY" in {line["item"] for line in body["bom"]}
    routing = {op["key"]: op for op in body["routing"]}
    assert routing["monogram"]["after"] == ["assemble_jacket"] and "monogram" in routing["press"]["after"]


def test_a_rule_broken_is_reported_under_each_option_and_excludes_with_a_reason(anon):
    body = configure(anon, "mtm-suit", suit_spec(jacket="sb2", lapel="shawl"))
    assert body["valid"] is False and body["price"] is None and body["bom"] is None
    assert body["errors"]["lapel"] == body["errors"]["jacket"]
    assert "one-button" in body["errors"]["lapel"][0]
    # the lapel's domain, given all the other values, no longer offers shawl, and says why
    lapel = body["domains"]["lapel"]
    assert "shawl" not in lapel["choices"]
    assert "Jacket" in lapel["excluded"]["shawl"] and "Two-button" in lapel["excluded"]["shawl"]


def test_double_breasted_is_not_offered_with_a_notch_lapel_and_names_it(anon):
    body = configure(anon, "mtm-suit", {"lapel": "notch"})
    jacket = body["domains"]["jacket"]
    assert jacket["choices"] == ["sb2", "sb1"]
    assert "peak" in jacket["excluded"]["db6"].lower() and "Lapel" in jacket["excluded"]["db6"]


def test_linen_only_for_single_breasted(anon):
    body = configure(anon, "mtm-suit", {"jacket": "db6"})
    assert "linen-sand" in body["domains"]["fabric"]["excluded"]
    body = configure(anon, "mtm-suit", {"fabric": "linen-sand"})
    assert "db6" in body["domains"]["jacket"]["excluded"]


def test_number_domains_follow_the_other_measurements(anon):
    body = configure(anon, "mtm-suit", {"chest_cm": 90, "height_cm": 180})
    assert body["domains"]["waist_cm"]["ranges"] == [["60", "100"]]
    assert body["domains"]["jacket_length_cm"]["ranges"] == [["68.5", "82.5"]]
    assert body["domains"]["chest_cm"]["ranges"] == [["80", "150"]]


def test_trousers_options_apply_only_with_trousers(anon):
    with_trousers = configure(anon, "mtm-suit", {})
    assert {"pleats", "inseam_cm"} <= set(with_trousers["applicable"])
    without = configure(anon, "mtm-suit", {"with_trousers": False, "inseam_cm": 80})
    assert "pleats" not in without["applicable"] and "inseam_cm" not in without["applicable"]
    assert "inseam_cm" in without["errors"]
    assert "pleats" not in without["domains"]


def test_bad_values_are_errors_per_key_not_500s(anon):
    body = configure(
        anon,
        "mtm-suit",
        {
            "chest_cm": 200,
            "waist_cm": "wide",
            "height_cm": 170.3,
            "fabric": "silk",
            "monogram": "<script>alert(1)</script>",
            "with_trousers": "maybe",
            "colour": "red",
        },
    )
    errors = body["errors"]
    assert set(errors) >= {"chest_cm", "waist_cm", "height_cm", "fabric", "monogram", "with_trousers", "colour"}
    assert body["valid"] is False


def test_missing_required_options_are_reported_only_for_the_last_one_or_when_strict(anon):
    partial = {"fabric": "wool-navy"}
    assert configure(anon, "mtm-suit", partial)["errors"] == {}
    strict = configure(anon, "mtm-suit", partial, strict=True)["errors"]
    assert strict["jacket"] == ["This option is required."]
    spec = suit_spec()
    del spec["lining"]
    assert configure(anon, "mtm-suit", spec)["errors"] == {"lining": ["This option is required."]}


def test_a_partial_spec_with_no_valid_completion_already_has_errors(anon):
    # height 150 cm allows a jacket of at most 69 cm; 85 cm can never be made valid
    body = configure(anon, "mtm-suit", {"height_cm": 150, "jacket_length_cm": 85})
    assert body["errors"] and body["complete"] is False


@pytest.mark.parametrize("body", [{"spec": []}, {"spec": "x"}, {}, {"spec": {}, "strict": "sometimes"}])
def test_a_malformed_configure_body_is_a_400(anon, body):
    response = anon.post("/api/v1/products/mtm-suit/configure/", body, format="json")
    assert response.status_code == 400


def test_the_cabinets_hinges_follow_the_height(anon):
    def hinges(height):
        bom = configure(anon, "custom-cabinet", cabinet_spec(height_mm=height, shelves=2))["bom"]
        return sum(Decimal(line["quantity"]) for line in bom if line["item"] == "HW-HINGE")

    assert (hinges(900), hinges(1500), hinges(2200)) == (4, 6, 8)  # double doors: per door 2, 3, 4


def test_the_cabinets_door_rules(anon):
    body = configure(anon, "custom-cabinet", {"width_mm": 1000})
    assert body["domains"]["doors"]["choices"] == ["none", "double"]
    assert "single" in body["domains"]["doors"]["excluded"]
    body = configure(anon, "custom-cabinet", {"width_mm": 500})
    assert "double" in body["domains"]["doors"]["excluded"]
    body = configure(anon, "custom-cabinet", {"height_mm": 800})
    assert body["domains"]["shelves"]["ranges"] == [["0", "3"]]
    assert "handle" not in configure(anon, "custom-cabinet", {"doors": "none"})["applicable"]


def test_a_catalog_file_that_does_not_publish_is_refused_whole(tmp_path: Path):
    # given a catalog file that names an item nobody stocks and an unknown option
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "slug: bad-chair\nname: Bad chair\ncurrency: CNY\nbase_price: '10'\n"
        "options:\n  - {key: colour, label: Colour, type: choice, choices: [{value: red, label: Red}]}\n"
        "rules:\n  - {key: r1, expr: \"color == 'red'\", message: Red only.}\n"
        "bom:\n  - {key: seat, item: NO-SUCH-SKU, quantity: '1'}\n"
        "routing:\n  - {key: make, name: Make, work_center: CAB-ASSY, run_minutes: '5'}\n"
    )
    with pytest.raises(PublishRefused) as refused:
        catalog_load_file(path=bad)
    text = "\n".join(refused.value.problems)
    assert "rules[0].expr" in text and "color" in text
    assert "NO-SUCH-SKU" in text
    assert not Product.objects.filter(slug="bad-chair").exists()
    assert not ProductVersion.objects.filter(product__slug="bad-chair").exists()


def test_loading_an_unchanged_catalog_file_makes_no_new_version():
    from bom.services import CATALOG_DIR

    before = ProductVersion.objects.count()
    version, created = catalog_load_file(path=CATALOG_DIR / "mtm-suit.yaml")
    assert created is False and version.status == "published"
    assert ProductVersion.objects.count() == before


def test_a_published_version_is_not_published_again():
    version = ProductVersion.objects.get(product__slug="mtm-suit", status="published")
    from bom.services import version_publish

    with pytest.raises(PublishRefused):
        version_publish(version=version)
    version.refresh_from_db()
    assert version.status == "published"
