"""The configurator's promises on random small products, against a brute-force oracle.

The oracle enumerates every complete configuration of a product (each option that applies takes
each of its values, or stays empty when optional) and keeps those that break no rule. From that
list alone it computes what the engine must answer: which options apply, each one's domain (the
values with a valid completion given all the other values of the spec, or valid once the chosen
options they make inapplicable are dropped), and whether the spec has a conflict. Products come
from the synthetic generator (small sizes) and from a strategy that mixes choices, booleans,
numbers, optional options, defaults, conditions and linear and non-linear rules.
"""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bom.configurator import CatalogError, compile_product
from bom.configurator.decimals import fmt
from bom.expressions import ExpressionError, MissingValue, NameInfo, parse
from tests.support.synthetic import synthetic_product

ABSENT = object()
REQUIRED = "This option is required."
SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- the oracle -------------------------------------------------------------------------------------


def values_of(option):
    if option["type"] == "choice":
        return [c["value"] for c in option["choices"]]
    if option["type"] == "boolean":
        return [True, False]
    if option["type"] == "text":
        return ["", "A", "Q"] if not option.get("required", False) else ["TEXT"]
    low, high, step = (Decimal(option[k]) for k in ("min", "max", "step"))
    return [low + k * step for k in range(int((high - low) / step) + 1)]


