"""The configurator's explanations on random small products, against the brute-force oracle.

An excluded value's reason (bom/configurator/domains.py `explain_all`) names values of the spec
(or the defaults filled in with it); each kind promises a conflict that the oracle of
tests/bom/test_properties.py, which enumerates every valid configuration, can check:

- a rule's message "(you chose X)": no valid configuration keeps X's values with the excluded
  value (the rule alone refutes it with them, when its other options always apply, or the
  product does: `certain` or `not solver.feasible(...)`); a message without "(you chose ...)"
  names no value: the excluded value alone has no valid configuration;
- "<label> would no longer apply. (you chose X)": no valid configuration keeps that option's value
  (X) with the excluded value and the other values its condition reads;
- "Not possible together with X.": X's values with the excluded value have no valid
  configuration, and X is minimal: without any one of them, some valid configuration keeps the rest;
- "Not possible in any configuration.": the excluded value alone has no valid configuration.

The named values are read back from the texts of generated products, whose labels the tests
control; every value named must be one of the values the domain was computed with. "No valid
configuration" is within the excluded option's component (the options rules and conditions link
to it), as the engine answers each component apart. A second
property calls `minimal_conflict` directly on a compiled product's components.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal
from types import SimpleNamespace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bom.configurator import compile_product
from bom.configurator.decimals import fmt
from bom.configurator.domains import CompiledSolver, minimal_conflict
from bom.expressions import NameInfo, parse
from tests.bom.test_properties import (
    Oracle,
    compiled_or_none,
    mixed_products,
    specs,
    synthetic_products,
    typed,
    values_of,
)
from tests.support.feature_models import feature_model_product
from tests.support.sat_oracle import SatOracle

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOGETHER = re.compile(r"^Not possible together with (.+)\.$")
NOWHERE = "Not possible in any configuration."
NO_LONGER = re.compile(r"^(.+) would no longer apply\. \(you chose (.+)\)$")
YOU_CHOSE = " (you chose "


def value_text(option, value):
    """How a reason shows a value (components.value_label)."""
    if option["type"] == "choice":
        return next(c["label"] for c in option["choices"] if c["value"] == value)
    if option["type"] == "boolean":
        return "yes" if value else "no"
    if option["type"] == "number":
        return f"{fmt(value)} {option.get('unit', '')}".strip()
    return f"'{value}'" if value else "none"


class Names:
    """The values a reason can name, by their text ("Label: value")."""

    def __init__(self, oracle):
        self.items = {}
        self.label = {}
        for option in oracle.options:
            self.label[option["key"]] = option["label"]
            for value in dict.fromkeys(values_of(option) + ([""] if option["type"] == "text" else [])):
                text = f"{option['label']}: {value_text(option, value)}"
                assert text not in self.items, text  # each value of a generated product reads apart
                self.items[text] = (option["key"], value)

    def parse(self, text):
        """The values "Label: value, Label: value" names (each must be a known value)."""
        named = {}
        for item in text.split(", "):
            assert item in self.items, (item, text)
            key, value = self.items[item]
            assert key not in named, text
            named[key] = value
        return named


def read_reason(reason, rules, names):
    """(kind, the named values, the option named as no longer applying)."""
    if reason == NOWHERE:
        return "nowhere", {}, None
    if m := TOGETHER.match(reason):
        return "together", names.parse(m.group(1)), None
    if m := NO_LONGER.match(reason):
        # (two options may share a label: the value named tells which one)
        named = names.parse(m.group(2))
        assert len(named) == 1 and names.label[next(iter(named))] == m.group(1), reason
        return "no longer", named, next(iter(named))
    for message in rules:
        if reason == message:
            return "rule", {}, None
        if reason.startswith(message + YOU_CHOSE) and reason.endswith(")"):
            return "rule", names.parse(reason[len(message + YOU_CHOSE) : -1]), None
    raise AssertionError(f"not a reason the engine gives: {reason!r}")


def typed_texts(oracle, values, dropped):
    """The texts as `values` has them ('' when not typed), `dropped` read as ''. A conflict is
    minimal with the texts the customer typed: an untyped text reads as '', so leaving a typed
    one out of a set is not a relaxation (the engine's deletion filter tries each value with the
    texts still in the set as typed, and a text it drops reads as '')."""
    return {k: "" if k == dropped else values.get(k, "") for k in oracle.texts}


def check_explanations(product, oracle, definition, spec):
    """Every excluded value's reason names values that really conflict with it (see the module)."""
    result = product.configure(spec)
    mine, values, status = oracle.settle(typed(oracle, spec))
    names = Names(oracle)
    rules = [r["message"] for r in definition.get("rules", [])]
    kinds = []
    for key, domain in result["domains"].items():
        option = oracle.by_key[key]
        # the values the domain of `key` was computed with (test_properties.Oracle.offered)
        own = oracle.base(mine, exclude=key)[0] if key in values else values
        for shown, reason in domain.get("excluded", {}).items():
            value = {"true": True, "false": False}[shown] if option["type"] == "boolean" else shown
            kind, named, other = read_reason(reason, rules, names)
            kinds.append(kind)
            where = (key, value, reason, spec)
            # the values named are the customer's (or the defaults filled in with them)
            assert all(k != key and k in own and own[k] == v for k, v in named.items()), (named, own, where)
            if kind == "nowhere" or (kind == "rule" and not named):
                assert not oracle.feasible({key: value}, key), where
            elif kind == "rule":
                assert not oracle.feasible({**named, key: value}, key), where
            elif kind == "no longer":
                assert named == {other: own[other]}, where
                reads = {k: own[k] for k in oracle.when[other].names - {key} if k in own}
                assert not oracle.feasible({**reads, other: own[other], key: value}, key), where
            else:
                assert named, where
                assert not oracle.feasible({**named, key: value}, key), where
                for dropped in named:
                    rest = {k: v for k, v in named.items() if k != dropped}
                    assert oracle.feasible({**typed_texts(oracle, own, dropped), **rest, key: value}, key), (
                        dropped,
                        where,
                    )
    return kinds


