"""Synthetic products of any size, for tests and benchmarks: seeded, deterministic, satisfiable.

`synthetic_product(seed=..., choice_options=40, values_per_option=8, rules=80)` returns a
definition (docs/CATALOG.md) and the resources it needs. It first plants a hidden configuration
(a value for every option that applies), then draws rules of the shapes real catalogs have
(implications between choice values, exclusions, `in` sets, three-way rules, linear constraints
between numbers, choices that need a number range) and keeps only those the hidden configuration
satisfies, so the product always has a valid configuration. Some options apply only `when` an
earlier choice has some value, some are optional, some have a default.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from bom.configurator.decimals import fmt
from bom.expressions import MissingValue, NameInfo, parse

UNITS = ("mm", "cm", "")
UOMS = (("pcs", 0), ("m", 2), ("m2", 2), ("kg", 1))


def synthetic_product(
    *,
    seed: int,
    choice_options: int,
    values_per_option: int,
    rules: int,
    number_options: int = 0,
    bom_lines: int = 0,
    operations: int = 0,
    max_number_values: int = 600,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A product definition and its resources; the same arguments always give the same product.

    `values_per_option` is the most values a choice option has (each has 2 to that many);
    `max_number_values` the most grid values a number option has (keep it small to enumerate)."""
    rng = random.Random(seed)
    options: list[dict[str, Any]] = []
    hidden: dict[str, object] = {}
    names: dict[str, NameInfo] = {}
    choice_keys: list[str] = []
    number_keys: list[str] = []
    grids: dict[str, tuple[Decimal, Decimal, Decimal]] = {}

    for i in range(choice_options):
        key = f"c{i:02d}"
        count = rng.randint(2, max(2, values_per_option))
        values = [f"v{j}" for j in range(count)]
        option: dict[str, Any] = {
            "key": key,
            "label": f"Choice {i}",
            "type": "choice",
            "group": f"Group {i // 8}",
            "choices": [
                {"value": v, "label": f"Value {j} of {i}", "price_delta": str(rng.choice((0, 0, 0, 10, 25, 100)))}
                for j, v in enumerate(values)
            ],
        }
        if i >= 3 and rng.random() < 0.12:
            reads = rng.choice(choice_keys)
            picked = rng.sample(_values(options, reads), k=1)[0]
            option["when"] = f"{reads} == '{picked}'" if rng.random() < 0.5 else f"{reads} != '{picked}'"
        if rng.random() < 0.08:
            option["required"] = False
        options.append(option)
        names[key] = NameInfo("choice", tuple(values))
        choice_keys.append(key)

    for i in range(number_options):
        key = f"n{i:02d}"
        step = rng.choice((Decimal(1), Decimal("0.5"), Decimal(5)))
        low = Decimal(rng.choice((0, 50, 100, 300)))
        points = rng.randint(min(40, max_number_values - 1), max(1, max_number_values - 1))
        high = low + step * points
        option = {
            "key": key,
            "label": f"Measure {i}",
            "type": "number",
            "group": "Measurements",
            "unit": rng.choice(UNITS),
            "min": fmt(low),
            "max": fmt(high),
            "step": fmt(step),
        }
        if choice_keys and rng.random() < 0.1:
            reads = rng.choice(choice_keys)
            option["when"] = f"{reads} != '{_values(options, reads)[0]}'"
        options.append(option)
        names[key] = NameInfo("number")
        number_keys.append(key)
        grids[key] = (low, high, step)

    # The hidden configuration, in option order (a condition reads earlier options only).
    for option in options:
        when = option.get("when")
        if when is not None and not _holds(parse(when, names=names), hidden, missing=False):
            continue
        if option["type"] == "choice":
            hidden[option["key"]] = rng.choice(_values(options, option["key"]))
        else:
            low, high, step = grids[option["key"]]
            hidden[option["key"]] = low + step * rng.randint(0, int((high - low) / step))
    for option in options:
        if rng.random() < 0.1 and option["key"] in hidden and option["type"] == "choice":
            option["default"] = hidden[option["key"]]

    drawn: list[dict[str, str]] = []
    sources: set[str] = set()
    attempts = 0
    while len(drawn) < rules and attempts < rules * 200:
        attempts += 1
        candidate = _rule(rng, options, choice_keys, number_keys, hidden, grids)
        if candidate is None or candidate[0] in sources:
            continue
        expr, message = candidate
        if not _holds(parse(expr, names=names), hidden, missing=True):
            continue
        sources.add(expr)
        drawn.append({"key": f"r{len(drawn):03d}", "expr": expr, "message": message})

    definition: dict[str, Any] = {
        "slug": f"synthetic-{seed}",
        "name": f"Synthetic product {seed}",
        "description": f"{choice_options} choices, {number_options} numbers, {rules} rules (seed {seed}).",
        "currency": "CNY",
        "base_price": "1000.00",
        "options": options,
        "rules": drawn,
        "prices": _prices(
            rng, choice_keys, [o["key"] for o in options if o["type"] == "number" and "when" not in o], options
        ),
    }
    resources: dict[str, Any] = {"items": {}, "work_centers": {}, "grid_co2e_kg_per_kwh": "0.581"}
    # Formulas read only numbers that always apply (reading one without a value is a catalog error).
    always = [o["key"] for o in options if o["type"] == "number" and "when" not in o]
    routing = _routing(rng, operations, choice_keys, always, options, resources)
    definition["routing"] = routing
    definition["bom"] = _bom(rng, bom_lines, choice_keys, always, options, routing, resources)
    return definition, resources


