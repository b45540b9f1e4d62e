"""The configure-to-order refrigerator of bom/catalog/refrigerator.yaml, against the items and work
centers that seed_demo loads (no database: the engine is pure)."""

import json
import random
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
import yaml

from bom.configurator import compile_product
from orders.management.commands.seed_demo import ITEMS, WORK_CENTERS

CATALOG_FILE = Path(__file__).resolve().parents[2] / "bom" / "catalog" / "refrigerator.yaml"

RESOURCES = {
    "items": {
        sku: {"name": name, "uom": uom, "decimals": decimals, "co2e_kg": co2e}
        for sku, name, uom, decimals, co2e, _stock in ITEMS
    },
    "work_centers": {code: {"name": name, "power_kw": kw} for code, name, _stations, kw in WORK_CENTERS},
    "grid_co2e_kg_per_kwh": "0.581",
}


@cache
def fridge():
    definition = yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))
    return compile_product(definition, RESOURCES)


# A flagship french-door refrigerator for China, with almost every feature.
FLAGSHIP = {
    "market": "CN",
    "voltage": "220-240V-50Hz",
    "plug_type": "type-i",
    "layout": "french-door",
    "capacity_l": 510,
    "width_mm": 910,
    "height_mm": 1800,
    "depth": "standard",
    "compressor": "inverter",
    "cooling": "multi-airflow",
    "energy_class": "a3plus",
    "noise_class": "quiet",
    "convertible_zone": True,
    "freezer_drawers": 3,
    "crisper_drawers": 2,
    "interior_light": "led-side",
    "ice_maker": "automatic",
    "water_dispenser": True,
    "water_line_kit": "mains-3m",
    "smart_module": "wifi",
    "display": "touch",
    "panel_material": "stainless",
    "panel_colour": "silver",
    "handle_style": "bar",
    "handle_finish": "brushed-steel",
    "engraving": "王家",
    "warranty_years": 5,
    "install_service": True,
    "haul_away": True,
}

# The entry model: a small static-cooled single-door refrigerator, defaults for the rest.
BASIC = {
    "market": "CN",
    "voltage": "220-240V-50Hz",
    "plug_type": "type-i",
    "layout": "single-door",
    "capacity_l": 150,
    "width_mm": 550,
    "height_mm": 850,
    "depth": "standard",
    "compressor": "standard",
    "cooling": "static",
    "energy_class": "a1plus",
    "smart_module": "none",
    "display": "none",
    "panel_material": "painted-steel",
    "panel_colour": "white",
    "handle_style": "recessed",
}

# A four-door (cross-door) refrigerator for Germany, made to measure and counter-depth.
FOUR_DOOR_EU = {
    "market": "EU",
    "voltage": "220-240V-50Hz",
    "plug_type": "type-ef",
    "layout": "four-door",
    "capacity_l": 480,
    "width_mm": 790,
    "height_mm": 1900,
    "depth": "counter-depth",
    "compressor": "dual-inverter",
    "cooling": "multi-airflow",
    "energy_class": "a3plus",
    "noise_class": "ultra-quiet",
    "freezer_drawers": 2,
    "crisper_drawers": 3,
    "interior_light": "led-full",
    "ice_maker": "craft-ice",
    "water_line_kit": "mains-8m",
    "smart_module": "wifi-camera",
    "display": "touch",
    "child_lock": True,
    "panel_material": "glass",
    "panel_colour": "champagne",
    "handle_style": "bar",
    "handle_finish": "brushed-gold",
}

# A side-by-side refrigerator for the United States.
SIDE_BY_SIDE_US = {
    "market": "US",
    "voltage": "110-120V-60Hz",
    "plug_type": "type-b",
    "layout": "side-by-side",
    "capacity_l": 620,
    "width_mm": 910,
    "height_mm": 1790,
    "depth": "standard",
    "compressor": "inverter",
    "cooling": "no-frost",
    "energy_class": "a2plus",
    "ice_maker": "automatic",
    "water_dispenser": True,
    "water_line_kit": "tank",
    "smart_module": "none",
    "display": "led",
    "panel_material": "stainless",
    "panel_colour": "black",
    "handle_style": "professional",
    "handle_finish": "matte-black",
    "install_service": True,
}


