"""Publish-time analysis: what an author should look at before publishing a product."""

import copy
import sys
from pathlib import Path

import pytest

from bom.configurator import CatalogError, compile_product
from bom.configurator.analysis import Finding, analyse, analyse_definition
from tests.support.synthetic import synthetic_product

sys.path.insert(0, str(Path(__file__).parent))
from test_demo_catalog import product as demo_product  # noqa: E402

RESOURCES = {
    "items": {
        "BOARD": {"name": "Board", "uom": "m2", "decimals": 2, "co2e_kg": "1"},
        "SCREW": {"name": "Screw", "uom": "pcs", "decimals": 0, "co2e_kg": "0.01"},
    },
    "work_centers": {"SAW": {"name": "Saw", "power_kw": "3"}},
    "grid_co2e_kg_per_kwh": "0.5",
}

SHELF = {
    "slug": "shelf",
    "name": "Shelf",
    "currency": "CNY",
    "base_price": "100",
    "options": [
        {"key": "width_mm", "label": "Width", "type": "number", "unit": "mm", "min": "300", "max": "900"},
        {
            "key": "material",
            "label": "Material",
            "type": "choice",
            "choices": [
                {"value": "pine", "label": "Pine"},
                {"value": "oak", "label": "Oak"},
                {"value": "glass", "label": "Glass"},
            ],
        },
        {
            "key": "brackets",
            "label": "Brackets",
            "type": "choice",
            "choices": [{"value": "steel", "label": "Steel"}, {"value": "brass", "label": "Brass"}],
        },
        {"key": "lip", "label": "Front lip", "type": "boolean", "default": False, "when": "material == 'glass'"},
    ],
    "rules": [
        {"key": "no_glass", "expr": "material != 'glass'", "message": "Glass is sold out."},
        {"key": "oak_steel", "expr": "material != 'oak' or brackets == 'steel'", "message": "Oak on steel."},
        {"key": "redundant", "expr": "material != 'glass' or width_mm <= 600", "message": "Short glass only."},
        {"key": "wide", "expr": "width_mm <= 800", "message": "At most 800 mm."},
    ],
    "prices": [{"key": "discount", "label": "Discount", "amount": "50 - width_mm / 10"}],
    "bom": [
        {"key": "board", "item": "BOARD", "quantity": "width_mm * 0.25 / 1000"},
        {"key": "screws", "item": "SCREW", "quantity": "12 - width_mm / 50"},
    ],
    "routing": [{"key": "cut", "name": "Cut", "work_center": "SAW", "run_minutes": "width_mm / 100"}],
}


def findings_of(definition, resources=RESOURCES):
    return {(f.severity, f.path): f.message for f in analyse(compile_product(definition, resources))}


def test_findings_name_what_can_never_happen_and_what_never_bites():
    # given a shelf where glass is sold out, so its lip never applies and a glass rule never bites
    found = findings_of(SHELF)
    # then analysis names each of them, with the path in the definition
    assert "material 'glass' can never be chosen" in found["warning", "options[1].choices[2]"]
    assert "'lip' never applies" in found["warning", "options[3]"]
    assert "'redundant' never rules anything out" in found["warning", "rules[2].expr"]
    # and a number only partly reachable
    assert found["warning", "options[0]"] == "'width_mm': only 300..800 mm can be chosen in a valid configuration"
    # and nothing about the rules that do bite
    assert ("warning", "rules[1].expr") not in found and ("warning", "rules[3].expr") not in found


def test_formulas_that_go_negative_inside_the_domains_are_found():
    # given 12 - width / 50 screws: negative from 601 mm; a discount that turns into a surcharge
    found = findings_of(SHELF)
    message = found["error", "bom[1].quantity"]
    assert message.startswith("can be negative (down to -4) (for example with width_mm=800)")
    assert "checked on" in message and "each number at its extremes" in message
    assert found["warning", "prices[0].amount"].startswith("can be negative (down to -30)")
    # and the formulas that stay positive are not named
    assert ("error", "bom[0].quantity") not in found and ("error", "routing[0].run_minutes") not in found


def test_a_division_by_zero_inside_the_domains_is_found():
    definition = copy.deepcopy(SHELF)
    definition["routing"][0]["run_minutes"] = "10 / (width_mm - 300) + 5"
    definition["bom"][1]["quantity"] = "2"
    definition["prices"] = []
    # (compile refuses it too: a definition whose only problems are formulas is analysed whole)
    found = {(f.severity, f.path): f.message for f in analyse_definition(definition, RESOURCES)}
    assert "division by zero" in found["error", "routing[0].run_minutes"]


def test_rules_that_are_not_linear_are_listed():
    definition = copy.deepcopy(SHELF)
    definition["options"].append(
        {"key": "depth_mm", "label": "Depth", "type": "number", "unit": "mm", "min": "100", "max": "400"}
    )
    definition["rules"].append({"key": "area", "expr": "width_mm * depth_mm <= 240000", "message": "Too big."})
    found = findings_of(definition)
    assert "not linear in the numbers" in found["warning", "rules[4].expr"]