def _explanations_hold(data, products):
    definition = data.draw(products)
    oracle = Oracle(definition)
    product = compiled_or_none(definition, oracle)
    assume(product is not None)
    oracle.order = [o.key for c in product._components for o in c.order]
    for _ in range(3):
        check_explanations(product, oracle, definition, data.draw(specs(definition, oracle)))


@SETTINGS
@given(data=st.data())
def test_explanations_of_synthetic_products_name_values_that_conflict(data):
    _explanations_hold(data, synthetic_products())


@SETTINGS
@given(data=st.data())
def test_explanations_of_mixed_products_name_values_that_conflict(data):
    _explanations_hold(data, mixed_products())


@SETTINGS
@given(data=st.data())
def test_minimal_conflict_names_a_minimal_set_that_conflicts(data):
    # given a random product, a value pinned and other values that leave no valid configuration
    definition = data.draw(st.one_of(mixed_products(), synthetic_products()))
    oracle = Oracle(definition)
    product = compiled_or_none(definition, oracle)
    assume(product is not None)
    component = data.draw(st.sampled_from([c for c in product._components if any(o.type != "text" for o in c.options)]))
    keys = [o.key for o in component.options if o.type != "text"]
    pinned_key = data.draw(st.sampled_from(keys))
    pinned = {pinned_key: data.draw(st.sampled_from(values_of(oracle.by_key[pinned_key])))}
    base = {}
    for option in component.options:
        if option.key != pinned_key and data.draw(st.booleans()):
            base[option.key] = data.draw(st.sampled_from(values_of(oracle.by_key[option.key])))
    assume(not oracle.feasible({**base, **pinned}, pinned_key))
    # when the engine names a minimal conflict among the values
    keep = minimal_conflict(CompiledSolver(product._models), component, pinned, base)
    named = {o.key: base[o.key] for o in keep}
    # then they conflict with the pinned value, and each one is needed
    assert set(named) <= set(base)
    assert not oracle.feasible({**named, **pinned}, pinned_key), (named, pinned, base)
    for dropped in named:
        rest = {k: v for k, v in named.items() if k != dropped}
        assert oracle.feasible({**typed_texts(oracle, base, dropped), **rest, **pinned}, pinned_key), (
            dropped,
            named,
            pinned,
            base,
        )