def _bom(result):
    return {(line["item"], line["parent"]): line for line in result["bom"]}


def _after(result):
    return {op["key"]: op["after"] for op in result["routing"]}


# -- the catalog ---------------------------------------------------------------------------------


def test_the_refrigerator_compiles_with_many_options_and_rules():
    # given the catalog file and the demo resources
    # when it is compiled
    product = fridge()
    # then it is a CNY product with at least 25 options and 40 rules, each rule with a message
    assert product.slug == "refrigerator" and product.currency == "CNY"
    assert len(product.options) >= 25
    assert len(product.rules) >= 40
    assert all(rule["message"].endswith(".") for rule in product.rules)
    assert {o["group"] for o in product.options} == {
        "Market",
        "Size and layout",
        "Cooling",
        "Interior",
        "Ice and water",
        "Smart features",
        "Doors and finish",
        "Service",
    }
    assert product.conditions["haul_away"] == "install_service"


def test_every_sku_and_work_center_of_the_catalog_is_seeded():
    # given the catalog file
    definition = yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))
    # when its items and work centers are listed
    skus = {line["item"] for line in definition["bom"] if "item" in line}
    centers = {op["work_center"] for op in definition["routing"]}
    # then seed_demo loads each of them, and every refrigerator item is an RF- part
    assert skus <= set(RESOURCES["items"])
    assert centers <= set(RESOURCES["work_centers"])
    assert all(sku.startswith("RF-") for sku in skus)


# -- valid configurations --------------------------------------------------------------------------


