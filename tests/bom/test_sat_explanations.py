"""Explanations and contradictions in polynomial time (issue 10): the reason an excluded value is
excluded comes from solver calls, never from trying every combination of a rule's free options, and
a catalog whose rules contradict each other names a minimal set of them."""

import pytest

from bom.configurator import CatalogError, compile_product
from bom.configurator.budget import metered

RESOURCES = {"items": {}, "work_centers": {}, "grid_co2e_kg_per_kwh": "0.5"}
BUDGET = 1_000_000  # the default CONFIGURATOR_SEARCH_BUDGET


def _boolean(key):
    return {"key": key, "label": key.upper(), "type": "boolean", "required": True}


def _product(options, rules):
    return {
        "slug": "wide",
        "name": "Wide",
        "currency": "CNY",
        "base_price": "10.00",
        "options": options,
        "rules": [{"key": key, "expr": expr, "message": message} for key, expr, message in rules],
    }


def wide_rule_product(n):
    """A colour and n features; red needs every feature on and the first one off (never), in one
    rule over all n+1 options."""
    colour = {
        "key": "colour",
        "label": "Colour",
        "type": "choice",
        "choices": [{"value": "blue", "label": "Blue"}, {"value": "red", "label": "Red"}],
    }
    features = [f"f{i:02d}" for i in range(1, n + 1)]
    everything = " and ".join(features)
    rule = ("red_needs", f"colour != 'red' or ({everything} and not f01)", "Red needs every feature.")
    return _product([colour] + [_boolean(f) for f in features], [rule])


def steps_to_explain(n):
    product = compile_product(wide_rule_product(n), RESOURCES)
    with metered(BUDGET) as meter:
        answer = product.configure_metered({}, budget=None)
    assert answer["domains"]["colour"] == {"choices": ["blue"], "excluded": {"red": "Red needs every feature."}}
    return meter.used


def test_explaining_a_value_that_a_rule_over_30_unset_options_excludes_costs_polynomial_steps():
    # given products whose one rule reads 10, 20 and 30 options the customer has not set, and
    # excludes red whatever their values
    # when each empty spec is configured within the default search budget (steps, not time)
    used = {n: steps_to_explain(n) for n in (10, 20, 30)}
    # then red is excluded with that rule's message each time (checked in steps_to_explain), and
    # the steps grow with the options, not with the 2**n combinations of their values: tripling
    # the options costs at most a cube of the steps (2**30 / 2**10 would be a million times)
    assert used[30] <= 27 * used[10], used
    assert used[20] <= 8 * used[10], used


def test_a_catalog_whose_rules_contradict_each_other_is_refused_naming_a_minimal_set():
    # given features a..f where a needs b, b needs c, a is always on and c never, beside rules
    # that have nothing to do with it (d needs e, e excludes f, f or a or d)
    rules = [
        ("d_needs_e", "not d or e", "D needs E."),
        ("a_needs_b", "not a or b", "A needs B."),
        ("e_not_f", "not (e and f)", "E excludes F."),
        ("b_needs_c", "not b or c", "B needs C."),
        ("always_a", "a", "A is always on."),
        ("never_c", "not c", "C is never on."),
        ("f_links_a", "f or a or d", "F, A or D."),
    ]
    definition = _product([_boolean(k) for k in "abcdef"], rules)
    # when it is compiled
    with pytest.raises(CatalogError) as caught:
        compile_product(definition, RESOURCES)
    # then the one problem names a minimal set of rules that contradict each other: each of them is
    # needed (without any one the rest are satisfiable), the unrelated ones are not named
    problems = [(p.path, p.message) for p in caught.value.problems]
    named = ["a_needs_b", "b_needs_c", "always_a", "never_c"]
    assert problems == [("rules", f"no valid configuration: the rules contradict each other ({', '.join(named)})")]
    for left_out in named:
        kept = [r for r in rules if r[0] != left_out]
        compile_product(_product([_boolean(k) for k in "abcdef"], kept), RESOURCES)  # publishes