def check_explanations_by_sat(product, oracle, definition, spec, answer):
    """`check_explanations` on a product too large to enumerate, against its SAT encoding (the
    product has choice and boolean options only, so no text reads as '')."""
    names = Names(SimpleNamespace(options=definition["options"]))
    rules = [r["message"] for r in definition.get("rules", [])]
    by_key = {o["key"]: o for o in definition["options"]}
    normalized = answer["normalized_spec"]
    for key, domain in answer["domains"].items():
        if not domain.get("excluded"):
            continue
        # the values the domain of `key` was computed with: the base without `key` (when the spec
        # sets it, the engine's answer to the spec without it, which fills the same defaults)
        own = normalized
        if key in spec:
            own = product.configure({k: v for k, v in spec.items() if k != key})["normalized_spec"]
        own = {k: v for k, v in own.items() if k != key}
        for shown, reason in domain["excluded"].items():
            value = {"true": True, "false": False}[shown] if by_key[key]["type"] == "boolean" else shown
            kind, named, other = read_reason(reason, rules, names)
            where = (key, value, reason, spec)
            assert all(k in own and own[k] == v for k, v in named.items()), (named, own, where)
            if kind == "no longer":
                assert named == {other: own[other]}, where
                named = {**named, **{k: own[k] for k in names_read(definition, other) - {key} if k in own}}
            if kind == "together":
                assert named, where
            assert not oracle.extends({**named, key: value}), where
            if kind == "together":
                for dropped in named:
                    rest = {k: v for k, v in named.items() if k != dropped}
                    assert oracle.extends({**rest, key: value}), (dropped, where)


def names_read(definition, key):
    when = next(o["when"] for o in definition["options"] if o["key"] == key)
    names = {
        o["key"]: NameInfo(o["type"], tuple(c["value"] for c in o.get("choices", []))) for o in definition["options"]
    }
    return set(parse(when, names=names).names)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), options=st.integers(20, 60), walk=st.integers(0, 1_000))
def test_explanations_of_a_feature_model_name_values_that_conflict_by_sat(seed, options, walk):
    # given a feature-model product and its plain SAT encoding
    model = feature_model_product(seed=seed, options=options, rules=options * 2)
    product = compile_product(model.definition, model.resources)
    oracle = SatOracle(model.definition)
    rng = random.Random(walk)
    spec: dict = {}
    # when a customer walks through it, choosing offered values
    # then at every step each excluded value's reason names values that conflict with it
    try:
        for _ in range(options + 5):
            answer = product.configure(spec)
            check_explanations_by_sat(product, oracle, model.definition, spec, answer)
            spec = answer["normalized_spec"]
            open_ = [k for k, d in answer["domains"].items() if k not in spec and d.get("choices")]
            if not open_:
                return
            key = rng.choice(open_)
            spec = {**spec, key: rng.choice(answer["domains"][key]["choices"])}
    finally:
        oracle.close()


def test_an_option_that_still_applies_is_not_named_as_no_longer_applying():
    # given a value that keeps a chosen dependent option applying, but that a chain of two rules
    # through an open option rules out with another value of the spec (a case the generated
    # products seldom reach)
    definition = {
        "slug": "chain", "name": "Chain", "currency": "CNY", "base_price": "1",
        "options": [
            {"key": "a", "label": "A", "type": "choice",
             "choices": [{"value": v, "label": v.upper()} for v in ("x", "y", "z")]},
            {"key": "b", "label": "B", "type": "boolean", "when": "a != 'z'"},
            {"key": "c", "label": "C", "type": "boolean"},
            {"key": "d", "label": "D", "type": "boolean"},
        ],
        "rules": [
            {"key": "r0", "expr": "a != 'x' or c", "message": "X needs C."},
            {"key": "r1", "expr": "not (c and d)", "message": "C cannot go with D."},
        ],
    }  # fmt: skip
    oracle = Oracle(definition)
    product = compile_product(definition, {})
    oracle.order = [o.key for c in product._components for o in c.order]
    spec = {"a": "y", "b": True, "d": True}
    # then x is excluded for D, the value it conflicts with (B would still apply with x)
    assert product.configure(spec)["domains"]["a"]["excluded"] == {"x": "Not possible together with D: yes."}
    check_explanations(product, oracle, definition, spec)


def test_number_values_read_back_as_decimals():
    # given a number option of a generated product
    option = {"key": "o0", "label": "O0", "type": "number", "min": "1", "max": "2", "step": "0.5", "unit": "cm"}
    oracle = Oracle({"options": [option], "rules": []})
    # then a reason's text of its value reads back as the value itself
    assert Names(oracle).parse("O0: 1.5 cm") == {"o0": Decimal("1.5")}
