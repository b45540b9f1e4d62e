"""A catalog that cannot be published is refused with what is wrong, where, all at once; the refusal
says its root cause first and stays readable however big the product."""

import copy

import pytest
import yaml

from bom.configurator import CatalogError, compile_product
from bom.configurator.model import PROBLEMS_SHOWN, Problem
from bom.configurator.schema import MAX_OPTIONS
from bom.configurator.synthetic import synthetic_product
from bom.expressions import KNOWN_NAMES_SHOWN, ExpressionError, NameInfo, parse
from tests.bom.shirt import SHIRT, catalog_problems


def test_a_product_past_the_option_limit_is_refused_for_that_alone_in_a_short_message():
    # given a product of 250 options whose rules read options past the 200th
    definition, resources = synthetic_product(seed=7, choice_options=MAX_OPTIONS + 50, values_per_option=3, rules=300)
    # when it is compiled
    with pytest.raises(CatalogError) as caught:
        compile_product(definition, resources)
    # then the limit is the one problem: no "unknown name" for each rule past it
    assert [str(p) for p in caught.value.problems] == [f"options: at most {MAX_OPTIONS} options; this product has 250"]
    assert len(str(caught.value)) < 200


def test_a_refusal_shows_a_bounded_number_of_problems_and_counts_the_rest():
    problems = [Problem(f"rules[{i}].expr", "unknown name 'x'") for i in range(PROBLEMS_SHOWN + 30)]
    message = str(CatalogError(problems))
    assert message.count("\n- ") == PROBLEMS_SHOWN + 1
    assert message.endswith("- ... and 30 more problems")


def test_an_unknown_name_lists_a_bounded_number_of_the_known_ones():
    names = {f"option_{i:03d}": NameInfo("number") for i in range(KNOWN_NAMES_SHOWN + 10)}
    with pytest.raises(ExpressionError) as caught:
        parse("opton_001 > 1", names=names)
    assert "did you mean 'option_001'?" in str(caught.value)
    assert str(caught.value).endswith("and 10 more)")


def test_rules_that_contradict_each_other_are_refused():
    rules = SHIRT["rules"] + [
        {"key": "never_spread", "expr": "collar != 'spread'", "message": "No."},
        {"key": "never_button", "expr": "collar != 'button'", "message": "No."},
    ]
    problems = catalog_problems({**SHIRT, "rules": rules})
    # a minimal set: the two collars refused, not the shirt's own rules beside them
    assert problems == {
        ("rules", "no valid configuration: the rules contradict each other (never_spread, never_button)")
    }


def test_a_routing_cycle_is_refused():
    routing = copy.deepcopy(SHIRT["routing"])
    routing[0]["after"] = ["press"]
    problems = catalog_problems({**SHIRT, "routing": routing})
    assert problems == {
        ("routing[0].after", "operations follow each other in a cycle: cut -> sew -> embroider -> press -> cut")
    }


def test_a_bom_cycle_is_refused():
    bom = copy.deepcopy(SHIRT["bom"])
    bom[0]["parent"] = "POCKET"
    problems = catalog_problems({**SHIRT, "bom": bom})
    assert problems == {("bom[0].parent", "sub-assemblies contain each other in a cycle: SHIRT -> POCKET -> SHIRT")}


def test_unknown_items_work_centers_and_names_are_refused_all_at_once():
    definition = copy.deepcopy(SHIRT)
    definition["bom"][1]["item"] = "CLOTHE"
    definition["routing"][1]["work_center"] = "SEWING"
    definition["rules"][0]["expr"] = "colur != 'green' or collar == 'spread'"
    definition["options"][4]["choices"][1]["value"] = "left"
    definition["options"][2]["min"] = "60"
    definition["bom"][2]["operation"] = "sewing"
    definition["routing"][2]["after"] = ["sew", "cutting"]
    assert catalog_problems(definition) == {
        ("bom[1].item", "unknown item 'CLOTHE'; did you mean 'CLOTH'?"),
        ("routing[1].work_center", "unknown work center 'SEWING'; did you mean 'SEW'?"),
        (
            "rules[0].expr",
            "column 1: unknown name 'colur'; did you mean 'colour'? "
            "(known: collar, colour, initials, pocket_side, size_cm, with_pocket)",
        ),
        ("options[4].choices[1].value", "duplicate value 'left'"),
        ("options[2].min", "the minimum 60 is more than the maximum 50"),
        ("bom[2].operation", "unknown operation 'sewing'; did you mean 'sew'?"),
        ("routing[2].after", "unknown operation 'cutting'; did you mean 'cut'?"),
    }


def test_schema_problems_name_their_path():
    definition = copy.deepcopy(SHIRT)
    definition["options"][0]["colour_name"] = "x"
    del definition["options"][1]["label"]
    definition["options"][2]["step"] = "0"
    definition["options"][5]["allowed"] = "A-Z["
    definition["rules"][1]["key"] = "green_spread"
    definition["prices"][1]["amount"] = "size_cm > 45"
    problems = catalog_problems(definition)
    assert problems == {
        ("options[0].colour_name", "unknown field"),
        ("options[1].label", "this field is required"),
        ("options[2].step", "must be more than 0"),
        ("options[5].allowed", "escape [ and ] inside the character class (\\[ \\])"),
        ("rules[1].key", "duplicate key 'green_spread'"),
        ("prices[1].amount", "must be a number, but it gives true/false"),
    }


def test_a_text_cut_at_a_comma_of_a_flow_mapping_is_refused():
    # given a help text written unquoted in a YAML flow mapping: its comma ends the value, and the
    # rest becomes a key without a value
    entry = yaml.safe_load("{key: chest_cm, label: Chest, type: number, min: '80', max: '150', "
                           "help: Around the fullest part of the chest, under the arms.}")  # fmt: skip
    assert entry["help"] == "Around the fullest part of the chest"
    definition = copy.deepcopy(SHIRT)
    definition["options"][2] = {**entry, "key": "size_cm"}
    # when it is compiled, then the stray key is refused, saying how to mend it
    assert catalog_problems(definition) == {
        (
            "options[2].under the arms.",
            "unknown field without a value; if it is the end of a text cut at a comma, quote the text",
        )
    }


def test_decimals_beyond_what_a_version_stores_are_refused():
    # given a step finer than the grid's 4 decimals (its grid would overflow), and prices too large or fine
    definition = copy.deepcopy(SHIRT)
    definition["options"][2]["step"] = "1e-999999999"
    definition["options"][0]["choices"][2]["price_delta"] = "1e30"
    definition["base_price"] = "0.001"
    # then each is a problem at its path, never an overflow
    assert catalog_problems(definition) == {
        ("options[2].step", "1e-999999999 has more than 4 decimal places"),
        ("options[0].choices[2].price_delta", "1e30 is too large (it must stay below 10000000000)"),
        ("base_price", "0.001 has more than 2 decimal places"),
    }


def test_a_formula_that_fails_on_a_valid_configuration_is_refused():
    bom = copy.deepcopy(SHIRT["bom"])
    bom[1]["quantity"] = "1 / (size_cm - 50) + 1"
    problems = catalog_problems({**SHIRT, "bom": bom})
    assert problems == {("bom[1].quantity", "column 1: division by zero (for example with size_cm=50)")}


# -- the promise, against brute force ------------------------------------------------------------------
