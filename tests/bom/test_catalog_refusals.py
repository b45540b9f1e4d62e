"""A catalog that cannot be published is refused with what is wrong, where, all at once; the refusal
says its root cause first and stays readable however big the product."""

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from bom.configurator import CatalogError, compile_product
from bom.configurator.limits import Limits
from bom.configurator.model import PROBLEMS_SHOWN, Problem
from bom.configurator.schema import read_definition
from bom.expressions import KNOWN_NAMES_SHOWN, ExpressionError, NameInfo, parse
from bom.models import Product, ProductVersion
from bom.selectors import catalog_limits, engine_for
from bom.services import PublishRefused, catalog_load_file, version_create_from_definition, version_publish
from tests.bom.shirt import RESOURCES, SHIRT, catalog_problems
from tests.support.feature_models import feature_model_product
from tests.support.synthetic import synthetic_product


def _catalog_file(tmp_path: Path, definition: dict[str, Any]) -> Path:
    path = tmp_path / f"{definition['slug']}.yaml"
    path.write_text(yaml.safe_dump(definition, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_product_past_the_option_limit_is_refused_for_that_alone_and_nothing_is_stored(tmp_path, settings):
    # given an option limit of 30, and a product of 31 options whose rules read the last ones
    settings.CONFIGURATOR_MAX_OPTIONS = 30
    definition, _ = synthetic_product(seed=7, choice_options=31, values_per_option=3, rules=60)
    products, versions = Product.objects.count(), ProductVersion.objects.count()
    # when its catalog file is loaded
    with pytest.raises(PublishRefused) as refused:
        catalog_load_file(path=_catalog_file(tmp_path, definition))
    # then the limit is the one problem, naming the setting: no "unknown name" for each rule past it
    assert refused.value.problems == [
        "synthetic-7.yaml, line 7: options: at most 30 options (CONFIGURATOR_MAX_OPTIONS); this product has 31"
    ]
    # and nothing is stored: no product, no draft
    assert (Product.objects.count(), ProductVersion.objects.count()) == (products, versions)


@pytest.mark.django_db
def test_a_product_at_the_limits_publishes(tmp_path, settings):
    # given limits of 30 options and 60 rules, and a product of exactly that size
    settings.CONFIGURATOR_MAX_OPTIONS, settings.CONFIGURATOR_MAX_RULES = 30, 60
    definition, _ = synthetic_product(seed=7, choice_options=30, values_per_option=3, rules=60)
    # when its catalog file is loaded, then it is published
    version, created = catalog_load_file(path=_catalog_file(tmp_path, definition))
    assert created and version.status == ProductVersion.Status.PUBLISHED


@pytest.mark.django_db
def test_a_draft_past_a_lowered_rule_limit_is_not_published(tmp_path, settings):
    # given a draft of 60 rules, then the rule limit lowered to 59
    definition, _ = synthetic_product(seed=7, choice_options=30, values_per_option=3, rules=60)
    draft = version_create_from_definition(definition=definition)
    settings.CONFIGURATOR_MAX_RULES = 59
    # when it is published
    with pytest.raises(PublishRefused) as refused:
        version_publish(version=draft)
    # then the limit is the one problem, and the draft stays a draft
    assert refused.value.problems == ["rules: at most 59 rules (CONFIGURATOR_MAX_RULES); this product has 60"]
    draft.refresh_from_db()
    assert draft.status == ProductVersion.Status.DRAFT
    assert not ProductVersion.objects.filter(product=draft.product, status=ProductVersion.Status.PUBLISHED).exists()


@pytest.mark.django_db
def test_a_draft_past_a_lowered_option_limit_is_not_previewed(settings):
    # given a draft of 30 options, then the option limit lowered to 29
    definition, _ = synthetic_product(seed=7, choice_options=30, values_per_option=3, rules=60)
    draft = version_create_from_definition(definition=definition)
    settings.CONFIGURATOR_MAX_OPTIONS = 29
    # when admin's preview compiles it, then it is refused for its size alone, before compiling
    with pytest.raises(CatalogError) as caught:
        engine_for(draft)
    assert [str(p) for p in caught.value.problems] == [
        "options: at most 29 options (CONFIGURATOR_MAX_OPTIONS); this product has 30"
    ]


def test_the_default_limits_read_a_product_of_2500_options_and_7000_rules():
    # given the default settings, and a feature model of 2,500 options and 7,000 rules
    model = feature_model_product(seed=2, options=2375, rules=7000, number_options=125)
    assert catalog_limits() == Limits(options=5000, rules=20000)
    # when it is read against the limits, then it has no problem
    parts = read_definition(model.definition, model.resources, limits=catalog_limits())
    assert (len(parts.options), len(parts.rules), parts.problems) == (2500, 7000, [])


def test_a_refusal_shows_a_bounded_number_of_problems_and_counts_the_rest():
    problems = [Problem(f"rules[{i}].expr", "unknown name 'x'") for i in range(PROBLEMS_SHOWN + 30)]
    message = str(CatalogError(problems))
    assert message.count("\n- ") == PROBLEMS_SHOWN + 1
    assert message.endswith("- ... and 30 more problems")


def test_an_option_refused_for_its_type_comes_first_and_what_reads_it_is_counted_after_it():
    # given the shirt's collar option with a misspelt type, read by two rules and a BOM quantity
    definition = copy.deepcopy(SHIRT)
    definition["options"][1]["type"] = "choise"
    # when it is read, then the type is the root cause, and the three readers one line after it
    # (no "unknown name 'collar'" for each, no "unknown field" for its choices)
    assert [str(p) for p in read_definition(definition, RESOURCES).problems] == [
        "options[1].type: 'choise' is not one of: choice, number, text, boolean",
        "options[1]: what reads 'collar' is checked once this option is fixed "
        "(3 places: rules[0].expr, rules[1].expr, bom[2].quantity)",
    ]


def test_a_refused_bom_line_comes_first_and_the_lines_under_it_are_counted_after_it():
    # given the pocket sub-assembly given an item too, with a line under it
    definition = copy.deepcopy(SHIRT)
    definition["bom"][3]["item"] = "CLOTH"
    # then its own problem, and no "unknown parent 'POCKET'" for the line under it
    assert [str(p) for p in read_definition(definition, RESOURCES).problems] == [
        "bom[3]: give exactly one of 'item' (an inventory SKU) or 'assembly' (a name)",
        "bom[3]: what is under 'POCKET' is checked once this BOM line is fixed (1 place: bom[4].parent)",
    ]


def test_the_same_unknown_name_is_one_problem_counting_the_other_places():
    # given a misspelt option name in both rules
    definition = copy.deepcopy(SHIRT)
    definition["rules"][0]["expr"] = "colur != 'green' or collar == 'spread'"
    definition["rules"][1]["expr"] = "colur == 'red' or size_cm <= 40"
    # then the first is the problem, with its suggestion, and the second is counted after it
    assert [str(p) for p in read_definition(definition, RESOURCES).problems] == [
        "rules[0].expr: column 1: unknown name 'colur'; did you mean 'colour'? "
        "(known: collar, colour, initials, pocket_side, size_cm, with_pocket)",
        "rules[0].expr: 'colur' is unknown in more places too (1 place: rules[1].expr)",
    ]


def test_a_broken_option_read_by_hundreds_of_rules_is_refused_in_a_few_short_lines():
    # given a product of 300 options and 2,000 rules whose first option has no type
    model = feature_model_product(seed=3, options=300, rules=2000)
    definition = copy.deepcopy(model.definition)
    readers = sum("f0001" in rule["expr"] for rule in definition["rules"])
    del definition["options"][0]["type"]
    # when it is compiled
    with pytest.raises(CatalogError) as caught:
        compile_product(definition, model.resources)
    # then its problem comes first, and every rule or condition that reads it is one count after it
    problems = [str(p) for p in caught.value.problems]
    assert problems[0] == "options[0].type: this field is required"
    assert problems[1].startswith("options[0]: what reads 'f0001' is checked once this option is fixed (")
    assert len(problems) == 2 and readers > 0
    assert len(str(caught.value)) < 400


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