def _values(options: list[dict[str, Any]], key: str) -> list[str]:
    for option in options:
        if option["key"] == key:
            return [c["value"] for c in option["choices"]]
    raise KeyError(key)


def _holds(expression: Any, env: dict[str, object], *, missing: bool) -> bool:
    try:
        return expression.evaluate(env) is True
    except MissingValue:
        return missing


def _pick_set(rng: random.Random, values: list[str], must: object | None) -> list[str]:
    size = rng.randint(1, max(1, len(values) - 1))
    chosen = rng.sample(values, k=size)
    if must is not None and must not in chosen:
        chosen[0] = str(must)
    return [v for v in values if v in chosen]


def _tuple(values: list[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ("," if len(values) == 1 else "") + ")"


def _rule(
    rng: random.Random,
    options: list[dict[str, Any]],
    choice_keys: list[str],
    number_keys: list[str],
    hidden: dict[str, object],
    grids: dict[str, tuple[Decimal, Decimal, Decimal]],
) -> tuple[str, str] | None:
    shapes = ["implies", "implies", "implies", "excludes", "in_set", "three"]
    if len(number_keys) >= 2:
        shapes += ["difference", "ratio"]
    if number_keys and choice_keys:
        shapes += ["needs_range"]
    shape = rng.choice(shapes)
    if shape in ("implies", "excludes", "in_set", "three"):
        if len(choice_keys) < (3 if shape == "three" else 2):
            return None
        if len(choice_keys) > 6:
            # Real rules link nearby options more often than far ones.
            first = rng.randrange(len(choice_keys))
            near = [k for j, k in enumerate(choice_keys) if k != choice_keys[first] and abs(j - first) <= 6]
            keys = [choice_keys[first], *rng.sample(near, k=2 if shape == "three" else 1)]
        else:
            keys = rng.sample(choice_keys, k=3 if shape == "three" else 2)
        a, b = keys[0], keys[1]
        va, vb = _values(options, a), _values(options, b)
        x = rng.choice(va)
        if shape == "implies":
            allowed = _pick_set(rng, vb, hidden.get(b) if hidden.get(a) == x else None)
            target = f"{b} == '{allowed[0]}'" if len(allowed) == 1 else f"{b} in {_tuple(allowed)}"
            return f"{a} != '{x}' or {target}", f"{a.upper()} {x} needs {b.upper()} in {', '.join(allowed)}."
        if shape == "excludes":
            y = rng.choice(vb)
            return f"not ({a} == '{x}' and {b} == '{y}')", f"{a.upper()} {x} cannot go with {b.upper()} {y}."
        if shape == "in_set":
            group = _pick_set(rng, va, None)
            y = rng.choice(vb)
            return (
                f"{a} not in {_tuple(group)} or {b} != '{y}'",
                f"{b.upper()} {y} is not made with {a.upper()} {', '.join(group)}.",
            )
        c = keys[2]
        y = rng.choice(vb)
        allowed = _pick_set(rng, _values(options, c), hidden.get(c))
        return (
            f"{a} != '{x}' or {b} != '{y}' or {c} in {_tuple(allowed)}",
            f"{a.upper()} {x} with {b.upper()} {y} needs {c.upper()} in {', '.join(allowed)}.",
        )
    if shape in ("difference", "ratio"):
        m, n = rng.sample(number_keys, k=2)
        if m not in hidden or n not in hidden:
            return None
        hm, hn = hidden[m], hidden[n]
        assert isinstance(hm, Decimal) and isinstance(hn, Decimal)
        if shape == "difference":
            margin = hm - hn + Decimal(rng.randint(0, 40))
            return f"{m} <= {n} + {fmt(margin)}", f"{m.upper()} can be at most {fmt(margin)} more than {n.upper()}."
        if not hn:
            return None
        ratio = (hm / hn * Decimal(rng.choice(("0.8", "0.9", "0.95")))).quantize(Decimal("0.01"))
        return f"{m} >= {fmt(ratio)} * {n}", f"{m.upper()} must be at least {fmt(ratio)} times {n.upper()}."
    a = rng.choice(choice_keys)
    n = rng.choice(number_keys)
    x = rng.choice(_values(options, a))
    low, high, step = grids[n]
    bound = low + step * rng.randint(0, int((high - low) / step))
    if rng.random() < 0.5:
        return f"{a} != '{x}' or {n} >= {fmt(bound)}", f"{a.upper()} {x} needs {n.upper()} of at least {fmt(bound)}."
    return f"{a} != '{x}' or {n} <= {fmt(bound)}", f"{a.upper()} {x} allows {n.upper()} of at most {fmt(bound)}."


def _prices(
    rng: random.Random, choice_keys: list[str], number_keys: list[str], options: list[dict[str, Any]]
) -> list[dict[str, str]]:
    prices = []
    for i, key in enumerate(choice_keys[:4]):
        value = _values(options, key)[-1]
        prices.append({"key": f"p{i}", "label": f"Extra {i}", "when": f"{key} == '{value}'", "amount": "50"})
    for i, key in enumerate(number_keys[:3]):
        prices.append({"key": f"pn{i}", "label": f"Size {i}", "when": f"{key} > 0", "amount": f"{key} * 0.2"})
    return prices


def _routing(
    rng: random.Random,
    count: int,
    choice_keys: list[str],
    number_keys: list[str],
    options: list[dict[str, Any]],
    resources: dict[str, Any],
) -> list[dict[str, Any]]:
    centers = [f"WC{i}" for i in range(max(1, min(8, count // 3)))]
    for code in centers:
        resources["work_centers"][code] = {"name": f"Work center {code}", "power_kw": str(rng.choice((1, 2, 5, 7.5)))}
    routing = []
    for i in range(count):
        operation: dict[str, Any] = {
            "key": f"op{i:02d}",
            "name": f"Operation {i}",
            "work_center": rng.choice(centers),
            "setup_minutes": str(rng.choice((0, 5, 10))),
            "run_minutes": str(rng.randint(3, 40)),
        }
        if number_keys and rng.random() < 0.4:
            operation["run_minutes"] += f" + {rng.choice(number_keys)} / 100"
        if i:
            operation["after"] = sorted({f"op{j:02d}" for j in rng.sample(range(max(0, i - 3), i), k=min(i, 2))})
        if choice_keys and rng.random() < 0.2:
            key = rng.choice(choice_keys)
            operation["when"] = f"{key} != '{_values(options, key)[0]}'"
        if choice_keys and rng.random() < 0.2:
            operation["setup_family"] = rng.choice(choice_keys)
        routing.append(operation)
    return routing


def _bom(
    rng: random.Random,
    count: int,
    choice_keys: list[str],
    number_keys: list[str],
    options: list[dict[str, Any]],
    routing: list[dict[str, Any]],
    resources: dict[str, Any],
) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    assemblies: list[str] = []
    for i in range(count):
        key = f"L{i:03d}"
        line: dict[str, Any] = {"key": key}
        if assemblies and rng.random() < 0.85:
            line["parent"] = rng.choice(assemblies)
        if i % 15 == 0:
            line["assembly"] = f"Assembly {i}"
            line["quantity"] = str(rng.choice((1, 1, 2)))
            assemblies.append(key)
        else:
            sku = f"ITEM-{rng.randrange(max(1, count // 2)):04d}"
            uom, decimals = rng.choice(UOMS)
            resources["items"].setdefault(
                sku,
                {
                    "name": f"Item {sku}",
                    "uom": uom,
                    "decimals": decimals,
                    "co2e_kg": str(rng.choice(("0.1", "1", "3.5"))),
                },
            )
            line["item"] = sku
            quantity = str(rng.choice(("1", "2", "4", "0.5", "1.25")))
            if number_keys and rng.random() < 0.4:
                quantity = f"{rng.choice(number_keys)} * 0.002 + {quantity}"
            line["quantity"] = quantity
            if rng.random() < 0.5:
                line["scrap_pct"] = str(rng.choice((2, 3, 5, 10)))
            if routing:
                line["operation"] = rng.choice(routing)["key"]
        if choice_keys and rng.random() < 0.3:
            key_ = rng.choice(choice_keys)
            line["when"] = f"{key_} == '{rng.choice(_values(options, key_))}'"
        lines.append(line)
    return lines