def test_the_flagship_french_door_is_valid_with_price_bom_routing_and_footprint():
    # given a fully specified french-door refrigerator
    # when it is configured
    result = fridge().configure(FLAGSHIP, strict=True)
    # then it is valid and plain JSON
    assert result["valid"] is True, result["errors"]
    assert json.loads(json.dumps(result)) == result
    # 799 base + french door 3200 + 510 l * 5 + inverter 600 + multi-airflow 900 + A+++ 600 + quiet 200
    # + convertible zone 600 + 2 more freezer drawers 160 + 1 more crisper 60 + side LEDs 150
    # + ice maker 900 + dispenser 800 + mains kit 150 + Wi-Fi 300 + touch 600 + stainless 800
    # + engraving 199 + 3 more warranty years 267 + installation 199 + haul-away 99
    assert result["price"] == "14133.00"
    bom = _bom(result)
    # wrapper: (2 * 1800 + 910) * 640 mm = 2.8864 m2, + 6% = 3.0596 -> rounded up
    assert bom["RF-STEEL-PCM", "CABINET"]["quantity"] == "3.06"
    # cabinet foam: 2 * (1800 * 640 + 910 * 640 + 910 * 1800) mm2 * 1.87 kg/m2 = 12.6128 kg, + 5%
    assert bom["RF-FOAM-PU", "CABINET"]["quantity"] == "13.25"
    assert bom["RF-FOAM-PU", "DOORS"]["operation"] == "door_foaming"
    # fronts: 904 * 1770 mm + 3 fronts * 0.04 m2 hems = 1.72008 m2, + 6%
    assert bom["RF-PNL-SS-BRUSHED", "DOORS"]["quantity"] == "1.83"
    # gasket: outline 5420 + split 1820 + french-door split 2340 mm = 9.58 m, + 2%
    assert bom["RF-GASKET", "DOORS"]["quantity"] == "9.8"
    # R600a: 0.030 + 510 * 0.0001 + 0.010 (second evaporator) = 0.091 kg, + 2%
    assert bom["RF-R600A", "COOLING"] == {
        "item": "RF-R600A",
        "name": "Refrigerant R600a (isobutane)",
        "quantity": "0.093",
        "uom": "kg",
        "level": 2,
        "parent": "COOLING",
        "operation": "refrigerant_charging",
    }
    assert bom["RF-HDL-BAR-STEEL", "DOORS"]["quantity"] == "3"  # two doors and the freezer drawer front
    assert bom["RF-HINGE-SET", "DOORS"]["quantity"] == "2"
    assert bom["RF-FREEZER-DRAWER", "CABINET"]["quantity"] == "3"
    assert bom["RF-EVAP-FIN", "COOLING"]["quantity"] == "2"
    for sku in ("RF-COMP-INV", "RF-VIP", "RF-DAMPER", "RF-ICE-AUTO", "RF-WATER-VALVE", "RF-DISPENSER"):
        assert any(item == sku for item, _ in bom), sku
    for sku in ("RF-PCB-MAIN-230", "RF-DISP-TOUCH", "RF-WIFI-MODULE", "RF-CORD-I", "RF-MANUAL-ZH"):
        assert any(item == sku for item, _ in bom), sku
    assert {parent for _, parent in bom} == {"CABINET", "DOORS", "COOLING", "ELECTRONICS", "PACKAGING"}
    operations = {op["key"] for op in result["routing"]}
    assert all(line["operation"] in operations for line in result["bom"])
    assert _after(result) == {
        "sheet_forming": [],
        "cabinet_assembly": ["sheet_forming"],
        "cabinet_foaming": ["cabinet_assembly"],
        "door_forming": [],
        "engrave": ["door_forming"],
        "door_foaming": ["engrave"],
        "cooling_install": ["cabinet_foaming"],
        "water_install": ["cooling_install"],
        "refrigerant_charging": ["water_install"],
        "electronics_install": ["refrigerant_charging"],
        "smart_install": ["electronics_install"],
        "door_hanging": ["door_foaming", "smart_install"],
        "run_in_test": ["door_hanging"],
        "qc": ["run_in_test"],
        "pack": ["qc"],
    }
    routing = {op["key"]: op for op in result["routing"]}
    assert routing["door_forming"]["setup_family"] == "silver"
    assert routing["cooling_install"]["run_minutes"] == "31"  # 18 + multi-airflow 8 + convertible zone 5
    footprint = result["footprint"]
    materials = Decimal(footprint["materials_co2e_kg"])
    energy = Decimal(footprint["energy_kwh"])
    assert abs(Decimal(footprint["co2e_kg"]) - (materials + energy * Decimal("0.581"))) <= Decimal("0.1")
    assert Decimal("300") < materials < Decimal("600")
    assert Decimal("30") < energy < Decimal("120")


def test_the_basic_single_door_skips_the_water_and_smart_stations():
    # given the entry model, leaving door hinges, noise, shelves, lighting and service to defaults
    # when it is configured
    result = fridge().configure(BASIC, strict=True)
    # then it is valid, with the defaults in the normalized spec
    assert result["valid"] is True, result["errors"]
    spec = result["normalized_spec"]
    assert spec["door_hinge"] == "right" and spec["noise_class"] == "standard" and spec["warranty_years"] == "2"
    assert spec["ice_maker"] == "none" and spec["water_dispenser"] is False and spec["install_service"] is False
    assert "haul_away" not in spec and "water_line_kit" not in spec and "freezer_drawers" not in spec
    # 799 base + 150 l * 5 + A+ 100 + a second crisper drawer (the default) 60; 550 mm is a standard width
    assert result["price"] == "1709.00"
    skus = {line["item"] for line in result["bom"]}
    assert {"RF-COMP-STD", "RF-EVAP-ROLLBOND", "RF-THERMOSTAT", "RF-HDL-RECESSED", "RF-PNL-PAINT-WHITE"} <= skus
    assert not skus & {"RF-PCB-MAIN-230", "RF-EVAP-FIN", "RF-FAN-EVAP", "RF-WIFI-MODULE", "RF-DISP-LED"}
    after = _after(result)
    assert "water_install" not in after and "smart_install" not in after and "engrave" not in after
    assert after["refrigerant_charging"] == ["cooling_install"]
    assert after["door_hanging"] == ["door_foaming", "electronics_install"]
    assert after["door_foaming"] == ["door_forming"]


