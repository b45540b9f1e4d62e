"""The SAT backend (bom/configurator/sat.py) keeps the engine's promise: on every product it can
hold, forced on small ones too, it answers as the brute-force oracle, as the compiled search (up to
which minimal conflict a "Not possible together with" names) and, on feature models, as the plain
SAT oracle; big components use it by default."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import bom.configurator.compiled as compiled
from bom.configurator import compile_product
from tests.bom.test_properties import Oracle, blind, check_answer, compiled_or_none, mixed_products, specs
from tests.bom.test_properties import synthetic_products as synthetic_definitions
from tests.bom.test_sat_oracle import _walk_and_compare
from tests.support.feature_models import feature_model_product
from tests.support.sat_oracle import SatOracle

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def sat_from(options: int) -> Iterator[None]:
    """Compile with components of at least `options` options on SAT (0: every one it can hold)."""
    kept = compiled.SAT_MIN_OPTIONS
    compiled.SAT_MIN_OPTIONS = options
    try:
        yield
    finally:
        compiled.SAT_MIN_OPTIONS = kept


def on_sat(product) -> bool:
    return any(model.sat is not None for model in product._models.values())


@SETTINGS
@given(data=st.data())
def test_on_sat_domains_equal_the_brute_force_oracle(data):
    # given a random small product, compiled with SAT wherever it can hold the component
    definition = data.draw(st.one_of(mixed_products(), synthetic_definitions()))
    oracle = Oracle(definition)
    with sat_from(0):
        product = compiled_or_none(definition, oracle)
    assume(product is not None and on_sat(product))
    oracle.order = [o.key for c in product._components for o in c.order]
    # then every domain, applicability and conflict is the oracle's
    for _ in range(3):
        check_answer(product, oracle, data.draw(specs(definition, oracle)))


@SETTINGS
@given(data=st.data())
def test_on_sat_answers_equal_the_compiled_search(data):
    # given a random product compiled twice: on SAT where it can, and on the compiled search
    definition = data.draw(st.one_of(mixed_products(), synthetic_definitions()))
    oracle = Oracle(definition)
    with sat_from(0):
        fast = compiled_or_none(definition, oracle)
    with sat_from(10**9):
        plain = compiled_or_none(definition, oracle)
    assume(fast is not None and plain is not None and on_sat(fast))
    # then both answer a spec alike (reasons included), up to which minimal conflict is named
    spec = data.draw(specs(definition, oracle))
    assert blind(fast.configure(spec)) == blind(plain.configure(spec))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), options=st.integers(20, 60), walk=st.integers(0, 1_000))
def test_on_sat_a_feature_model_offers_exactly_what_the_sat_oracle_extends(seed, options, walk):
    # given a feature-model product on SAT and its plain SAT encoding
    model = feature_model_product(seed=seed, options=options, rules=options * 2)
    with sat_from(0):
        product = compile_product(model.definition, model.resources)
    assert on_sat(product)
    oracle = SatOracle(model.definition)
    # then along a customer's walk every domain is exactly what extends to a valid configuration
    try:
        _walk_and_compare(product, oracle, random.Random(walk), steps=options + 5)
    finally:
        oracle.close()


def test_a_component_of_200_options_is_on_sat_by_default_and_exact():
    # given the benchmark's 200-option, 900-rule feature model compiled as published
    model = feature_model_product(seed=1, options=190, rules=900, number_options=10)
    product = compile_product(model.definition, model.resources)
    # then its big component is on SAT, and a walk through it offers exactly what extends
    assert on_sat(product) and compiled.SAT_MIN_OPTIONS <= 200
    oracle = SatOracle(model.definition)
    try:
        _walk_and_compare(product, oracle, random.Random(3), steps=40)
    finally:
        oracle.close()


def test_the_sat_oracle_keeps_a_number_of_the_spec_applying_as_the_engine_does():
    # given a number that applies with b, b with a, and a spec that sets all three
    definition = {
        "slug": "chain",
        "name": "Chain",
        "currency": "CNY",
        "base_price": "10.00",
        "options": [
            {"key": "a", "label": "A", "type": "boolean", "required": True},
            {"key": "b", "label": "B", "type": "boolean", "required": True, "when": "a"},
            {"key": "n", "label": "N", "type": "number", "min": "1", "max": "9", "unit": "cm", "when": "b"},
        ],
        "rules": [],
    }
    spec = {"a": True, "b": True, "n": "5"}
    product = compile_product(definition, {"items": {}, "work_centers": {}, "grid_co2e_kg_per_kwh": "0.5"})
    oracle = SatOracle(definition)
    try:
        # then turning a off is not offered: b would be dropped with it (it reads a), but the number
        # the customer set reads b, not a, so it stays and must apply; the oracle says the same
        assert product.configure(spec)["domains"]["a"]["choices"] == [True]
        assert oracle.domains({"a": True, "b": True, "n": 5}, ["a"]) == {"a": [True]}
    finally:
        oracle.close()