class Oracle:
    """Every valid configuration of a definition, and the engine's answers computed from them."""

    def __init__(self, definition, product=None):
        self.options = definition["options"]
        self.by_key = {o["key"]: o for o in self.options}
        names = {o["key"]: NameInfo(o["type"], tuple(c["value"] for c in o.get("choices", []))) for o in self.options}
        self.when = {o["key"]: parse(o["when"], names=names) for o in self.options if o.get("when")}
        self.rules = [parse(r["expr"], names=names) for r in definition.get("rules", [])]
        self.texts = [o["key"] for o in self.options if o["type"] == "text"]
        self.valid = []  # (values, applies)
        self._enumerate(0, {}, {})
        # Options linked by rules and conditions form independent components; the promise holds
        # within each (an option no rule links to a conflict keeps its full domain).
        self.component = {o["key"]: {o["key"]} for o in self.options}
        groups = [e.names for e in self.rules] + [w.names | {k} for k, w in self.when.items()]
        for group in groups:
            merged = set().union(*(self.component[k] for k in group))
            for k in merged:
                self.component[k] = merged
        # Defaults are filled in the engine's search order (conditions' inputs first); the order
        # only matters when two defaults cannot go together.
        self.order = [o.key for c in product._components for o in c.order] if product else list(self.by_key)

    values_of = staticmethod(lambda option: values_of(option))

    def optional(self, option):
        return option["type"] in ("choice", "number") and option.get("required") is False

    def applies(self, key, env):
        when = self.when.get(key)
        if when is None:
            return True
        try:
            return when.evaluate(env) is True
        except ExpressionError:
            return False

    def _enumerate(self, i, env, status):
        if i == len(self.options):
            if all(self._holds(rule, env) for rule in self.rules):
                self.valid.append((dict(env), dict(status)))
            return
        option = self.options[i]
        key = option["key"]
        status[key] = self.applies(key, env)
        if not status[key]:
            self._enumerate(i + 1, env, status)
            return
        for value in self.values_of(option) + ([ABSENT] if self.optional(option) else []):
            if value is ABSENT:
                env.pop(key, None)
            else:
                env[key] = value
            self._enumerate(i + 1, env, status)
        env.pop(key, None)

    @staticmethod
    def _holds(rule, env):
        try:
            return rule.evaluate(env) is True
        except MissingValue:
            return True
        except ExpressionError:
            return False

    def feasible(self, values, key=None):
        """Whether a valid configuration keeps `values` (only those of key's component, if given)."""
        if key is not None:
            values = {k: v for k, v in values.items() if k in self.component[key]}
        # an optional text nobody typed reads as '': the engine never types one for the customer
        texts = {k: "" for k in self.texts if k not in values and (key is None or k in self.component[key])}
        values = {**values, **texts}
        return any(all(env.get(k, ABSENT) == v for k, v in values.items()) for env, _ in self.valid)

    def conflict(self, values, status, final=True):
        """Whether the engine must report a conflict: some component of the values has no valid
        completion, or the spec is complete and, read as final (an unset optional boolean is
        false), breaks a rule."""
        if any(not self.feasible(values, key) for key in values):
            return True
        required = [o["key"] for o in self.options if o.get("required", o["type"] in ("choice", "number"))]
        if not final or any(status[k] is True and k not in values for k in required):
            return False
        env = dict(values)
        for key in self.order:
            if not self.applies(key, env):
                env.pop(key, None)
            elif key not in env and self.by_key[key]["type"] in ("boolean", "text"):
                env[key] = False if self.by_key[key]["type"] == "boolean" else ""
        return not all(self._holds(rule, env) for rule in self.rules)

    def condition_status(self, key, env, status):
        when = self.when.get(key)
        if when is None:
            return True
        try:
            return when.evaluate(env) is True
        except MissingValue as exc:
            return False if status.get(exc.name) is False else None
        except ExpressionError:
            return False

    def base(self, given, exclude=None):
        values = {k: v for k, v in given.items() if k != exclude}
        env = dict(values)
        status = {}
        for key in self.order:
            option = self.by_key[key]
            status[key] = state = self.condition_status(key, env, status)
            if state is not True or key in values or key == exclude:
                continue
            if "default" in option:
                default = option["default"]
                if option["type"] == "number":
                    default = Decimal(default)
                values[key] = env[key] = default
                if not self.feasible(values, key):
                    del values[key], env[key]
            elif option["type"] == "text" and not option.get("required", False):
                env[key] = ""
        return values, status

    def settle(self, given):
        """The engine's base: values of options that do not apply are refused, until none is left."""
        mine = dict(given)
        while True:
            values, status = self.base(mine)
            dropped = [k for k in mine if status[k] is False]
            if not dropped:
                return mine, values, status
            for key in dropped:
                del mine[key]

    def offered(self, mine, values, key):
        """The values of `key` offered: with a valid completion given the other values (or once
        the values of the options they make inapplicable are dropped)."""
        own = self.base(mine, exclude=key)[0] if key in values else values
        own = {k: v for k, v in own.items() if k in self.component[key]}
        dependents = [k for k, when in self.when.items() if key in when.names and k in own]
        relaxed = {k: v for k, v in own.items() if k not in dependents}
        relaxed.update({k: "" for k in self.texts if k not in own and k in self.component[key]})
        out = []
        for value in self.values_of(self.by_key[key]):
            if (
                self.feasible({**own, key: value})
                or dependents
                and any(
                    env.get(key, ABSENT) == value
                    and all(env.get(k, ABSENT) == v for k, v in relaxed.items())
                    and all(not applies[d] or env.get(d, ABSENT) == own[d] for d in dependents)
                    for env, applies in self.valid
                )
            ):
                out.append(value)
        return out


def grid_ranges(option, offered, oracle):
    grid = oracle.values_of(option)
    out = []
    start = prev = None
    for value in grid:
        if value in offered:
            start = value if start is None else start
            prev = value
        elif start is not None:
            out.append([fmt(start), fmt(prev)])
            start = None
    if start is not None:
        out.append([fmt(start), fmt(prev)])
    return out


# -- random products ----------------------------------------------------------------------------------


@st.composite
def synthetic_products(draw):
    definition, resources = synthetic_product(
        seed=draw(st.integers(min_value=0, max_value=10**6)),
        choice_options=draw(st.integers(min_value=3, max_value=5)),
        values_per_option=3,
        rules=draw(st.integers(min_value=1, max_value=7)),
        number_options=draw(st.integers(min_value=0, max_value=1)),
        max_number_values=5,
    )
    return definition


LETTERS = ("x", "y", "z")