def test_a_made_to_measure_width_costs_more():
    # given the basic model at a standard and at a made-to-measure width
    standard = fridge().configure(BASIC)["price"]
    custom = fridge().configure({**BASIC, "width_mm": 560})["price"]
    # then the made-to-measure width adds its surcharge
    assert Decimal(custom) - Decimal(standard) == 480


def test_the_us_side_by_side_is_built_for_110_volts_with_a_type_b_plug():
    # given a side-by-side refrigerator for the United States with a dispenser fed from the tank
    # when it is configured
    result = fridge().configure(SIDE_BY_SIDE_US, strict=True)
    # then it has the 115 V main board, the type B cord, the English manual and the tank, no valve
    assert result["valid"] is True, result["errors"]
    skus = {line["item"] for line in result["bom"]}
    assert {"RF-PCB-MAIN-115", "RF-CORD-B", "RF-MANUAL-EN", "RF-WATER-TANK", "RF-HDL-PRO-BLACK"} <= skus
    assert not skus & {"RF-PCB-MAIN-230", "RF-CORD-I", "RF-WATER-VALVE", "RF-WATER-HOSE", "RF-PNL-SS-BRUSHED"}
    assert "RF-PNL-SS-BLACK" in skus
    bom = _bom(result)
    assert bom["RF-SHELF-GLASS", "CABINET"]["quantity"] == "6"  # three per side
    assert bom["RF-HINGE-SET", "DOORS"]["quantity"] == "2"


def test_the_four_door_for_the_eu_takes_craft_ice_and_the_camera():
    # given a counter-depth four-door refrigerator with craft ice for the European Union
    # when it is configured
    result = fridge().configure(FOUR_DOOR_EU, strict=True)
    # then it is valid, with four hinged doors, the dual-inverter compressor and the EU manual
    assert result["valid"] is True, result["errors"]
    bom = _bom(result)
    assert bom["RF-HINGE-SET", "DOORS"]["quantity"] == "4"
    assert bom["RF-HDL-BAR-GOLD", "DOORS"]["quantity"] == "4"
    assert bom["RF-WATER-HOSE", "COOLING"]["quantity"] == "10.0"  # 2 m inside + the 8 m hose
    skus = {line["item"] for line in result["bom"]}
    assert {"RF-COMP-DUAL-INV", "RF-ICE-CRAFT", "RF-CAMERA-MODULE", "RF-CORD-EF", "RF-MANUAL-EU"} <= skus
    # fronts: 784 * 1870 mm + 4 fronts * 0.04 m2 = 1.62608 m2 of glass (+ 3%), laminated on a
    # galvanised steel door skin of the same area (+ 5%)
    assert bom["RF-PNL-GLASS-CHAMPAGNE", "DOORS"]["quantity"] == "1.68"
    assert bom["RF-STEEL-GALV", "DOORS"]["quantity"] == "1.71"
    routing = {op["key"]: op for op in result["routing"]}
    assert routing["run_in_test"]["run_minutes"] == "60"  # dual inverter: a longer run-in
    assert routing["smart_install"]["run_minutes"] == "10"
    assert "engrave" not in routing


