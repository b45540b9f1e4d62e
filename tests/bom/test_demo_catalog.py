"""The two demo products of bom/catalog/, against the items and work centers the factory seeds."""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
import yaml

from bom.configurator import compile_product

CATALOG = Path(__file__).resolve().parents[2] / "bom" / "catalog"

# sku, name, uom, decimals, kg CO2e per unit: exactly what inventory seeds.
ITEMS = """
FAB-WOOL-NAVY|Navy wool cloth|m|2|12.5
FAB-WOOL-CHARCOAL|Charcoal wool cloth|m|2|12.5
FAB-LINEN-SAND|Sand linen cloth|m|2|4.2
FAB-CASHMERE-GREY|Grey cashmere cloth|m|2|38.0
LIN-NAVY|Navy lining|m|2|3.1
LIN-BORDEAUX|Bordeaux lining|m|2|3.1
LIN-PAISLEY|Paisley lining|m|2|3.4
CANVAS-HAIR|Horsehair canvas|m|2|2.0
BTN-HORN-20|Horn button 20 mm|pcs|0|0.02
BTN-HORN-15|Horn button 15 mm|pcs|0|0.01
BTN-TROUSER|Trouser button|pcs|0|0.01
THR-POLY|Polyester thread|m|0|0.001
LBL-WOVEN|Woven label|pcs|0|0.01
ZIP-TROUSER|Trouser zipper|pcs|0|0.15
WB-CURTAIN|Waistband curtain|m|2|1.5
THR-EMBROIDERY|Embroidery thread|m|0|0.002
BRD-MEL-WHITE|White melamine board|m2|2|9.0
BRD-OAK|Oak veneer board|m2|2|11.0
BRD-WALNUT|Walnut veneer board|m2|2|12.0
EDGE-WHITE|White edge banding|m|1|0.05
EDGE-OAK|Oak edge banding|m|1|0.06
EDGE-WALNUT|Walnut edge banding|m|1|0.06
HW-HINGE|Concealed hinge|pcs|0|0.3
HW-SHELF-PIN|Shelf pin|pcs|0|0.01
HW-HANDLE-BAR|Steel bar handle|pcs|0|0.9
HW-KNOB-BRASS|Brass knob|pcs|0|0.6
HW-CAM-LOCK|Cam lock fitting|pcs|0|0.02
HW-BACK-PANEL|Back panel HDF|m2|2|3.0
"""
WORK_CENTERS = """
CAD|Pattern CAD|0.5
CUT|Cloth cutting|7.5
SEW|Jacket sewing|1.2
SEW-TRS|Trouser sewing|1.0
ASSY|Jacket assembly|1.5
EMB|Embroidery|0.8
PRESS|Pressing|6.0
SAW|Panel saw|11.0
EDGE|Edge bander|9.0
CNC|CNC drilling|7.0
DOOR|Door machining|5.0
CAB-ASSY|Cabinet assembly|1.0
QC|Quality control|0.3
PACK|Packing|0.5
"""


def _rows(text):
    return [line.split("|") for line in text.strip().splitlines()]


RESOURCES = {
    "items": {
        sku: {"name": name, "uom": uom, "decimals": int(decimals), "co2e_kg": co2e}
        for sku, name, uom, decimals, co2e in _rows(ITEMS)
    },
    "work_centers": {code: {"name": name, "power_kw": kw} for code, name, kw in _rows(WORK_CENTERS)},
    "grid_co2e_kg_per_kwh": "0.581",
}


@cache
def product(slug):
    definition = yaml.safe_load((CATALOG / f"{slug}.yaml").read_text(encoding="utf-8"))
    return compile_product(definition, RESOURCES)


SUIT = {
    "fabric": "wool-navy",
    "lining": "paisley",
    "jacket": "sb2",
    "lapel": "notch",
    "vents": "side",
    "with_trousers": True,
    "pleats": "single",
    "height_cm": 180,
    "chest_cm": 100,
    "waist_cm": 88,
    "sleeve_cm": 63,
    "jacket_length_cm": 75,
    "inseam_cm": 80,
}

CABINET = {
    "width_mm": 800,
    "height_mm": 2000,
    "depth_mm": 400,
    "material": "oak-veneer",
    "doors": "double",
    "shelves": 4,
    "handle": "bar-steel",
}


