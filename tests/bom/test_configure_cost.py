"""What one configure call costs on a large product (issue 10): the SAT solver's models are decoded
(a pass over every option) only where a model's values are read, and the rules a partial spec is
checked against are found from its options, not by scanning every rule."""

from __future__ import annotations

import random

import pytest

from bom.configurator import compile_product
from bom.configurator.engine import _reading_any
from bom.configurator.sat import SatModel
from tests.support.feature_models import feature_model_product


@pytest.fixture(scope="module")
def product():
    model = feature_model_product(seed=3, options=400, rules=600)
    return compile_product(model.definition, model.resources)


def _walk(product, steps: int, seed: int) -> list[dict[str, object]]:
    """Partial specs along a random walk: each step sets one more offered value."""
    rng = random.Random(seed)
    spec: dict[str, object] = {}
    specs = [dict(spec)]
    for _ in range(steps):
        answer = product.configure(spec)
        open_ = [k for k in answer["applicable"] if k not in spec and answer["domains"][k].get("choices")]
        if not open_:
            break
        key = rng.choice(open_)
        spec[key] = rng.choice(answer["domains"][key]["choices"])
        specs.append(dict(spec))
    return specs


def test_configure_decodes_a_model_only_where_its_values_are_read(product, monkeypatch):
    # given a 400-option product on SAT and partial specs along a walk
    assert any(model.sat is not None for model in product._models.values())
    specs = _walk(product, 12, seed=1)
    decodes: list[int] = []
    decode = SatModel._decode

    def counted(self, *args, **kwargs):
        decodes.append(1)
        return decode(self, *args, **kwargs)

    monkeypatch.setattr(SatModel, "_decode", counted)
    # when each spec is configured
    for spec in specs:
        product.configure(spec)
    # then the options the spec sets cost solver calls, not a decoded model each: a few decodes
    # per call (the whole spec's witnesses), however many options the spec sets
    assert len(decodes) <= 3 * len(specs), (len(decodes), len(specs))


def test_rules_reading_a_partial_spec_are_those_a_scan_finds_in_rule_order(product):
    # given the product's component and environments of every size
    component = max(product._components, key=lambda c: len(c.rules))
    keys = sorted(component.keys)
    rng = random.Random(7)
    for size in (0, 1, 5, 40, len(keys)):
        env = dict.fromkeys(rng.sample(keys, size), True)
        # when the rules reading some option of the env are listed
        found = _reading_any(component, env)
        # then they are exactly those a scan of every rule finds, in rule order
        assert found == [r for r in component.rules if not r.expr.names.isdisjoint(env)]