@pytest.mark.parametrize(
    ("market", "voltage", "plug", "cord", "manual", "board"),
    [
        ("CN", "220-240V-50Hz", "type-i", "RF-CORD-I", "RF-MANUAL-ZH", "RF-PCB-MAIN-230"),
        ("EU", "220-240V-50Hz", "type-ef", "RF-CORD-EF", "RF-MANUAL-EU", "RF-PCB-MAIN-230"),
        ("UK", "220-240V-50Hz", "type-g", "RF-CORD-G", "RF-MANUAL-EN", "RF-PCB-MAIN-230"),
        ("US", "110-120V-60Hz", "type-b", "RF-CORD-B", "RF-MANUAL-EN", "RF-PCB-MAIN-115"),
        ("JP", "100V-50-60Hz", "type-a", "RF-CORD-A", "RF-MANUAL-JA", "RF-PCB-MAIN-115"),
        ("AU", "220-240V-50Hz", "type-i", "RF-CORD-I", "RF-MANUAL-EN", "RF-PCB-MAIN-230"),
        ("KR", "220V-60Hz", "type-ef", "RF-CORD-EF", "RF-MANUAL-KO", "RF-PCB-MAIN-230"),
    ],
)
def test_each_market_gets_its_voltage_plug_and_manual(market, voltage, plug, cord, manual, board):
    # given a market, only its voltage and plug are offered
    domains = fridge().configure({"market": market})["domains"]
    assert domains["voltage"]["choices"] == [voltage]
    assert domains["plug_type"]["choices"] == [plug]
    # when the flagship is built for that market (without installation, which not every market has)
    spec = {**FLAGSHIP, "market": market, "voltage": voltage, "plug_type": plug, "install_service": False}
    del spec["haul_away"]
    result = fridge().configure(spec, strict=True)
    # then it carries that market's cord, manual and main board
    assert result["valid"] is True, result["errors"]
    skus = {line["item"] for line in result["bom"]}
    assert {cord, manual, board} <= skus
    assert len({s for s in skus if s.startswith("RF-CORD-")}) == 1
    assert len({s for s in skus if s.startswith("RF-MANUAL-")}) == 1


# -- rules: excluded values and why ------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "key", "value", "reason"),
    [
        (
            {"capacity_l": 400},
            "layout",
            "french-door",
            "French-door layouts start at 450 litres. (you chose Capacity (litres): 400)",
        ),
        (
            {"width_mm": 800},
            "layout",
            "side-by-side",
            "French-door and side-by-side refrigerators need a width of at least 830 mm. (you chose Width: 800 mm)",
        ),
        (
            {"layout": "four-door"},
            "compressor",
            "inverter",
            "Four-door refrigerators use a dual-inverter compressor. (you chose Door layout: Four-door (cross door))",
        ),
        (
            {"layout": "single-door"},
            "ice_maker",
            "automatic",
            "An ice maker needs a freezer below or beside the fridge: please choose a bottom-freezer, "
            "french-door, side-by-side or four-door layout. (you chose Door layout: Single door)",
        ),
        (
            {"layout": "single-door"},
            "water_dispenser",
            "true",
            "The in-door water dispenser is available on french-door and side-by-side refrigerators. "
            "(you chose Door layout: Single door)",
        ),
        (
            {"smart_module": "none"},
            "ice_maker",
            "craft-ice",
            "Craft ice needs a smart module, which schedules the slow freezing. "
            "(you chose Smart module: No smart module)",
        ),
        (
            {"smart_module": "none"},
            "display",
            "touch",
            "The touch display needs a smart module. (you chose Smart module: No smart module)",
        ),
        (
            {"market": "US"},
            "voltage",
            "220-240V-50Hz",
            "Refrigerators for the United States run on 110–120 V, 60 Hz. (you chose Market: United States)",
        ),
        (
            {"market": "UK"},
            "plug_type",
            "type-i",
            "Refrigerators for the United Kingdom come with a type G plug. (you chose Market: United Kingdom)",
        ),
        (
            {"market": "EU"},
            "energy_class",
            "b",
            "Refrigerators sold in the EU and the UK must be rated A+ or better. (you chose Market: European Union)",
        ),
        (
            {"energy_class": "a3plus"},
            "compressor",
            "standard",
            "Energy class A+++ needs an inverter or dual-inverter compressor. (you chose Energy class: A+++)",
        ),
        (
            {"panel_material": "glass"},
            "panel_colour",
            "silver",
            "Glass panels come in white, black, champagne gold and sage green. (you chose Door panels: Tempered glass)",
        ),
        (
            {"panel_material": "glass"},
            "handle_style",
            "recessed",
            "Glass doors cannot have recessed grips; please choose a bar or professional handle. "
            "(you chose Door panels: Tempered glass)",
        ),
        (
            {"panel_material": "stainless", "handle_style": "bar"},
            "handle_finish",
            "colour-matched",
            "Stainless steel doors take brushed steel, matte black or brushed gold handles. "
            "(you chose Door panels: Stainless steel)",
        ),
        (
            {"engraving": "Li"},
            "panel_material",
            "glass",
            "Engraving is laser-etched on steel doors; glass and wood-look panels cannot be engraved. "
            "(you chose Engraving: 'Li')",
        ),
        (
            {"cooling": "static"},
            "smart_module",
            "wifi",
            "A smart module needs electronic control, which static-cooled refrigerators do not have. "
            "(you chose Cooling system: Static (direct cooling))",
        ),
        (
            {"install_service": True},
            "market",
            "JP",
            "Delivery and installation are offered in China, the European Union, the United Kingdom and the "
            "United States. (you chose Delivery and installation: yes)",
        ),
        (
            {"water_dispenser": True},
            "display",
            "none",
            "The water dispenser is operated from the door display; please choose an LED or touch display. "
            "(you chose In-door water dispenser: yes)",
        ),
    ],
)
def test_a_rule_excludes_a_value_naming_the_customers_choice(spec, key, value, reason):
    # given a partial spec
    # when it is configured
    result = fridge().configure(spec)
    # then the value is not offered, and the reason names the rule and what the customer chose
    domain = result["domains"][key]
    assert domain["excluded"][value] == reason
    assert value not in domain["choices"]
    assert result["errors"] == {}