def test_an_unsatisfiable_definition_is_an_error():
    definition = copy.deepcopy(SHELF)
    definition["rules"].append({"key": "never", "expr": "width_mm > 900", "message": "Never."})
    found = analyse_definition(definition, RESOURCES)
    assert found == [
        Finding(
            "error",
            "rules",
            "no valid configuration: the rules contradict each other (never)",  # alone: width_mm is at most 900
        )
    ]


def test_errors_come_first():
    severities = [f.severity for f in analyse(compile_product(SHELF, RESOURCES))]
    assert severities == sorted(severities)  # "error" < "warning"


def test_the_demo_products_have_no_findings():
    for slug in ("mtm-suit", "custom-cabinet"):
        assert analyse(demo_product(slug)) == []


def test_a_refrigerator_sized_product_is_analysed():
    # about 30 options, 45 rules, numbers, a BOM and a routing (bench/bench_configurator.py times it)
    definition, resources = synthetic_product(
        seed=4, choice_options=26, values_per_option=7, rules=45, number_options=4, bom_lines=60, operations=12
    )
    found = analyse(compile_product(definition, resources))
    assert all(f.severity in ("error", "warning") and f.path and f.message for f in found)
    assert not [f for f in found if f.severity == "error"]  # the generator writes sound formulas


# -- the price, and formulas beyond the fields ---------------------------------------------------


def test_a_price_that_can_go_below_zero_is_an_error_naming_what_lowers_it():
    # given a shelf of base price 10, whose discount (50 - width / 10) goes down to -40 over the
    # width's grid, and brass brackets 5 cheaper
    definition = copy.deepcopy(SHELF)
    definition["base_price"] = "10"
    definition["options"][2]["choices"][1]["price_delta"] = "-5"
    # when it is analysed for publishing
    found = {(f.severity, f.path): f.message for f in analyse_definition(definition, RESOURCES)}
    # then the price is refused at the adder that lowers it most, naming every one that does
    assert found["error", "prices[0].amount"].startswith(
        "the price can go below zero: base price 10, with 'discount' (down to -40), brackets 'brass' (-5), "
        "can be as low as -35"
    )
    # and with the base price of 100 it is proven to stay positive
    assert not [f for f in analyse_definition(SHELF, RESOURCES) if "price" in f.message]


def test_an_adder_that_applies_only_sometimes_counts_as_zero_at_best():
    # given a surcharge that applies to oak only (so it may add nothing), and a discount that always applies
    definition = copy.deepcopy(SHELF)
    definition["base_price"] = "39"
    definition["prices"].append({"key": "oak", "label": "Oak", "when": "material == 'oak'", "amount": "20"})
    # then the bound is 39 - 40 + 0: refused, and the oak surcharge is not a reason
    found = {(f.severity, f.path): f.message for f in analyse_definition(definition, RESOURCES)}
    message = found["error", "prices[0].amount"]
    assert "can be as low as -1" in message and "'oak'" not in message


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("width_mm * 1e30", "column 12: the number 1e30 is too large (at most 999999999999)"),
        ("width_mm + 1e-999999999", "column 12: the number 1e-999999999 has too many decimal places (at most 12)"),
    ],
)
def test_a_number_literal_beyond_the_bounds_is_a_located_error(amount, message):
    definition = copy.deepcopy(SHELF)
    definition["prices"][0]["amount"] = amount
    assert Finding("error", "prices[0].amount", message) in analyse_definition(definition, RESOURCES)


def test_a_formula_that_outgrows_the_fields_is_a_located_error_not_a_crash():
    # given a price adder of width^10 (up to 3.5e29) and screws of width^4 (up to 6.6e11)
    definition = copy.deepcopy(SHELF)
    definition["prices"][0]["amount"] = " * ".join(["width_mm"] * 10)
    definition["bom"][1]["quantity"] = " * ".join(["width_mm"] * 4)
    # when it is analysed, then each formula is an error at its path
    found = {(f.severity, f.path): f.message for f in analyse_definition(definition, RESOURCES)}
    price_message = found["error", "prices[0].amount"]
    assert "e+2" in price_message and "too large (it must stay below 9999999999.99) (for example" in price_message
    assert "too large (it must stay below 1000000000) (for example" in found["error", "bom[1].quantity"]
    # and compiling refuses it with its problems (it used to raise decimal.InvalidOperation)
    with pytest.raises(CatalogError) as refused:
        compile_product(definition, RESOURCES)
    assert {p.path for p in refused.value.problems} == {"bom[1].quantity"}  # the first that fails


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        (
            "-1000 if width_mm == 601 else 0",
            "This configuration cannot be built (price: the price is negative (-900.00)).",
        ),
        (
            "9999999999 if width_mm == 601 else 0",
            "This configuration cannot be built (price: gives 10000000099, too large "
            "(it must stay below 10000000000)).",
        ),
    ],
)
def test_configure_never_answers_a_negative_or_oversized_price_as_valid(amount, error):
    # given a product whose price misbehaves on one configuration the publish samples do not try
    definition = copy.deepcopy(SHELF)
    definition["prices"][0]["amount"] = amount
    definition["bom"][1]["quantity"] = "2"
    product = compile_product(definition, RESOURCES)
    # when that configuration is configured
    result = product.configure({"width_mm": 601, "material": "pine", "brackets": "steel"})
    # then it is not valid, and says why; no price is given
    assert result["valid"] is False and result["price"] is None
    assert result["errors"] == {"non_field_errors": [error]}