@st.composite
def mixed_products(draw):
    """Choices, booleans and numbers; some optional, some with a default or a condition; rules
    linear and not."""
    n = draw(st.integers(min_value=2, max_value=4))
    options = []
    for i in range(n):
        key = f"o{i}"
        kind = draw(st.sampled_from(["choice", "choice", "boolean", "number"]))
        option = {"key": key, "label": key.upper(), "type": kind}
        if kind == "choice":
            count = draw(st.integers(min_value=2, max_value=3))
            option["choices"] = [{"value": v, "label": f"{v.upper()}{i}"} for v in LETTERS[:count]]
            if draw(st.integers(0, 4)) == 0:
                option["required"] = False
        elif kind == "number":
            step = draw(st.sampled_from(["1", "0.5"]))
            points = draw(st.integers(min_value=2, max_value=4))
            option.update(min="1", max=fmt(1 + Decimal(step) * (points - 1)), step=step, unit="cm")
            if draw(st.integers(0, 4)) == 0:
                option["required"] = False
        if i and draw(st.integers(0, 2)) == 0:
            option["when"] = draw(literal(options[draw(st.integers(0, i - 1))]))
        if draw(st.integers(0, 4)) == 0:
            values = values_of(option)
            default = draw(st.sampled_from(values))
            option["default"] = fmt(default) if isinstance(default, Decimal) else default
        options.append(option)
    if draw(st.integers(0, 2)) == 0:
        options.append({"key": "note", "label": "Note", "type": "text", "required": False, "max_length": 5})
        n += 1
    rules = []
    for j in range(draw(st.integers(min_value=1, max_value=4))):
        a, b = (options[k] for k in draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True)))
        if a["type"] == b["type"] == "number" and draw(st.booleans()):
            expr = draw(
                st.sampled_from(
                    [
                        f"{a['key']} <= {b['key']} + 0.5",
                        f"{a['key']} + {b['key']} <= 4",
                        f"{a['key']} * 2 >= {b['key']}",
                        f"{a['key']} != {b['key']}",
                        f"{a['key']} * {b['key']} <= 4",  # a product: bounds by interval arithmetic
                        f"{a['key']} * {a['key']} >= {b['key']} + 1",
                        f"{a['key']} / {b['key']} <= 1.5",  # not linear: checked by evaluation
                        f"round({a['key']} / 2) >= {b['key']} - 1",
                        f"min({a['key']}, {b['key']}) < 2",
                    ]
                )
            )
        elif b["type"] == "number" and a["type"] != "number" and draw(st.booleans()):
            expr = f"({b['key']} if {draw(literal(a))} else 1) <= 2"
        else:
            left, right = draw(literal(a)), draw(literal(b))
            expr = draw(st.sampled_from([f"{left} or {right}", f"not ({left} and {right})", f"{left}"]))
        rules.append({"key": f"r{j}", "expr": expr, "message": f"Rule {j}."})
    return {"slug": "mixed", "name": "Mixed", "currency": "CNY", "base_price": "1", "options": options, "rules": rules}


@st.composite
def literal(draw, option):
    key = option["key"]
    if option["type"] == "choice":
        values = [c["value"] for c in option["choices"]]
        value = draw(st.sampled_from(values))
        return draw(
            st.sampled_from([f"{key} == '{value}'", f"{key} != '{value}'", f"{key} in ('{values[0]}', '{value}')"])
        )
    if option["type"] == "boolean":
        return draw(st.sampled_from([key, f"not {key}"]))
    if option["type"] == "text":
        return draw(st.sampled_from([f"{key} == ''", f"{key} != 'A'", f"{key} in ('A', 'B')"]))
    value = draw(st.sampled_from(["1", "1.5", "2", "2.5"]))
    return draw(st.sampled_from([f"{key} >= {value}", f"{key} < {value}"]))


def compiled_or_none(definition, oracle):
    try:
        return compile_product(definition, {})
    except CatalogError as exc:
        # only a product without any valid configuration is refused (one without typed texts)
        assert not oracle.feasible({}), exc.problems
        return None


@st.composite
def specs(draw, definition, oracle):
    """A random partial spec: some options set to some of their values (maybe inapplicable)."""
    spec = {}
    for option in definition["options"]:
        if draw(st.integers(0, 2)) == 0:
            continue
        value = draw(st.sampled_from(oracle.values_of(option)))
        if value != "":
            spec[option["key"]] = fmt(value) if isinstance(value, Decimal) else value
    return spec


def typed(oracle, spec):
    return {k: Decimal(v) if oracle.by_key[k]["type"] == "number" else v for k, v in spec.items()}


