"""The configurator engine on small hand-made products, and against a brute-force oracle."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bom.configurator import CatalogError, compile_product
from bom.expressions import parse
from tests.bom.shirt import FULL, shirt

# -- values --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("size_cm", "abc", "Must be a number."),
        ("size_cm", True, "Must be a number."),
        ("size_cm", [38], "Must be a number."),
        ("size_cm", 29.5, "Must be at least 30."),
        ("size_cm", "50.5", "Must be at most 50."),
        ("size_cm", 38.2, "Must be in steps of 0.5."),
        ("colour", "pink", "'pink' is not one of: red, blue, green."),
        ("colour", 3, "Must be one of: red, blue, green."),
        ("with_pocket", "yes", "Must be true or false."),
        ("initials", "abc", "Only capital letters are allowed."),
        ("initials", "ABCD", "At most 3 characters."),
        ("initials", 12, "Must be text."),
        ("sleeves", "long", "Unknown option."),
    ],
)
def test_each_bad_value_is_an_error_on_its_key(key, value, message):
    # given a complete spec but one bad value
    # when it is configured
    result = shirt().configure({**FULL, key: value})
    # then the value is refused on its key, and nothing is priced
    assert result["errors"][key] == [message]
    assert result["valid"] is False
    assert result["price"] is None and result["bom"] is None and result["routing"] is None


def test_numbers_as_json_numbers_or_strings_are_kept_exact():
    result = shirt().configure({**FULL, "size_cm": 38.5})
    assert result["valid"] is True
    assert result["normalized_spec"]["size_cm"] == "38.5"
    assert shirt().configure({**FULL, "size_cm": "38.50"})["normalized_spec"]["size_cm"] == "38.5"


def test_null_and_empty_values_mean_not_set():
    result = shirt().configure({**FULL, "initials": "", "pocket_side": None, "size_cm": " "})
    assert result["errors"] == {"size_cm": ["This option is required."]}
    assert "initials" not in result["normalized_spec"]


def test_normalized_spec_fills_defaults_and_drops_unset_text():
    result = shirt().configure({"colour": "red", "collar": "spread", "size_cm": 40})
    assert result["valid"] is True
    assert result["normalized_spec"] == {"colour": "red", "collar": "spread", "size_cm": "40", "with_pocket": False}


# -- applicability -------------------------------------------------------------------------------


def test_an_option_applies_only_when_its_condition_holds():
    # given no pocket (the default)
    result = shirt().configure(FULL)
    # then pocket_side is not asked for
    assert "pocket_side" not in result["applicable"]
    assert result["valid"] is True
    # given a pocket
    result = shirt().configure({**FULL, "with_pocket": True})
    # then pocket_side applies and is required
    assert "pocket_side" in result["applicable"]
    assert result["complete"] is False
    assert result["errors"] == {"pocket_side": ["This option is required."]}


def test_a_value_for_an_option_that_does_not_apply_is_an_error():
    result = shirt().configure({**FULL, "pocket_side": "left"})
    assert result["errors"] == {"pocket_side": ["Does not apply: you chose Pocket: no."]}
    assert result["valid"] is False
    assert "pocket_side" not in result["normalized_spec"]


# -- rules, errors and completeness ----------------------------------------------------------------


def test_a_broken_rule_is_reported_under_each_option_the_customer_set():
    result = shirt().configure({"colour": "green", "collar": "button"})
    assert result["errors"] == {
        "colour": ["Green comes with a spread collar."],
        "collar": ["Green comes with a spread collar."],
    }
    assert result["complete"] is False


def test_a_missing_required_option_is_reported_only_when_it_is_the_last_one_or_strict():
    # given a partial spec with a conflict
    partial = {"colour": "green", "collar": "button"}
    # when configured leniently, only the conflict is reported
    assert set(shirt().configure(partial)["errors"]) == {"colour", "collar"}
    # when strict, the missing size too
    assert shirt().configure(partial, strict=True)["errors"]["size_cm"] == ["This option is required."]
    # given a spec still missing two options, neither is nagged about
    assert shirt().configure({"colour": "red"})["errors"] == {}
    # given a partial spec without a conflict that misses only one option, it is reported
    result = shirt().configure({"colour": "red", "collar": "spread"})
    assert result["errors"] == {"size_cm": ["This option is required."]}
    assert result["complete"] is False and result["valid"] is False


def test_a_partial_spec_with_no_valid_completion_names_the_conflicting_choices():
    # given rules that only conflict through an option still unset
    definition = {
        "slug": "abc",
        "name": "ABC",
        "currency": "CNY",
        "base_price": "1",
        "options": [
            {
                "key": k,
                "label": k.upper(),
                "type": "choice",
                "choices": [{"value": "x", "label": "Ex"}, {"value": "y", "label": "Why"}],
            }
            for k in ("a", "b", "c")
        ],
        "rules": [
            {"key": "r1", "expr": "a != 'x' or b == 'y'", "message": "A x needs B y."},
            {"key": "r2", "expr": "c != 'x' or b != 'y'", "message": "C x rules out B y."},
        ],
    }
    product = compile_product(definition, {})
    # when a and c are set, b not yet
    result = product.configure({"a": "x", "c": "x"})
    # then both are errors naming the other, before the spec is complete
    assert result["complete"] is False
    assert result["errors"] == {
        "a": ["Not possible together with C: Ex."],
        "c": ["Not possible together with A: Ex."],
    }
    # and b has no value left, each explained by its rule
    assert result["domains"]["b"] == {
        "choices": [],
        "excluded": {"x": "A x needs B y. (you chose A: Ex)", "y": "C x rules out B y. (you chose C: Ex)"},
    }


# -- domains ------------------------------------------------------------------------------------


def test_domains_exclude_values_without_a_valid_completion_and_say_why():
    result = shirt().configure({"colour": "green"})
    assert result["domains"]["collar"] == {
        "choices": ["spread"],
        "excluded": {"button": "Green comes with a spread collar. (you chose Colour: Green)"},
    }
    # the option's own value is left out when computing its domain
    assert result["domains"]["colour"] == {"choices": ["red", "blue", "green"], "excluded": {}}


def test_number_ranges_shrink_with_the_other_values():
    result = shirt().configure({"collar": "button"})
    assert result["domains"]["size_cm"] == {"ranges": [["30", "40"]], "step": "0.5", "unit": "cm"}
    assert result["domains"]["colour"]["excluded"] == {
        "green": "Green comes with a spread collar. (you chose Collar: Button-down)"
    }
    result = shirt().configure({"size_cm": "40.5"})
    assert result["domains"]["collar"]["excluded"] == {
        "button": "Above 40 cm, spread collar only. (you chose Size: 40.5 cm)"
    }


def test_boolean_and_text_domains():
    # given a pocket side chosen, turning the pocket off is still offered: it drops the side
    result = shirt().configure({"pocket_side": "left"})
    assert result["domains"]["with_pocket"] == {"choices": [True, False], "excluded": {}}
    assert result["domains"]["initials"] == {"max_length": 3}
    # and picking it leaves a clear error on the value that no longer applies, nothing else
    off = shirt().configure({"pocket_side": "left", "with_pocket": False})
    assert list(off["errors"]) == ["pocket_side"]
    assert off["errors"]["pocket_side"][0].startswith("Does not apply")


def test_a_value_that_drops_a_dependent_is_offered_only_if_the_rest_still_fits():
    # given a product where a handle applies only with doors, and brass knobs only on single doors
    definition = {
        "slug": "box", "name": "Box", "currency": "CNY", "base_price": "10",
        "options": [
            {"key": "doors", "label": "Doors", "type": "choice", "choices": [
                {"value": "none", "label": "None"}, {"value": "single", "label": "Single"},
                {"value": "double", "label": "Double"}]},
            {"key": "handle", "label": "Handle", "type": "choice", "when": "doors != 'none'", "choices": [
                {"value": "bar", "label": "Bar"}, {"value": "knob", "label": "Knob"}]},
        ],
        "rules": [{"key": "knob_single", "expr": "handle != 'knob' or doors == 'single'",
                   "message": "Knobs only on a single door."}],
        "bom": [{"key": "b", "item": "BOARD", "quantity": "1"}],
        "routing": [{"key": "make", "name": "Make", "work_center": "BENCH", "run_minutes": "1"}],
    }  # fmt: skip
    resources = {
        "items": {"BOARD": {"name": "Board", "uom": "pcs", "decimals": 0, "co2e_kg": "1"}},
        "work_centers": {"BENCH": {"name": "Bench", "power_kw": "1"}},
        "grid_co2e_kg_per_kwh": "0.5",
    }
    product = compile_product(definition, resources)
    # when the customer has chosen a knob
    doors = product.configure({"handle": "knob"})["domains"]["doors"]
    # then no doors is offered (the knob is dropped), double doors are not (the knob still applies)
    assert doors["choices"] == ["none", "single"]
    assert "Knobs only on a single door." in doors["excluded"]["double"]


# -- price, BOM, routing, footprint --------------------------------------------------------------------


def test_price_bom_routing_and_footprint_of_a_valid_spec():
    # given a valid spec with initials and a pocket
    spec = {
        "colour": "green",
        "collar": "spread",
        "size_cm": 47.5,
        "with_pocket": True,
        "pocket_side": "left",
        "initials": "JS",
    }
    # when configured
    result = shirt().configure(spec)
    # then it is priced: base + green + initials + (47.5 - 45)
    assert result["valid"] is True, result["errors"]
    assert result["price"] == "132.50"
    assert result["currency"] == "CNY"
    # and its BOM is exploded: 47.5 / 20 * 1.1 = 2.6125 m, rounded up to 2.62
    assert result["bom"] == [
        {
            "item": "CLOTH",
            "name": "Shirt cloth",
            "quantity": "2.62",
            "uom": "m",
            "level": 2,
            "parent": "SHIRT",
            "operation": "cut",
        },
        {
            "item": "BTN",
            "name": "Button",
            "quantity": "6",
            "uom": "pcs",
            "level": 2,
            "parent": "SHIRT",
            "operation": "sew",
        },
        {
            "item": "CLOTH",
            "name": "Shirt cloth",
            "quantity": "0.06",
            "uom": "m",
            "level": 3,
            "parent": "POCKET",
            "operation": "cut",
        },
        {
            "item": "THREAD",
            "name": "Thread",
            "quantity": "13",
            "uom": "m",
            "level": 1,
            "parent": None,
            "operation": "embroider",
        },
    ]
    # and its routing keeps the embroidery
    assert [(op["key"], op["after"]) for op in result["routing"]] == [
        ("cut", []),
        ("sew", ["cut"]),
        ("embroider", ["sew"]),
        ("press", ["embroider"]),
    ]
    assert result["routing"][0] == {
        "key": "cut",
        "name": "Cut",
        "work_center": "CUT",
        "setup_minutes": "10",
        "run_minutes": "5.94",
        "after": [],
        "setup_family": "green",
    }
    # and its footprint: materials (2.62 + 0.06) * 10 + 6 * 0.1 + 13 * 0.001
    materials = Decimal("26.8") + Decimal("0.6") + Decimal("0.013")
    energy = ((10 + Decimal("5.94")) * 6 + 35 * Decimal("1.2") + 6 * Decimal("0.8") + 4 * 3) / 60
    assert result["footprint"] == {
        "co2e_kg": str((materials + energy * Decimal("0.5")).quantize(Decimal("0.1"))),
        "materials_co2e_kg": str(materials.quantize(Decimal("0.1"))),
        "energy_kwh": str(energy.quantize(Decimal("0.01"))),
    }


def test_a_dropped_operation_is_bypassed():
    # given no initials, the embroidery does not apply
    result = shirt().configure(FULL)
    # then pressing follows sewing directly
    assert [(op["key"], op["after"]) for op in result["routing"]] == [("cut", []), ("sew", ["cut"]), ("press", ["sew"])]
    assert [line["item"] for line in result["bom"]] == ["CLOTH", "BTN"]
    assert result["price"] == "100.00"


def test_find_valid_configuration_gives_a_valid_spec():
    product = shirt()
    spec = product.find_valid_configuration()
    assert spec is not None
    assert product.configure(spec)["valid"] is True


def test_options_metadata_for_the_product_description():
    options = shirt().options
    assert options[0] == {
        "key": "colour",
        "label": "Colour",
        "type": "choice",
        "required": True,
        "choices": [
            {"value": "red", "label": "Red", "price_delta": "0.00"},
            {"value": "blue", "label": "Blue", "price_delta": "0.00"},
            {"value": "green", "label": "Green", "price_delta": "10.00"},
        ],
    }
    assert options[2] == {
        "key": "size_cm",
        "label": "Size",
        "type": "number",
        "required": True,
        "unit": "cm",
        "min": "30",
        "max": "50",
        "step": "0.5",
    }
    assert options[3]["default"] is False and options[3]["required"] is False
    assert shirt().conditions == {"pocket_side": "with_pocket"}
    assert [r["key"] for r in shirt().rules] == ["green_spread", "big_spread"]


VALUES = ("p", "q", "r")


@st.composite
def small_products(draw):
    n = draw(st.integers(min_value=3, max_value=5))
    sizes = [draw(st.integers(min_value=2, max_value=3)) for _ in range(n)]
    keys = [f"o{i}" for i in range(n)]
    literal = st.tuples(st.sampled_from(range(n)), st.booleans()).map(lambda t: (t[0], t[1]))
    rules = []
    for j in range(draw(st.integers(min_value=1, max_value=4))):
        parts = []
        for index, negated in draw(st.lists(literal, min_size=1, max_size=3)):
            value = VALUES[draw(st.integers(min_value=0, max_value=sizes[index] - 1))]
            parts.append(f"{keys[index]} {'!=' if negated else '=='} '{value}'")
        joiner = draw(st.sampled_from([" or ", " and "]))
        expr = joiner.join(parts)
        if draw(st.booleans()):
            expr = f"not ({expr})"
        rules.append({"key": f"r{j}", "expr": expr, "message": f"Rule {j}."})
    options = [
        {
            "key": key,
            "label": key.upper(),
            "type": "choice",
            "choices": [{"value": v, "label": v.upper()} for v in VALUES[:size]],
        }
        for key, size in zip(keys, sizes, strict=True)
    ]
    return {
        "slug": "random",
        "name": "Random",
        "currency": "CNY",
        "base_price": "1",
        "options": options,
        "rules": rules,
    }


def brute_force_valid(definition, keys=None):
    """Every assignment of `keys` (default: all options) that satisfies the rules reading only them."""
    options = [o for o in definition["options"] if keys is None or o["key"] in keys]
    names = [o["key"] for o in options]
    domains = [[c["value"] for c in o["choices"]] for o in options]
    rules = [parse(r["expr"]) for r in definition["rules"]]
    rules = [rule for rule in rules if rule.names <= set(names)]
    valid = []
    for combination in itertools.product(*domains):
        env = dict(zip(names, combination, strict=True))
        if all(rule.evaluate(env) for rule in rules):
            valid.append(env)
    return valid


def linked_keys(definition, key):
    """The options linked to `key` through shared rules (its independent component)."""
    groups = [parse(r["expr"]).names for r in definition["rules"]]
    component = {key}
    while True:
        grown = component.union(*(g for g in groups if g & component))
        if grown == component:
            return component
        component = grown


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_choice_domains_equal_brute_force(data):
    # given a small random product, and a random partial spec
    definition = data.draw(small_products())
    valid = brute_force_valid(definition)
    try:
        product = compile_product(definition, {})
    except CatalogError:
        # then only a product without any valid configuration is refused
        assert not valid
        return
    assert valid
    spec = {}
    for option in definition["options"]:
        if data.draw(st.booleans()):
            spec[option["key"]] = data.draw(st.sampled_from([c["value"] for c in option["choices"]]))
    # when it is configured
    result = product.configure(spec)
    # then each option's domain is exactly the values of the valid configurations that agree with
    # all the *other* values of the spec (within the options linked to it by rules: the others are
    # independent of it)
    for option in definition["options"]:
        key = option["key"]
        component = linked_keys(definition, key)
        others = {k: v for k, v in spec.items() if k != key and k in component}
        expected = [
            c["value"]
            for c in option["choices"]
            if any(
                env[key] == c["value"] and all(env[k] == v for k, v in others.items())
                for env in brute_force_valid(definition, component)
            )
        ]
        domain = result["domains"][key]
        assert domain["choices"] == expected, (key, spec)
        assert set(domain["excluded"]) == {c["value"] for c in option["choices"]} - set(expected)
        assert all(reason for reason in domain["excluded"].values())
    # and the spec has errors exactly when no valid configuration extends it
    extendable = any(all(env[k] == v for k, v in spec.items()) for env in valid)
    has_conflict = any(msg != "This option is required." for msgs in result["errors"].values() for msg in msgs)
    assert has_conflict is not extendable
    assert result["valid"] is (extendable and len(spec) == len(definition["options"]))


# -- the compiled engine ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        {},
        {"colour": "green"},
        {"collar": "button", "size_cm": "40.5"},
        {"pocket_side": "left"},
        {"colour": "green", "collar": "button"},
        {**FULL, "with_pocket": True},
        FULL,
    ],
)
def test_the_compiled_engine_answers_like_the_reference_search(spec):
    # given the shirt and a spec, when configured by the compiled engine and by the reference
    # search, then the answers are the same
    product = shirt()
    assert product.configure(spec) == product.configure_reference(spec)


def box(rules, options=None, resources=None):
    """A small product: width and height in cm, a finish, and `rules`."""
    definition = {
        "slug": "box", "name": "Box", "currency": "CNY", "base_price": "10",
        "options": options or [
            {"key": "width_cm", "label": "Width", "type": "number", "unit": "cm", "min": "1", "max": "6"},
            {"key": "height_cm", "label": "Height", "type": "number", "unit": "cm", "min": "1", "max": "6"},
            {"key": "finish", "label": "Finish", "type": "choice", "choices": [
                {"value": "raw", "label": "Raw"}, {"value": "lacquer", "label": "Lacquer"}]},
            {"key": "engraving", "label": "Engraving", "type": "text", "required": False, "max_length": 8},
        ],
        "rules": [{"key": f"r{i}", "expr": expr, "message": f"Rule {i}."} for i, expr in enumerate(rules)],
    }  # fmt: skip
    return compile_product(definition, resources or {})


def test_a_rule_that_multiplies_numbers_compiles_with_a_warning_and_stays_exact():
    # given an area limit that is not linear in the numbers
    product = box(["width_cm * height_cm <= 8 or finish == 'raw'"])
    # then compiling warns, naming the rule
    assert [w.path for w in product.warnings] == ["rules[0].expr"]
    assert "not linear in the numbers" in product.warnings[0].message
    # and the domains are exact: lacquer allows 2 x 4 but not 3 x 3
    result = product.configure({"finish": "lacquer", "width_cm": 2})
    assert result["domains"]["height_cm"]["ranges"] == [["1", "4"]]
    result = product.configure({"finish": "lacquer", "height_cm": 3})
    assert result["domains"]["width_cm"]["ranges"] == [["1", "2"]]
    assert product.configure({"width_cm": 3, "height_cm": 3})["domains"]["finish"]["choices"] == ["raw"]
    for spec in ({}, {"finish": "lacquer"}, {"width_cm": 4}, {"width_cm": 3, "height_cm": 3}):
        assert product.configure(spec) == product.configure_reference(spec)


def test_a_rule_the_compiler_cannot_read_is_checked_by_evaluation():
    # given a division by an option (not linear: checked by evaluating, numbers scanned)
    product = box(["width_cm / height_cm <= 2"])
    assert "checked by evaluating it" in product.warnings[0].message
    # then domains are still exact
    assert product.configure({"height_cm": 2})["domains"]["width_cm"]["ranges"] == [["1", "4"]]
    assert product.configure({"width_cm": 5})["domains"]["height_cm"]["ranges"] == [["3", "6"]]


def test_linear_rules_compile_without_warnings():
    assert box(["width_cm <= height_cm + 1", "finish != 'lacquer' or 2 * width_cm >= 5"]).warnings == []


def test_a_typed_text_that_a_rule_reads_is_any_text_but_the_ones_it_names():
    # given a rule that reads an optional text
    product = box(["engraving == '' or finish == 'lacquer'", "engraving != 'VOID' or width_cm > 5"])
    # when a text is typed, then the rule applies to it; an unset text reads as ''
    assert product.configure({})["domains"]["finish"]["choices"] == ["raw", "lacquer"]
    finish = product.configure({"engraving": "Hi"})["domains"]["finish"]
    assert finish["choices"] == ["lacquer"]
    assert finish["excluded"] == {"raw": "Rule 0. (you chose Engraving: 'Hi')"}
    # and a text the rules name is told apart from others
    assert product.configure({"engraving": "VOID"})["domains"]["width_cm"]["ranges"] == [["6", "6"]]
    assert product.configure({"engraving": "VOIDS"})["domains"]["width_cm"]["ranges"] == [["1", "6"]]
    for spec in ({"engraving": "Hi"}, {"engraving": "VOID", "finish": "raw"}):
        assert product.configure(spec) == product.configure_reference(spec)


def test_an_invalid_complete_spec_names_a_minimal_set_of_conflicting_choices():
    # given two rules that conflict only through an optional flag left unset
    definition = {
        "slug": "abc", "name": "ABC", "currency": "CNY", "base_price": "1",
        "options": [
            {"key": k, "label": k.upper(), "type": "choice",
             "choices": [{"value": "x", "label": "Ex"}, {"value": "y", "label": "Why"}]}
            for k in ("a", "b", "c")
        ] + [{"key": "flag", "label": "Flag", "type": "boolean"}],
        "rules": [
            {"key": "r1", "expr": "flag or a == 'x'", "message": "A y needs the flag."},
            {"key": "r2", "expr": "not flag or b == 'x'", "message": "The flag needs B x."},
        ],
    }  # fmt: skip
    product = compile_product(definition, {})
    # when every required option is set, and no rule alone is broken yet
    result = product.configure({"a": "y", "b": "y", "c": "x"})
    # then each conflicting choice names the minimal set it conflicts with (not C, not itself)
    assert result["complete"] is True and result["valid"] is False
    assert result["errors"] == {
        "a": ["Not possible together with B: Why."],
        "b": ["Not possible together with A: Why."],
    }


def test_a_conflict_without_a_culprit_value_names_the_choices_that_cannot_be_combined():
    from bom.configurator.domains import CompiledSolver, minimal_conflict

    # given a product where A x and B x conflict only with C x (each pair is fine)
    definition = {
        "slug": "abc", "name": "ABC", "currency": "CNY", "base_price": "1",
        "options": [
            {"key": k, "label": k.upper(), "type": "choice",
             "choices": [{"value": "x", "label": "Ex"}, {"value": "y", "label": "Why"}]}
            for k in ("a", "b", "c", "d")
        ],
        "rules": [{"key": "r", "expr": "not (a == 'x' and b == 'x' and c == 'x')", "message": "No."}],
    }  # fmt: skip
    product = compile_product(definition, {})
    component = product._components[0]
    solver = CompiledSolver(product._models)
    # then the deletion filter names exactly those three, in display order
    keep = minimal_conflict(solver, component, {}, {"d": "x", "a": "x", "b": "x", "c": "x"})
    assert [o.key for o in keep] == ["a", "b", "c"]


# -- units and rounding ----------------------------------------------------------------------------


def rounded(items, lines):
    definition = {
        "slug": "kit", "name": "Kit", "currency": "CNY", "base_price": "1",
        "options": [{"key": "n", "label": "N", "type": "number", "min": "1", "max": "3"}],
        "bom": lines,
    }  # fmt: skip
    resources = {"items": items, "work_centers": {}, "grid_co2e_kg_per_kwh": "0.5"}
    result = compile_product(definition, resources).configure({"n": 1})
    assert result["valid"], result["errors"]
    return [line["quantity"] for line in result["bom"]]


def test_quantities_after_scrap_round_up_to_the_items_decimals():
    items = {
        "BTN": {"name": "Button", "uom": "pcs", "decimals": 0, "co2e_kg": "0"},
        "CLOTH": {"name": "Cloth", "uom": "m", "decimals": 2, "co2e_kg": "0"},
        "BOARD": {"name": "Board", "uom": "m2", "decimals": 2, "co2e_kg": "0"},
    }
    lines = [
        # 6 buttons + 5% scrap = 6.3: whole buttons, so 7
        {"key": "b", "item": "BTN", "quantity": "6", "scrap_pct": "5"},
        # 1.5 m + 3% = 1.545 m: to the centimetre, up
        {"key": "c", "item": "CLOTH", "quantity": "1.5", "scrap_pct": "3"},
        # 0.6 x 0.4 m2 + 10% = 0.264 m2: to 0.01 m2, up
        {"key": "d", "item": "BOARD", "quantity": "0.6 * 0.4", "scrap_pct": "10"},
        # exact quantities stay as they are
        {"key": "e", "item": "CLOTH", "quantity": "1.25"},
    ]
    assert rounded(items, lines) == ["7", "1.55", "0.27", "1.25"]


def test_item_quantities_always_round_up_whatever_the_item_facts_say():
    # given items whose facts carry a `rounding` (documented once, never stored by inventory)
    items = {
        "GLUE": {"name": "Glue", "uom": "kg", "decimals": 1, "co2e_kg": "0", "rounding": "half_up"},
        "TAPE": {"name": "Tape", "uom": "m", "decimals": 1, "co2e_kg": "0"},
    }
    lines = [
        {"key": "a", "item": "GLUE", "quantity": "0.24"},
        {"key": "b", "item": "GLUE", "quantity": "0.25"},
        {"key": "c", "item": "TAPE", "quantity": "0.21"},
    ]
    # then every line is rounded up: never less material than the line needs
    assert rounded(items, lines) == ["0.3", "0.3", "0.3"]
