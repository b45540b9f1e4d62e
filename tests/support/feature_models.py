"""Seeded products shaped like the feature models product-line research publishes, for tests and
benchmarks (issue 10): `feature_model_product(seed=..., options=200, rules=900)`.

A feature tree grows from a root: each new feature hangs under an earlier one as a *mandatory*
child (selected with its parent), an *optional* one (a boolean option that applies when the parent
is selected), an *alternative* group (exactly one of its features when the parent is selected: a
choice option whose values are the features) or an *or* group (at least one: a boolean option per
feature and a rule `a or b or c`). They are written as catalog definitions (docs/CATALOG.md), so
the catalog's own semantics carry the tree's: an option whose `when` reads an option that does not
apply does not apply either, and a rule that reads an option without a value does not apply (so an
or-group's rule binds only when its parent is selected). Booleans are required, so an applicable
feature is always decided.

Cross-tree constraints follow: `a` requires `b` (one rule per option on the way from the root to
`b`, top-down: `not a or b1`, `not a or b2`, ... so the rule for a deeper level binds once the level
above is selected), `a` excludes `b` (`not (a and b)`), and `a` with `b` requires `c`. As in
tests/support/synthetic.py, a hidden configuration is planted first (top-down, by the group
semantics) and only constraints it satisfies are kept, so every product has a valid configuration.

Number options (a measure per feature, `when` that feature is selected) are read by no rule: they
size the product and its answers without constraining it, so a SAT oracle that leaves numbers out
(tests/support/sat_oracle.py) stays exact on these products.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Literal

Relation = Literal["root", "mandatory", "optional", "alternative", "or"]

GROUP_SHARE = {"mandatory": 0.12, "optional": 0.43, "alternative": 0.25, "or": 0.20}


@dataclass
class Feature:
    name: str
    parent: str | None
    relation: Relation
    group: str | None  # the alternative/or group's id
    presence: str | None  # a catalog condition true exactly when the feature is selected (None: always)
    option: str | None  # the option that decides it (None for the root and mandatory features)


@dataclass
class FeatureModel:
    definition: dict[str, Any]
    resources: dict[str, Any]
    features: dict[str, Feature]
    groups: dict[str, tuple[str, Relation, list[str]]]  # group id -> (parent, relation, features)
    planted: dict[str, object]  # a valid complete configuration (option key -> value)
    selected: set[str] = field(default_factory=set)  # the features the planted configuration selects


def feature_model_product(*, seed: int, options: int, rules: int, number_options: int = 0) -> FeatureModel:
    """A feature-model-shaped product of `options` choice/boolean options (its tree), `rules` rules
    (the or-groups' own, then cross-tree constraints; more only if the or-groups alone need more) and
    `number_options` number options; the same arguments always give the same product."""
    rng = random.Random(seed)
    features: dict[str, Feature] = {"f0000": Feature("f0000", None, "root", None, None, None)}
    groups: dict[str, tuple[str, Relation, list[str]]] = {}
    option_defs: list[dict[str, Any]] = []
    group_rules: list[dict[str, str]] = []

    def new_name() -> str:
        return f"f{len(features):04d}"

    while len(option_defs) < options:
        left = options - len(option_defs)
        names = list(features)
        # Deeper trees than a uniform pick: later features are likelier parents.
        parent = features[names[min(len(names) - 1, int(len(names) * rng.random() ** 0.7))]]
        when = parent.presence
        relation = rng.choices(list(GROUP_SHARE), weights=list(GROUP_SHARE.values()))[0]
        if relation == "mandatory":
            name = new_name()
            features[name] = Feature(name, parent.name, "mandatory", None, parent.presence, None)
        elif relation == "optional" or left == 1 and relation == "or":
            name = new_name()
            features[name] = Feature(name, parent.name, "optional", None, name, name)
            option_defs.append(_boolean(name, when))
        elif relation == "alternative":
            group = f"g{len(groups):03d}"
            members = [f"f{len(features) + i:04d}" for i in range(rng.randint(2, 6))]
            for member in members:
                features[member] = Feature(member, parent.name, "alternative", group, f"{group} == '{member}'", group)
            groups[group] = (parent.name, "alternative", members)
            option: dict[str, Any] = {
                "key": group,
                "label": f"One of {len(members)} under {parent.name}",
                "type": "choice",
                "group": f"Under {parent.name}",
                "choices": [{"value": m, "label": f"Feature {m}"} for m in members],
            }
            if when is not None:
                option["when"] = when
            option_defs.append(option)
        else:
            group = f"g{len(groups):03d}"
            members = [f"f{len(features) + i:04d}" for i in range(min(left, rng.randint(2, 5)))]
            for member in members:
                features[member] = Feature(member, parent.name, "or", group, member, member)
                option_defs.append(_boolean(member, when))
            groups[group] = (parent.name, "or", members)
            group_rules.append(
                {
                    "key": f"r{len(group_rules):04d}",
                    "expr": " or ".join(members),
                    "message": f"Choose at least one of {', '.join(members)}.",
                }
            )

    planted, selected = _plant(rng, features, groups)

    numbers: list[dict[str, Any]] = []
    decided = [f for f in features.values() if f.presence is not None]
    for i in range(number_options):
        key = f"n{i:03d}"
        number: dict[str, Any] = {
            "key": key,
            "label": f"Measure {i}",
            "type": "number",
            "group": "Measures",
            "unit": "mm",
            "min": "0",
            "max": "1000",
            "step": "10",
        }
        if decided:
            host = rng.choice(decided)
            assert host.presence is not None
            number["when"] = host.presence
            if host.name in selected:
                planted[key] = 500
        else:
            planted[key] = 500
        numbers.append(number)

    drawn = _cross_tree(rng, features, selected, rules - len(group_rules))
    all_rules = group_rules + [
        {"key": f"r{len(group_rules) + i:04d}", "expr": expr, "message": message}
        for i, (expr, message) in enumerate(drawn)
    ]
    definition: dict[str, Any] = {
        "slug": f"feature-model-{seed}",
        "name": f"Feature model {seed}",
        "description": f"{options} feature options, {number_options} numbers, {len(all_rules)} rules (seed {seed}).",
        "currency": "CNY",
        "base_price": "1000.00",
        "options": option_defs + numbers,
        "rules": all_rules,
    }
    resources: dict[str, Any] = {"items": {}, "work_centers": {}, "grid_co2e_kg_per_kwh": "0.581"}
    return FeatureModel(definition, resources, features, groups, planted, selected)


def _boolean(name: str, when: str | None) -> dict[str, Any]:
    option: dict[str, Any] = {
        "key": name,
        "label": f"Feature {name}",
        "type": "boolean",
        "group": "Features",
        "required": True,
    }
    if when is not None:
        option["when"] = when
    return option


def _plant(
    rng: random.Random, features: dict[str, Feature], groups: dict[str, tuple[str, Relation, list[str]]]
) -> tuple[dict[str, object], set[str]]:
    """A configuration by the tree's semantics, top-down (a feature comes after its parent)."""
    selected = {"f0000"}
    spec: dict[str, object] = {}
    chosen: dict[str, list[str]] = {}
    for group, (parent, relation, members) in groups.items():
        if relation == "alternative":
            chosen[group] = [rng.choice(members)]
        else:
            chosen[group] = rng.sample(members, k=rng.randint(1, len(members)))
    for feature in features.values():
        if feature.parent is None:
            continue
        if feature.parent not in selected:
            continue  # its option does not apply: no value
        if feature.relation == "mandatory":
            selected.add(feature.name)
        elif feature.relation == "optional":
            on = rng.random() < 0.5
            spec[feature.name] = on
            if on:
                selected.add(feature.name)
        else:
            assert feature.group is not None
            on = feature.name in chosen[feature.group]
            if feature.relation == "alternative":
                if on:
                    spec[feature.group] = feature.name
            else:
                spec[feature.name] = on
            if on:
                selected.add(feature.name)
    return spec, selected


def _chain(features: dict[str, Feature], name: str) -> list[str]:
    """The presence conditions from the root down to `name`, one per option on the way."""
    out: list[str] = []
    feature: Feature | None = features[name]
    while feature is not None:
        if feature.option is not None and feature.presence is not None:
            out.append(feature.presence)
        feature = features[feature.parent] if feature.parent is not None else None
    return out[::-1]


def _negate(presence: str) -> str:
    if " == " in presence:
        return presence.replace(" == ", " != ")
    return f"not {presence}"


def _cross_tree(
    rng: random.Random, features: dict[str, Feature], selected: set[str], count: int
) -> list[tuple[str, str]]:
    """`count` rules of cross-tree constraints that the planted selection satisfies."""
    decided = [f.name for f in features.values() if f.option is not None]
    if count <= 0 or len(decided) < 3:
        return []
    picked = sorted(selected & set(decided))
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    attempts = 0
    while len(out) < count and attempts < count * 100:
        attempts += 1
        a = rng.choice(decided)
        pa = features[a].presence
        assert pa is not None
        shape = rng.random()
        if shape < 0.6:  # a requires b
            b = rng.choice(picked if a in selected and picked else decided)
            mine = set(_chain(features, a))
            for pb in _chain(features, b):
                if pb in mine or len(out) >= count:
                    continue
                expr = f"{_negate(pa)} or {pb}"
                if expr in seen:
                    continue
                seen.add(expr)
                out.append((expr, f"{a} needs {b}."))
        elif shape < 0.9:  # a excludes b
            b = rng.choice(decided)
            pb = features[b].presence
            if b == a or a in selected and b in selected or pb is None:
                continue
            if features[a].group is not None and features[a].group == features[b].group:
                continue  # already exclusive (alternative) or a legal pair (or)
            expr = f"not ({pa} and {pb})"
            if expr not in seen:
                seen.add(expr)
                out.append((expr, f"{a} cannot go with {b}."))
        else:  # a with b requires c
            b = rng.choice(decided)
            c = rng.choice(decided)
            pb, pc = features[b].presence, features[c].presence
            if len({a, b, c}) < 3 or pb is None or pc is None:
                continue
            if a in selected and b in selected and c not in selected:
                continue
            expr = f"{_negate(pa)} or {_negate(pb)} or {pc}"
            if expr not in seen:
                seen.add(expr)
                out.append((expr, f"{a} with {b} needs {c}."))
    return out
