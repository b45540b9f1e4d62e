"""The SAT oracle (tests/support/sat_oracle.py) against brute force on small products, and the
configurator's domains against the oracle on feature-model products of 20 to 60 options (issue 10):
every offered value extends to a valid configuration, every excluded value does not."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bom.configurator import compile_product
from bom.expressions import MissingValue, NameInfo, parse
from tests.support.feature_models import feature_model_product
from tests.support.sat_oracle import NotEncodable, SatOracle

RESOURCES = {"items": {}, "work_centers": {}, "grid_co2e_kg_per_kwh": "0.581"}


def _valid_configurations(definition):
    """Every valid configuration with the options that apply in it, by the evaluator's own
    semantics (conditions read earlier options)."""
    names = {
        o["key"]: NameInfo(o["type"], tuple(c["value"] for c in o.get("choices", []))) for o in definition["options"]
    }
    whens = {o["key"]: parse(o["when"], names=names) for o in definition["options"] if o.get("when")}
    rules = [parse(r["expr"], names=names) for r in definition.get("rules", [])]
    options = [o for o in definition["options"] if o["type"] in ("choice", "boolean")]

    def outcome(expression, env):
        try:
            return expression.evaluate(env)
        except MissingValue:
            return None

    def walk(i, env, applying):
        if i == len(options):
            if all(outcome(rule, env) is not False for rule in rules):
                yield dict(env), frozenset(applying)
            return
        option = options[i]
        key = option["key"]
        if key in whens and outcome(whens[key], env) is not True:
            yield from walk(i + 1, env, applying)
            return
        values = [c["value"] for c in option["choices"]] if option["type"] == "choice" else [True, False]
        for value in values:
            env[key] = value
            yield from walk(i + 1, env, applying | {key})
            del env[key]
        if not option.get("required", option["type"] == "choice"):
            yield from walk(i + 1, env, applying | {key})

    return list(walk(0, {}, frozenset()))


def _brute_domains(definition, configurations, spec, keys):
    """The engine's domains (docs/CATALOG.md, tests/bom/test_properties.py): the values of a key
    some valid configuration has with the rest of the spec, where an option of the spec whose
    condition reads the key may instead stop applying."""
    reads = {o["key"]: parse(o["when"]).names if o.get("when") else frozenset() for o in definition["options"]}
    domains = {}
    for key in keys:
        rest = {k: v for k, v in spec.items() if k != key}
        domains[key] = {
            c[key]
            for c, applying in configurations
            if key in c and all(c.get(k) == v or key in reads[k] and k not in applying for k, v in rest.items())
        }
    return domains


def _extends(configurations, spec):
    return any(all(c.get(k) == v for k, v in spec.items()) for c, _ in configurations)


HAND_MADE = {
    "options": [
        {"key": "body", "type": "choice", "choices": [{"value": v} for v in ("short", "long", "wide")]},
        {"key": "roof", "type": "boolean", "when": "body != 'short'", "required": True},
        {"key": "rack", "type": "boolean", "when": "body == 'short' or roof"},
        {"key": "trim", "type": "choice", "required": False, "choices": [{"value": v} for v in ("base", "lux")]},
        {"key": "paint", "type": "choice", "when": "trim in ('lux',)", "choices": [{"value": v} for v in "abc"]},
    ],
    "rules": [
        {"expr": "not rack or body in ('long', 'short')"},
        {"expr": "(paint != 'a') if trim == 'lux' else (rack == False)"},
        {"expr": "not (roof and trim not in ('lux',))"},
        {"expr": "body != 'wide' or paint == 'c' or rack"},
    ],
}


def test_the_oracle_answers_as_brute_force_on_a_hand_made_product():
    # given a product whose conditions and rules read options that may not apply (short-circuits, if/else)
    oracle = SatOracle(HAND_MADE)
    configurations = _valid_configurations(HAND_MADE)
    keys = ["body", "roof", "rack", "trim", "paint"]
    # then for every partial spec of up to two values, the oracle's domains are brute force's
    rng = random.Random(1)
    for _ in range(150):
        source = (
            rng.choice(configurations)[0] if rng.random() < 0.7 else {k: rng.choice([True, "a", "long"]) for k in keys}
        )
        spec = {k: source[k] for k in rng.sample(sorted(source), k=min(len(source), rng.randint(0, 2)))}
        expected = _brute_domains(HAND_MADE, configurations, spec, keys)
        assert {k: set(v) for k, v in oracle.domains(spec).items()} == expected, spec
        assert oracle.extends(spec) is _extends(configurations, spec)


@pytest.mark.parametrize("seed", range(6))
def test_the_oracle_answers_as_brute_force_on_small_feature_models(seed):
    # given a small feature model and every one of its valid configurations
    model = feature_model_product(seed=seed, options=9, rules=8)
    configurations = _valid_configurations(model.definition)
    oracle = SatOracle(model.definition)
    keys = [o["key"] for o in model.definition["options"]]
    # then the planted configuration is one of them, and on partial specs drawn from them the domains agree
    assert model.planted in [c for c, _ in configurations]
    rng = random.Random(seed)
    for _ in range(40):
        source = rng.choice(configurations)[0]
        spec = {k: source[k] for k in rng.sample(sorted(source), k=rng.randint(0, len(source)))}
        expected = _brute_domains(model.definition, configurations, spec, keys)
        assert {k: set(v) for k, v in oracle.domains(spec).items()} == expected


def test_the_oracle_refuses_what_it_does_not_encode():
    # given a rule over a number option
    definition = {
        "options": [
            {"key": "size", "type": "number", "min": "0", "max": "10"},
            {"key": "big", "type": "boolean"},
        ],
        "rules": [{"expr": "not big or size > 5"}],
    }
    # then the oracle says it cannot encode it rather than answer wrongly
    with pytest.raises(NotEncodable, match="numbers"):
        SatOracle(definition)


def _walk_and_compare(product, oracle, rng, steps):
    """Random walk through offered values; at each step every domain must equal the oracle's."""
    spec: dict = {}
    for _ in range(steps):
        answer = product.configure(spec)
        normalized = answer["normalized_spec"]
        keys = [k for k in answer["domains"] if k in oracle.values]
        expected = oracle.domains(normalized, keys)
        for key in keys:
            offered = answer["domains"][key]["choices"]
            hidden = [v for v in expected[key] if v not in offered]
            dead = [v for v in offered if v not in expected[key]]
            assert not dead, f"{key}: offered {dead} extend to no valid configuration of {normalized}"
            assert not hidden, f"{key}: {hidden} extend to a valid configuration of {normalized} but were excluded"
        open_ = [k for k in keys if k not in normalized and answer["domains"][k]["choices"]]
        if not open_:
            assert answer["valid"], answer["errors"]
            return
        key = rng.choice(open_)
        spec = {**normalized, key: rng.choice(answer["domains"][key]["choices"])}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    options=st.integers(20, 60),
    density=st.floats(1.0, 4.0),
    walk=st.integers(0, 1_000),
)
def test_the_configurator_offers_exactly_what_the_sat_oracle_extends(seed, options, density, walk):
    # given a feature-model product of 20 to 60 options and its SAT encoding
    model = feature_model_product(seed=seed, options=options, rules=int(options * density))
    product = compile_product(model.definition, model.resources)
    oracle = SatOracle(model.definition)
    # when a customer walks through it, choosing offered values
    # then at every step the engine offers exactly the values that extend to a valid configuration
    try:
        _walk_and_compare(product, oracle, random.Random(walk), steps=options + 5)
    finally:
        oracle.close()