# -- domains equal the oracle's -------------------------------------------------------------------


def check_answer(product, oracle, spec):
    result = product.configure(spec)
    mine, values, status = oracle.settle(typed(oracle, spec))
    applicable = [k for k in oracle.by_key if status[k] is True or (status[k] is None and k in values)]
    assert result["applicable"] == applicable, spec
    for key in applicable:
        option = oracle.by_key[key]
        offered = oracle.offered(mine, values, key)
        domain = result["domains"][key]
        if option["type"] == "number":
            assert domain["ranges"] == grid_ranges(option, offered, oracle), (key, spec)
        elif option["type"] == "choice":
            assert domain["choices"] == offered, (key, spec)
            assert set(domain["excluded"]) == set(oracle.values_of(option)) - set(offered)
            assert all(domain["excluded"].values())
        elif option["type"] == "boolean":
            assert domain["choices"] == offered, (key, spec)
        else:
            assert domain == {"max_length": option.get("max_length", 200)}
    # the spec has a conflict exactly when no valid configuration keeps its values
    conflicts = [
        m for msgs in result["errors"].values() for m in msgs if m != REQUIRED and not m.startswith("Does not apply")
    ]
    # (a spec is read as final only when nothing else is wrong: no value refused as inapplicable)
    final = len(mine) == len(spec)
    assert bool(conflicts) is oracle.conflict(values, status, final), (spec, result["errors"])
    return result


@SETTINGS
@given(data=st.data())
def test_domains_of_synthetic_products_equal_the_oracle(data):
    definition = data.draw(synthetic_products())
    oracle = Oracle(definition)
    product = compiled_or_none(definition, oracle)
    assume(product is not None)
    oracle.order = [o.key for c in product._components for o in c.order]
    for _ in range(3):
        check_answer(product, oracle, data.draw(specs(definition, oracle)))


@SETTINGS
@given(data=st.data())
def test_domains_of_mixed_products_equal_the_oracle(data):
    definition = data.draw(mixed_products())
    oracle = Oracle(definition)
    product = compiled_or_none(definition, oracle)
    assume(product is not None)
    oracle.order = [o.key for c in product._components for o in c.order]
    for _ in range(3):
        check_answer(product, oracle, data.draw(specs(definition, oracle)))


NOT_POSSIBLE = re.compile(r"^Not possible together with (.*)\.$")


def blind(answer):
    """An answer with the conflict named by "Not possible together with" hidden (both engines
    name a minimal conflict, not always the same one). Structural, not on repr(): a reason that
    contains a quote changes how repr() quotes it."""
    if isinstance(answer, dict):
        return {key: blind(value) for key, value in answer.items()}
    if isinstance(answer, list | tuple):
        return [blind(value) for value in answer]
    if isinstance(answer, str):
        return re.sub(r"Not possible together with .*\.", "Not possible together with ...", answer)
    return answer


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_compiled_engine_answers_like_the_reference_search(data):
    # given a random product and spec
    definition = data.draw(st.one_of(mixed_products(), synthetic_products()))
    oracle = Oracle(definition)
    product = compiled_or_none(definition, oracle)
    assume(product is not None)
    spec = data.draw(specs(definition, oracle))
    # then the compiled engine and the reference search give the same answer, except which
    # minimal set of values a "Not possible together with" names (both are minimal conflicts)
    fast, slow = product.configure(spec), product.configure_reference(spec)

    assert blind(fast) == blind(slow)