def test_a_value_ruled_out_by_several_rules_names_the_customers_choices():
    # given a single-door refrigerator (up to 300 litres) and dual-inverter compressors (from 400 litres)
    result = fridge().configure({"layout": "single-door"})
    # then the dual inverter is excluded by the layout, though no single rule says so
    assert result["domains"]["compressor"]["excluded"] == {
        "dual-inverter": "Not possible together with Door layout: Single door."
    }


@pytest.mark.parametrize(
    ("spec", "key", "ranges"),
    [
        ({"layout": "single-door"}, "capacity_l", [["100", "300"]]),
        ({"layout": "single-door"}, "width_mm", [["500", "750"]]),
        ({"layout": "four-door"}, "capacity_l", [["400", "700"]]),
        ({"layout": "four-door"}, "height_mm", [["1700", "2000"]]),
        ({"layout": "four-door"}, "freezer_drawers", [["2", "4"]]),
        # 1300 mm leaves 300 mm below the fridge section: room for one 220 mm freezer drawer
        ({"layout": "bottom-freezer", "height_mm": 1300}, "freezer_drawers", [["1", "1"]]),
        # and (1300 - 500) * 0.5 = 400 litres at most
        ({"layout": "bottom-freezer", "height_mm": 1300}, "capacity_l", [["250", "400"]]),
        ({"depth": "counter-depth"}, "capacity_l", [["250", "600"]]),
        ({"width_mm": 600}, "capacity_l", [["100", "420"]]),
    ],
)
def test_number_ranges_follow_the_layout_and_size(spec, key, ranges):
    # given a partial spec
    # when it is configured
    domain = fridge().configure(spec)["domains"][key]
    # then the number's range is exactly what some valid refrigerator can have
    assert domain["ranges"] == ranges


def test_conflicting_choices_are_errors_on_each_of_them():
    # given a french-door layout of 300 litres
    result = fridge().configure({"layout": "french-door", "capacity_l": 300})
    # then both choices carry the rule's message and there is no price
    message = "French-door layouts start at 450 litres."
    assert result["errors"] == {"layout": [message], "capacity_l": [message]}
    assert result["valid"] is False and result["price"] is None and result["bom"] is None


# -- applicability ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layout", "hinge", "drawers"),
    [
        ("single-door", True, False),
        ("top-freezer", True, False),
        ("bottom-freezer", True, True),
        ("french-door", False, True),
        ("side-by-side", False, False),
        ("four-door", False, True),
    ],
)
def test_door_hinges_and_freezer_drawers_apply_by_layout(layout, hinge, drawers):
    # given a layout
    applicable = fridge().configure({"layout": layout})["applicable"]
    # then door hinges apply to single-door-type layouts, freezer drawers and the convertible zone to
    # layouts with a freezer below
    assert ("door_hinge" in applicable) is hinge
    assert ("freezer_drawers" in applicable) is drawers
    assert ("convertible_zone" in applicable) is drawers