@pytest.mark.parametrize("slug", ["mtm-suit", "custom-cabinet"])
def test_the_demo_products_compile_and_have_valid_configurations(slug):
    compiled = product(slug)
    spec = compiled.find_valid_configuration()
    assert spec is not None
    assert compiled.configure(spec)["valid"] is True
    assert compiled.slug == slug and compiled.currency == "CNY"


def _fields_without_value(node, path):
    if isinstance(node, dict):
        for key, value in node.items():
            if value is None:
                yield f"{path}.{key}"
            yield from _fields_without_value(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _fields_without_value(value, f"{path}[{i}]")


@pytest.mark.parametrize("path", sorted(CATALOG.glob("*.yaml")), ids=lambda p: p.name)
def test_no_catalog_text_is_cut_at_a_comma(path):
    # given every catalog file as YAML reads it
    definition = yaml.safe_load(path.read_text(encoding="utf-8"))
    # then no field is left without a value: in a flow mapping `{help: a, b}`, an unquoted comma
    # cuts the text and leaves its end (" b") as a key of its own
    assert list(_fields_without_value(definition, path.name)) == []


# -- the suit -------------------------------------------------------------------------------------


def test_suit_options_in_display_order_and_groups():
    options = product("mtm-suit").options
    assert [o["key"] for o in options] == [
        "fabric",
        "lining",
        "jacket",
        "lapel",
        "vents",
        "with_trousers",
        "pleats",
        "height_cm",
        "chest_cm",
        "waist_cm",
        "sleeve_cm",
        "jacket_length_cm",
        "inseam_cm",
        "monogram",
    ]
    assert {o["group"] for o in options} == {"Cloth", "Style", "Measurements", "Personalisation"}
    assert options[5] == {
        "key": "with_trousers",
        "label": "Trousers",
        "type": "boolean",
        "required": False,
        "group": "Style",
        "help": "Matching trousers in the same cloth.",
        "default": True,
    }


def test_shawl_lapel_is_excluded_by_a_two_button_jacket_naming_the_jacket():
    result = product("mtm-suit").configure({"jacket": "sb2"})
    assert result["domains"]["lapel"] == {
        "choices": ["notch", "peak"],
        "excluded": {
            "shawl": "A shawl lapel needs a one-button single-breasted jacket. "
            "(you chose Jacket: Two-button single-breasted)"
        },
    }


def test_double_breasted_is_excluded_by_a_notch_lapel():
    result = product("mtm-suit").configure({"lapel": "notch"})
    assert result["domains"]["jacket"] == {
        "choices": ["sb2", "sb1"],
        "excluded": {"db6": "A double-breasted jacket needs peak lapels. (you chose Lapel: Notch)"},
    }


def test_linen_is_excluded_by_a_double_breasted_jacket():
    result = product("mtm-suit").configure({"jacket": "db6"})
    assert result["domains"]["fabric"]["choices"] == ["wool-navy", "wool-charcoal", "cashmere-grey"]
    assert result["domains"]["fabric"]["excluded"] == {
        "linen-sand": "Linen is made up only as a single-breasted jacket. "
        "(you chose Jacket: Six-button double-breasted)"
    }
    assert result["domains"]["lapel"]["choices"] == ["peak"]


def test_conflicting_choices_are_errors_on_each_of_them():
    result = product("mtm-suit").configure({"jacket": "sb2", "lapel": "shawl"})
    message = "A shawl lapel needs a one-button single-breasted jacket."
    assert result["errors"] == {"jacket": [message], "lapel": [message]}
    assert result["valid"] is False and result["price"] is None


def test_waist_range_follows_the_chest():
    result = product("mtm-suit").configure({"chest_cm": 90})
    assert result["domains"]["waist_cm"] == {"ranges": [["60", "100"]], "step": "0.5", "unit": "cm"}
    assert result["domains"]["chest_cm"] == {"ranges": [["80", "150"]], "step": "0.5", "unit": "cm"}


def test_jacket_length_range_follows_the_height():
    # 0.38 * 180 = 68.4 and 0.46 * 180 = 82.8: the grid points of 0.5 cm in between
    result = product("mtm-suit").configure({"height_cm": "180"})
    assert result["domains"]["jacket_length_cm"] == {"ranges": [["68.5", "82.5"]], "step": "0.5", "unit": "cm"}
    # and a chosen length narrows the heights: 75 / 0.46 = 163.04 .. 75 / 0.38 = 197.37
    result = product("mtm-suit").configure({"jacket_length_cm": 75})
    assert result["domains"]["height_cm"]["ranges"] == [["163.5", "197"]]


def test_pleats_and_inseam_apply_only_with_trousers():
    suit = product("mtm-suit")
    assert {"pleats", "inseam_cm"} <= set(suit.configure({})["applicable"])
    result = suit.configure({"with_trousers": False})
    assert "pleats" not in result["applicable"] and "inseam_cm" not in result["applicable"]
    assert "pleats" not in result["domains"]
    result = suit.configure({**SUIT, "with_trousers": False})
    assert result["errors"] == {
        "pleats": ["Does not apply: you chose Trousers: no."],
        "inseam_cm": ["Does not apply: you chose Trousers: no."],
    }
    assert result["valid"] is False


def test_measurement_and_monogram_values_are_checked():
    result = product("mtm-suit").configure({"chest_cm": 79.5, "waist_cm": "98.25", "monogram": "J@S"})
    assert result["errors"] == {
        "chest_cm": ["Must be at least 80."],
        "waist_cm": ["Must be in steps of 0.5."],
        "monogram": ["Only letters, digits, spaces and . & - are allowed."],
    }
    result = product("mtm-suit").configure({**SUIT, "monogram": "ABCDEFGHIJKLM"})
    assert result["errors"] == {"monogram": ["At most 12 characters."]}
    assert product("mtm-suit").configure({**SUIT, "monogram": "王小明 & Co."})["valid"] is True


def test_suit_price_bom_routing_and_footprint():
    result = product("mtm-suit").configure({**SUIT, "monogram": "J.S."})
    assert result["valid"] is True, result["errors"]
    assert json.loads(json.dumps(result)) == result  # plain JSON: strings, numbers, booleans, null
    # 2999 + paisley 150 + trousers 900 + monogram 120
    assert result["price"] == "4169.00"
    bom = {(line["item"], line["parent"]): line for line in result["bom"]}
    # jacket cloth: (100 * 0.6 + 75 + 63 * 0.6) / 100 = 1.728 m, + 4% = 1.79712, rounded up
    assert bom["FAB-WOOL-NAVY", "JACKET"]["quantity"] == "1.80"
    # trouser cloth: (80 * 1.2 + 88 * 0.3) / 100 + 0.05 (pleat) = 1.274 m, + 4% = 1.32496
    assert bom["FAB-WOOL-NAVY", "TROUSERS"]["quantity"] == "1.33"
    assert bom["BTN-HORN-20", "JACKET"] == {
        "item": "BTN-HORN-20",
        "name": "Horn button 20 mm",
        "quantity": "2",
        "uom": "pcs",
        "level": 2,
        "parent": "JACKET",
        "operation": "assemble_jacket",
    }
    assert bom["BTN-HORN-15", "JACKET"]["quantity"] == "8"
    assert bom["THR-EMBROIDERY", "JACKET"]["operation"] == "monogram"
    assert {"ZIP-TROUSER", "WB-CURTAIN", "BTN-TROUSER"} <= {item for item, _ in bom}
    assert all(line["operation"] for line in result["bom"])
    routing = {op["key"]: op for op in result["routing"]}
    assert list(routing) == [
        "pattern",
        "cut",
        "sew_sleeves",
        "sew_body",
        "sew_collar",
        "assemble_jacket",
        "monogram",
        "sew_trousers",
        "press",
        "qc",
        "pack",
    ]
    assert routing["cut"] == {
        "key": "cut",
        "name": "Cut cloth",
        "work_center": "CUT",
        "setup_minutes": "10",
        "run_minutes": "25",
        "after": ["pattern"],
        "setup_family": "wool-navy",
    }
    assert routing["assemble_jacket"]["after"] == ["sew_sleeves", "sew_body", "sew_collar"]
    assert routing["press"]["after"] == ["monogram", "sew_trousers"]
    footprint = result["footprint"]
    energy = Decimal(footprint["energy_kwh"])
    materials = Decimal(footprint["materials_co2e_kg"])
    assert abs(Decimal(footprint["co2e_kg"]) - (materials + energy * Decimal("0.581"))) <= Decimal("0.1")
    assert Decimal("30") < materials < Decimal("60")


def test_without_monogram_or_trousers_pressing_follows_the_jacket():
    result = product("mtm-suit").configure({**SUIT, "with_trousers": False, "pleats": None, "inseam_cm": None})
    assert result["valid"] is True, result["errors"]
    routing = {op["key"]: op["after"] for op in result["routing"]}
    assert "monogram" not in routing and "sew_trousers" not in routing
    assert routing["press"] == ["assemble_jacket"]
    assert {line["parent"] for line in result["bom"]} == {"JACKET"}
    assert result["price"] == "3149.00"
    assert result["normalized_spec"]["with_trousers"] is False and "inseam_cm" not in result["normalized_spec"]


def test_large_sizes_cost_more():
    base = product("mtm-suit").configure(SUIT)["price"]
    large = product("mtm-suit").configure({**SUIT, "chest_cm": 125, "waist_cm": 110})["price"]
    assert Decimal(large) - Decimal(base) == 300


# -- the cabinet ---------------------------------------------------------------------------------


def test_doors_limit_the_width():
    cabinet = product("custom-cabinet")
    assert cabinet.configure({"doors": "double"})["domains"]["width_mm"]["ranges"] == [["600", "1200"]]
    assert cabinet.configure({"doors": "single"})["domains"]["width_mm"]["ranges"] == [["300", "700"]]
    assert cabinet.configure({"width_mm": 500})["domains"]["doors"] == {
        "choices": ["none", "single"],
        "excluded": {"double": "Double doors need a cabinet at least 600 mm wide. (you chose Width: 500 mm)"},
    }


def test_shelves_need_height():
    cabinet = product("custom-cabinet")
    assert cabinet.configure({"shelves": 8})["domains"]["height_mm"]["ranges"] == [["2000", "2400"]]
    assert cabinet.configure({"height_mm": 1100})["domains"]["shelves"]["ranges"] == [["0", "4"]]


def test_handle_applies_only_with_doors():
    cabinet = product("custom-cabinet")
    assert "handle" not in cabinet.configure({"doors": "none"})["applicable"]
    assert "handle" in cabinet.configure({"doors": "single"})["applicable"]
    result = cabinet.configure({**CABINET, "doors": "none"})
    assert result["errors"] == {"handle": ["Does not apply: you chose Doors: No doors."]}


def test_cabinet_bom_and_routing():
    result = product("custom-cabinet").configure(CABINET)
    assert result["valid"] is True, result["errors"]
    bom = {(line["item"], line["parent"]): line["quantity"] for line in result["bom"]}
    # carcass: (2*2000*400 + 2*764*400 + 4*764*380) / 1e6 = 3.37248 m2, + 10% = 3.709728
    assert bom["BRD-OAK", "CARCASS"] == "3.71"
    # two doors of 397 x 1996 mm: 1.584824 m2, + 10% = 1.7433064
    assert bom["BRD-OAK", "DOORS"] == "1.75"
    assert bom["HW-HINGE", "DOORS"] == "8"  # 4 per door above 1800 mm
    assert bom["HW-SHELF-PIN", "CARCASS"] == "16"
    assert bom["HW-HANDLE-BAR", "DOORS"] == "2"
    routing = {op["key"]: op["after"] for op in result["routing"]}
    assert routing == {
        "cut_panels": [],
        "edge_band": ["cut_panels"],
        "drill": ["edge_band"],
        "machine_doors": ["edge_band"],
        "assemble": ["drill", "machine_doors"],
        "qc": ["assemble"],
        "pack": ["qc"],
    }
    assert result["routing"][0]["setup_family"] == "oak-veneer"


@pytest.mark.parametrize(("height", "hinges"), [(1000, "2"), (1001, "3"), (1800, "3"), (1801, "4")])
def test_hinges_per_door_by_height(height, hinges):
    result = product("custom-cabinet").configure(
        {**CABINET, "height_mm": height, "shelves": 2, "doors": "single", "width_mm": 600}
    )
    bom = {line["item"]: line["quantity"] for line in result["bom"]}
    assert bom["HW-HINGE"] == hinges


def test_a_cabinet_without_doors_skips_door_machining():
    spec = {**CABINET, "doors": "none", "handle": None, "shelves": 0}
    result = product("custom-cabinet").configure(spec)
    assert result["valid"] is True, result["errors"]
    routing = {op["key"]: op["after"] for op in result["routing"]}
    assert "machine_doors" not in routing and routing["assemble"] == ["drill"]
    assert all(line["parent"] == "CARCASS" for line in result["bom"])
    assert "HW-SHELF-PIN" not in {line["item"] for line in result["bom"]}