def test_the_reference_comparison_ignores_how_repr_would_quote_a_reason():
    # given the case Hypothesis found: a reason that names a value in quotes
    definition = {
        "slug": "mixed", "name": "Mixed", "currency": "CNY", "base_price": "1",
        "options": [
            {"key": "o0", "label": "O0", "type": "choice", "required": False,
             "choices": [{"value": "x", "label": "X0"}, {"value": "y", "label": "Y0"}]},
            {"key": "o1", "label": "O1", "type": "choice", "required": False,
             "choices": [{"value": "x", "label": "X1"}, {"value": "y", "label": "Y1"}]},
            {"key": "o2", "label": "O2", "type": "boolean"},
            {"key": "note", "label": "Note", "type": "text", "required": False, "max_length": 5},
        ],
        "rules": [
            {"key": "r0", "expr": "o0 != 'x'", "message": "Rule 0."},
            {"key": "r1", "expr": "o0 == 'x' or o2", "message": "Rule 1."},
            {"key": "r2", "expr": "o2 or note == ''", "message": "Rule 2."},
            {"key": "r3", "expr": "o1 == 'x' or o2", "message": "Rule 3."},
        ],
    }  # fmt: skip
    product = compile_product(definition, {})
    spec = {"o0": "x", "o2": False, "note": "A"}
    # then both engines agree up to which minimal conflict they name
    assert blind(product.configure(spec)) == blind(product.configure_reference(spec))


# -- walks ------------------------------------------------------------------------------------------


def walk_to_the_end(product, oracle, rng):
    """Pick only offered values for the options still open, drop values of options that stop
    applying, until every option that applies has a value; the spec must then be valid. (A spec
    complete earlier may still break a rule: an unset optional boolean reads as false.)"""
    spec = {}
    left_empty = set()
    for _ in range(6 * len(oracle.options) + 6):
        result = product.configure(spec)
        unset = [
            k
            for k in result["applicable"]
            if k not in result["normalized_spec"] and oracle.by_key[k]["type"] != "text" and k not in left_empty
        ]
        for key, messages in result["errors"].items():
            assert all(m == REQUIRED or m.startswith("Does not apply") for m in messages) or (
                result["complete"] and unset
            ), (spec, result["errors"])
            if any(m.startswith("Does not apply") for m in messages):
                del spec[key]
        if any(m.startswith("Does not apply") for msgs in result["errors"].values() for m in msgs):
            continue
        if not unset:
            assert result["valid"], (spec, result["errors"])
            return spec
        key = rng.choice(unset)
        domain = result["domains"][key]
        if "ranges" in domain:
            choices = [
                fmt(v)
                for v in oracle.values_of(oracle.by_key[key])
                if any(Decimal(lo) <= v <= Decimal(hi) for lo, hi in domain["ranges"])
            ]
        else:
            choices = domain["choices"]
        if not choices:
            # only an optional option may have nothing left to offer: it stays empty
            assert oracle.by_key[key].get("required") is False, (key, spec, domain)
            left_empty.add(key)
            continue
        spec[key] = rng.choice(choices)
    raise AssertionError(f"the walk did not end: {spec}")


@SETTINGS
@given(data=st.data(), seed=st.integers(min_value=0, max_value=10**6))
def test_random_walks_through_offered_values_end_valid(data, seed):
    import random

    definition = data.draw(st.one_of(mixed_products(), synthetic_products()))
    oracle = Oracle(definition)
    product = compiled_or_none(definition, oracle)
    assume(product is not None)
    rng = random.Random(seed)
    for _ in range(3):
        walk_to_the_end(product, oracle, rng)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_valid_configuration_is_reachable_value_by_value(data):
    # given a product without defaults (a default is a value the walk would have to undo first)
    definition = data.draw(st.one_of(mixed_products(), synthetic_products()))
    for option in definition["options"]:
        option.pop("default", None)
    oracle = Oracle(definition)
    product = compiled_or_none(definition, oracle)
    assume(product is not None)
    # when a walk sets the values of a valid configuration one by one, in option order
    for env, _ in oracle.valid[:: max(1, len(oracle.valid) // 6)]:
        # (a text is typed, not picked from a domain: first)
        spec = {k: v for k, v in env.items() if oracle.by_key[k]["type"] == "text" and v}
        for key, value in env.items():
            if oracle.by_key[key]["type"] == "text":
                continue
            domain = product.configure(spec)["domains"][key]
            shown = fmt(value) if isinstance(value, Decimal) else value
            # then each value is offered when it is picked
            if "ranges" in domain:
                assert any(Decimal(lo) <= value <= Decimal(hi) for lo, hi in domain["ranges"]), (key, spec, domain)
            else:
                assert value in domain["choices"], (key, spec, domain)
            spec[key] = shown
        # and the configuration is valid at the end
        assert product.configure(spec)["valid"] is True, spec