def test_haul_away_applies_only_with_installation():
    # given no choice yet, installation off by default
    product = fridge()
    assert "haul_away" not in product.configure({})["applicable"]
    # when installation is chosen, haul-away applies and defaults to no
    result = product.configure({"install_service": True})
    assert "haul_away" in result["applicable"] and result["normalized_spec"]["haul_away"] is False
    # then haul-away without installation is refused
    result = product.configure({**FLAGSHIP, "install_service": False})
    assert result["errors"] == {"haul_away": ["Does not apply: you chose Delivery and installation: no."]}
    assert result["valid"] is False


def test_the_water_supply_applies_only_with_an_ice_maker_or_a_dispenser():
    product = fridge()
    # given no ice maker and no dispenser (the defaults), the water supply does not apply
    assert "water_line_kit" not in product.configure({})["applicable"]
    # when either is chosen, it applies
    assert "water_line_kit" in product.configure({"ice_maker": "automatic"})["applicable"]
    assert "water_line_kit" in product.configure({"water_dispenser": True})["applicable"]
    # then a water supply without them is refused
    spec = {**FLAGSHIP, "ice_maker": "none", "water_dispenser": False}
    result = product.configure(spec)
    assert result["errors"] == {
        "water_line_kit": ["Does not apply: you chose Ice maker: No ice maker, In-door water dispenser: no."]
    }


def test_a_recessed_grip_has_no_handle_finish():
    # given recessed grips
    result = fridge().configure({"handle_style": "recessed"})
    # then the handle finish does not apply, and the BOM has grip profiles instead of handles
    assert "handle_finish" not in result["applicable"]
    spec = {**FLAGSHIP, "handle_style": "recessed"}
    del spec["handle_finish"]
    result = fridge().configure(spec, strict=True)
    assert result["valid"] is True, result["errors"]
    skus = {line["item"] for line in result["bom"]}
    assert "RF-HDL-RECESSED" in skus and not any(s.startswith("RF-HDL-BAR") for s in skus)


# -- the whole product ---------------------------------------------------------------------------


def test_a_configuration_found_by_the_engine_is_valid():
    # given the valid configuration the engine finds on its own
    spec = fridge().find_valid_configuration()
    assert spec is not None
    # when it is configured strictly (as for an order)
    result = fridge().configure(spec, strict=True)
    # then it is complete and valid with a price and a BOM
    assert result["complete"] is True and result["valid"] is True, result["errors"]
    assert Decimal(result["price"]) > Decimal("799") and result["bom"]


@pytest.mark.parametrize("seed", range(8))
def test_any_offered_value_keeps_a_valid_refrigerator_within_reach(seed):
    # given a customer who answers the options in a random order, always with an offered value
    product = fridge()
    rng = random.Random(seed)
    order = [o["key"] for o in product.options if o["type"] != "text"]
    rng.shuffle(order)
    spec: dict[str, object] = {}
    for _ in range(len(order)):
        result = product.configure(spec)
        # then no answer is ever refused (the domains are backtrack-free)
        assert all(errors == ["This option is required."] for errors in result["errors"].values()), result["errors"]
        open_keys = [k for k in order if k in result["applicable"] and k not in spec]
        if not open_keys:
            break
        domain = result["domains"][open_keys[0]]
        if "choices" in domain:
            spec[open_keys[0]] = rng.choice(domain["choices"])
        else:
            low, high = (Decimal(v) for v in rng.choice(domain["ranges"]))
            steps = int((high - low) / Decimal(domain["step"]))
            spec[open_keys[0]] = str(low + rng.randint(0, steps) * Decimal(domain["step"]))
    # and the finished refrigerator is valid
    result = product.configure(spec, strict=True)
    assert result["valid"] is True, (spec, result["errors"])
    assert Decimal("1000") < Decimal(result["price"]) < Decimal("25000")
