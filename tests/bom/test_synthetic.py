"""The synthetic product generator: deterministic, sized as asked, always satisfiable."""

import contextlib
from decimal import Decimal

import pytest

from bom.configurator import compile_product
from bom.expressions import MissingValue, NameInfo, parse
from tests.support.synthetic import synthetic_product


def test_the_same_seed_gives_the_same_product_and_another_seed_another():
    first = synthetic_product(seed=7, choice_options=12, values_per_option=5, rules=20, number_options=3)
    again = synthetic_product(seed=7, choice_options=12, values_per_option=5, rules=20, number_options=3)
    other = synthetic_product(seed=8, choice_options=12, values_per_option=5, rules=20, number_options=3)
    assert first == again
    assert first != other


def test_products_have_the_sizes_asked_for():
    definition, resources = synthetic_product(
        seed=3, choice_options=40, values_per_option=8, rules=80, number_options=10, bom_lines=300, operations=30
    )
    options = definition["options"]
    assert sum(o["type"] == "choice" for o in options) == 40
    assert sum(o["type"] == "number" for o in options) == 10
    assert all(2 <= len(o["choices"]) <= 8 for o in options if o["type"] == "choice")
    assert len(definition["rules"]) == 80
    assert len(definition["bom"]) == 300
    assert len(definition["routing"]) == 30
    # and the resources name every item and work center the product uses
    assert {line["item"] for line in definition["bom"] if "item" in line} == set(resources["items"])
    assert {op["work_center"] for op in definition["routing"]} <= set(resources["work_centers"])


def test_rules_have_realistic_shapes():
    definition, _ = synthetic_product(seed=5, choice_options=30, values_per_option=6, rules=120, number_options=6)
    exprs = [r["expr"] for r in definition["rules"]]
    assert any(" in (" in e for e in exprs)  # implications into value sets
    assert any(e.startswith("not (") for e in exprs)  # exclusions
    assert any(" <= n" in e and " + " in e for e in exprs)  # linear between numbers
    assert any(" * n" in e for e in exprs)  # ratios
    assert any(e.startswith("c") and " or n" in e for e in exprs)  # a choice needs a number range
    assert any("when" in o for o in definition["options"])  # conditions
    assert any(o.get("required") is False for o in definition["options"])  # optional options
    assert len(set(exprs)) == len(exprs)


@pytest.mark.parametrize("seed", range(6))
def test_products_are_always_satisfiable_and_compile(seed):
    # given a product of any seed
    definition, resources = synthetic_product(
        seed=seed, choice_options=15, values_per_option=6, rules=40, number_options=4, bom_lines=30, operations=6
    )
    # then it compiles (every rule holds on a hidden configuration, every formula evaluates)
    product = compile_product(definition, resources)
    spec = product.find_valid_configuration()
    result = product.configure(spec)
    assert result["valid"] is True, result["errors"]
    assert result["bom"] and result["routing"]


def test_every_rule_holds_on_a_configuration():
    # the generator keeps only rules that its hidden configuration satisfies: some configuration
    # satisfies all of them at once
    definition, _ = synthetic_product(seed=11, choice_options=20, values_per_option=4, rules=60, number_options=4)
    product = compile_product(definition, {})
    spec = product.find_valid_configuration()
    names = {
        o["key"]: NameInfo(o["type"], tuple(c["value"] for c in o.get("choices", []))) for o in definition["options"]
    }
    env = product.configure(spec)["normalized_spec"]
    typed = {k: Decimal(v) if names[k].type == "number" else v for k, v in env.items()}
    for rule in definition["rules"]:
        # (a rule that reads an option that does not apply does not apply)
        with contextlib.suppress(MissingValue):
            assert parse(rule["expr"], names=names).evaluate(typed) is True, rule
