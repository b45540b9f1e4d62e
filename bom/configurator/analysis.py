"""Publish-time analysis of a product: what its author should look at before publishing it.

`analyse(compiled)` returns findings, each with a severity (`error`: customers will hit it;
`warning`: probably a mistake, or slower than it could be) and the path of the definition it is
about. It looks for:

- a component of options with no valid configuration at all (compile refuses those already);
- options that can never apply (their condition is false in every valid configuration);
- choice and boolean values that no valid configuration takes;
- number options whose values are only partly reachable;
- rules that never bite: no configuration that satisfies all the other rules breaks them;
- formulas (BOM quantities, routing minutes, price amounts) that go negative or fail (division by
  zero) on valid configurations. This is checked on samples, and the finding says which: every
  choice and boolean value, each number at its extremes, and, for a formula linear in the
  numbers, a configuration with each number it reads pushed towards the formula's minimum;
- rules that are not linear in the numbers (checked by evaluation, their numbers by scanning);
- formulas that outgrow what stores their values (outputs.MAX_PRICE, MAX_QUANTITY, MAX_MINUTES);
- a price that can go below zero: a sound lower bound (base price, cheapest choice deltas, each
  adder's lowest amount by interval arithmetic) below 0 is an error;
- with a search budget (`analyse_definition(..., search_budget=...)`): configuring the empty spec
  or a sample spec past the budget, or the analysis itself past ANALYSIS_BUDGET_FACTOR times it.

Everything runs on the compiled models (no database), in well under a second for products of the
size of the demo catalog.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from bom.configurator.budget import SearchBudgetExceeded, metered
from bom.configurator.compiled import Model, Network, Opaque
from bom.configurator.components import Component
from bom.configurator.decimals import fmt
from bom.configurator.domains import to_solution
from bom.configurator.engine import CompiledProduct, compile_product
from bom.configurator.limits import Limits
from bom.configurator.model import ANY_TEXT, CatalogError, Option, Rule
from bom.configurator.outputs import MAX_MINUTES, MAX_PRICE, MAX_QUANTITY, BuildError, large, price_total
from bom.configurator.schema import read_definition
from bom.configurator.symbolic import (
    MISSING_BITS,
    NA,
    PRESENT,
    UNSET,
    NotLinear,
    SymbolicReader,
    TooLarge,
    Tree,
    Var,
    swap,
    to_cnf,
)
from bom.expressions import Expression, ExpressionError


@dataclass(frozen=True)
class Finding:
    """One thing an author should look at: `severity` is "error" or "warning"."""

    severity: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.path}: {self.message}"


# The whole analysis may search this many times a configure call's budget (it asks about every
# value and rule; about a thousand configure calls' worth for a product of 80 options).
ANALYSIS_BUDGET_FACTOR = 50


def analyse_definition(
    definition: Mapping[str, Any],
    resources: Mapping[str, Any],
    *,
    search_budget: int | None = None,
    limits: Limits | None = None,
) -> list[Finding]:
    """`analyse` of a definition. One that cannot be read (fields, expressions, references, cycles)
    or has no valid configuration gives its problems as errors; one whose only problems are
    formulas failing on valid configurations is analysed whole (its formulas among the findings).

    With `search_budget` (a configure call's, CONFIGURATOR_SEARCH_BUDGET), configuring the empty
    spec and sample specs must each stay within it, and the analysis itself within
    ANALYSIS_BUDGET_FACTOR times it; otherwise that is the one error found. A definition past
    `limits` (its number of options or rules) has that as its one error."""
    parts = read_definition(definition, resources, limits=limits)
    if not parts.searchable or parts.problems:
        return [Finding("error", p.path, p.message) for p in parts.problems]
    limit = None if search_budget is None else search_budget * ANALYSIS_BUDGET_FACTOR
    try:
        with metered(limit):
            product = CompiledProduct(parts)
            if product._sample_configurations() is None:
                try:
                    compile_product(definition, resources)
                except CatalogError as exc:
                    return [Finding("error", p.path, p.message) for p in exc.problems]
            elif search_budget is not None:
                over = _budget_findings(product, search_budget)
                if over:
                    return over
            return analyse(product)
    except SearchBudgetExceeded:
        return [
            Finding(
                "error",
                "rules",
                f"analysing this product needs more than {limit} search steps ({ANALYSIS_BUDGET_FACTOR} times "
                "CONFIGURATOR_SEARCH_BUDGET): its rules make the search too hard; simplify them or split the product",
            )
        ]


def _budget_findings(product: CompiledProduct, search_budget: int) -> list[Finding]:
    """An error when configuring the empty spec, or a sample spec (a valid configuration for each
    choice and boolean value and number extreme, whole and with every other option left open),
    needs more than `search_budget` steps: customers would get no answer."""
    specs: list[tuple[str, dict[str, object]]] = [("the empty spec", {})]
    for sample in (product._sample_configurations() or [])[:8]:
        spec = {k: v for k, v in sample.items() if v is not ANY_TEXT}
        specs.append((f"the spec {_spec_text(spec)}", spec))
        partial = dict(list(spec.items())[::2])
        specs.append((f"the partial spec {_spec_text(partial)}", partial))
    for what, spec in specs:
        try:
            product.configure_metered(spec, budget=search_budget)
        except SearchBudgetExceeded:
            return [
                Finding(
                    "error",
                    "rules",
                    f"configuring {what} needs more than {search_budget} search steps "
                    "(CONFIGURATOR_SEARCH_BUDGET): customers would get no answer; simplify the rules or split "
                    "the product",
                )
            ]
    return []


def _spec_text(spec: Mapping[str, object]) -> str:
    return "{" + ", ".join(f"{k}={_shown(v)}" for k, v in spec.items()) + "}"


def analyse(product: CompiledProduct) -> list[Finding]:
    """Everything found in a compiled product, errors first, each list in definition order."""
    findings = [Finding("warning", w.path, w.message) for w in product.warnings]
    for component in product._components:
        model = product._models.get(component.index)
        if model is not None:
            findings += _component_findings(component, model)
    findings += _formula_findings(product)
    findings += _price_findings(product)
    return [f for f in findings if f.severity == "error"] + [f for f in findings if f.severity == "warning"]


# -- options, values, rules ---------------------------------------------------------------------


def _component_findings(component: Component, model: Model) -> list[Finding]:
    root = model.state({})
    first = model.search(root) if root is not None else None
    if root is None or first is None:
        keys = ", ".join(r.key for r in component.rules)
        return [Finding("error", "rules", f"no valid configuration: the rules contradict each other ({keys})")]
    findings: list[Finding] = []
    discrete = [v for v, o in enumerate(model.options) if o.type in ("choice", "boolean")]
    numbers = [v for v, o in enumerate(model.options) if o.type == "number"]
    support = model.supports(root, discrete + numbers, [first])
    for v, option in enumerate(model.options):
        path = f"options[{option.index}]"
        if option.when is not None and not _applies_somewhere(model, root, v, support.masks.get(v, 0)):
            findings.append(
                Finding(
                    "warning",
                    path,
                    f"'{option.key}' never applies: its condition '{option.when.source}' is false in every "
                    "valid configuration",
                )
            )
            continue
        if option.type in ("choice", "boolean"):
            for j, value in enumerate(option.values):
                if support.masks[v] & model.encode(option.key, value):
                    continue
                where = f"{path}.choices[{j}]" if option.type == "choice" else path
                shown = value if option.type == "choice" else ("true" if value else "false")
                findings.append(
                    Finding(
                        "warning", where, f"{option.key} '{shown}' can never be chosen: no valid configuration has it"
                    )
                )
        elif option.type == "number":
            reachable = support.ranges[v]
            if reachable != [(0, len(option.values) - 1)]:
                shown = ", ".join(f"{fmt(option.values[a])}..{fmt(option.values[b])}" for a, b in reachable)  # type: ignore[arg-type]
                findings.append(
                    Finding(
                        "warning",
                        path,
                        f"'{option.key}': only {shown} {option.unit}".rstrip()
                        + " can be chosen in a valid configuration",
                    )
                )
    position = 0
    for rule in component.rules:
        count = len(model.rule_parts[rule.index][0])
        if _never_bites(model, rule, position, position + count):
            findings.append(
                Finding(
                    "warning",
                    f"rules[{rule.index}].expr",
                    f"'{rule.key}' never rules anything out: no configuration that satisfies the other rules breaks it",
                )
            )
        position += count
    return findings


def _applies_somewhere(model: Model, root: Any, v: int, supported: int) -> bool:
    if supported & ~MISSING_BITS:
        return True
    dom, lo, hi = (list(x) for x in root)
    dom[v] &= ~NA
    if not dom[v] or (model.sat is None and not model.network.propagate(dom, lo, hi, [v])):
        return False
    return model.search((dom, lo, hi)) is not None  # on SAT: the solver propagates


def _never_bites(model: Model, rule: Rule, start: int, end: int) -> bool:
    """Whether no configuration satisfying everything but `rule` breaks it."""
    reader = SymbolicReader(model.reader.names)  # its own: readers keep state while reading
    try:
        negation = to_cnf(swap(reader.rule(rule.expr), reader), model.rootmap)
        extra: list[Opaque] = []
    except (NotLinear, TooLarge):
        negation = []
        extra = [Opaque(tuple(sorted(model.index[k] for k in rule.expr.names)), rule.expr, None, negated=True)]
    if model.sat is not None and not extra:
        # One call on the guarded solver (the rule's selector left out), not a network per rule.
        answer = model.guarded.never_bites(rule.index, negation)
        if answer is not None:
            return answer
    others = model.clauses[:start] + model.clauses[end:]
    opaques = [o for o in model.opaques if o.owner is not None or o.expression is not rule.expr]
    network = Network(model, others + negation, opaques + extra)
    dom = list(model.roots)
    for v, mask in model.unset_text.items():
        dom[v] &= mask
    lo = [0] * model.n
    hi = [len(g) - 1 if model.isnum[v] else 0 for v, g in enumerate(model.grid)]
    if not network.start(dom, lo, hi):
        return True
    return model.search((dom, lo, hi), network=network) is None


# -- formulas ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Formula:
    path: str
    expression: Expression
    when: tuple[Expression, ...]  # conditions that must all hold for it to be evaluated
    negative: str  # "error" | "warning" | "" (allowed)
    limit: Decimal  # its value must stay below this in size (outputs.py)


def _formulas(product: CompiledProduct) -> list[_Formula]:
    out = []
    for adder in product._prices:
        when: tuple[Expression, ...] = (adder.when,) if adder.when is not None else ()
        out.append(_Formula(f"prices[{adder.index}].amount", adder.amount, when, "warning", MAX_PRICE))
    conditions: dict[str, tuple[Expression, ...]] = {}
    for line in product._bom:
        whens: tuple[Expression, ...] = conditions.get(line.parent, ()) if line.parent else ()
        if line.when is not None:
            whens = (*whens, line.when)
        conditions[line.key] = whens
        out.append(_Formula(f"bom[{line.index}].quantity", line.quantity, whens, "error", MAX_QUANTITY))
    for op in product._routing:
        gate: tuple[Expression, ...] = (op.when,) if op.when is not None else ()
        out.append(_Formula(f"routing[{op.index}].setup_minutes", op.setup_minutes, gate, "error", MAX_MINUTES))
        out.append(_Formula(f"routing[{op.index}].run_minutes", op.run_minutes, gate, "error", MAX_MINUTES))
    return out


def _formula_findings(product: CompiledProduct) -> list[Finding]:
    samples = product._sample_configurations() or []
    if not samples:
        return []
    formulas = _formulas(product)
    directed = list(_directed_samples(product, formulas, samples[0]))
    envs = samples + directed
    checked = (
        f"checked on {len(envs)} valid configurations: every choice and boolean value, each number at its "
        f"extremes, and {len(directed)} with a formula's numbers pushed towards its minimum"
    )
    failures: dict[str, Finding] = {}
    lowest: dict[str, tuple[Decimal, str]] = {}
    for env in envs:
        for formula in formulas:
            if formula.path in failures or not _all_hold(formula.when, env):
                continue
            example = ", ".join(f"{k}={_shown(env[k])}" for k in sorted(formula.expression.names) if k in env)
            example = f" (for example with {example})" if example else ""
            try:
                value = formula.expression.evaluate(env)
            except ExpressionError as exc:
                failures[formula.path] = Finding("error", formula.path, f"fails: {exc}{example}; {checked}")
                continue
            if isinstance(value, Decimal) and value.copy_abs() >= formula.limit:
                failures[formula.path] = Finding(
                    "error",
                    formula.path,
                    f"gives {large(value)}, too large (it must stay below {fmt(formula.limit)}){example}; {checked}",
                )
                continue
            if (
                isinstance(value, Decimal)
                and value < 0
                and formula.negative
                and (formula.path not in lowest or value < lowest[formula.path][0])
            ):
                lowest[formula.path] = (value, example)
    findings = dict(failures)
    for formula in formulas:
        if formula.path in lowest and formula.path not in findings:
            value, example = lowest[formula.path]
            findings[formula.path] = Finding(
                formula.negative, formula.path, f"can be negative (down to {fmt(value)}){example}; {checked}"
            )
    ordered = [findings[f.path] for f in formulas if f.path in findings]
    # What the formulas turn into as a whole (a BOM quantity times its sub-assemblies', ...), as
    # configuring builds it: whatever fails there is an error too, so a published version never
    # fails to compile.
    for problem in product._check_formulas(envs):
        if problem.path not in findings and problem.path != "price":
            ordered.append(Finding("error", problem.path, f"{problem.message}; {checked}"))
    return ordered


# -- the price ---------------------------------------------------------------------------------


def _price_findings(product: CompiledProduct) -> list[Finding]:
    """An error when the price is not proven to stay at or above zero (and below MAX_PRICE).

    The bound is sound, not exact: the base price, plus each choice option's cheapest price delta
    (or 0, if the option can be left without a value), plus each adder's lowest amount by interval
    arithmetic over the number options' ranges (or 0, if its condition can be false). Samples then
    look for a configuration that shows it."""
    numbers = {
        o.key: (Fraction(o.min), Fraction(o.max))
        for o in product._options
        if o.type == "number" and o.min is not None and o.max is not None
    }
    low: Fraction | None = Fraction(product.base_price)
    high: Fraction | None = Fraction(product.base_price)
    culprits: list[tuple[Fraction | None, str, str]] = []  # (lowest contribution, path, description)
    for option in product._options:
        if option.type != "choice" or not option.choices:
            continue
        j, cheapest = min(enumerate(option.choices), key=lambda c: c[1].price_delta)
        dearest = max(c.price_delta for c in option.choices)
        always = option.required and option.when is None
        cheap = Fraction(cheapest.price_delta) if always else min(Fraction(cheapest.price_delta), Fraction(0))
        low = None if low is None else low + cheap
        high = None if high is None else high + max(Fraction(dearest), Fraction(0))
        if cheap < 0:
            path = f"options[{option.index}].choices[{j}].price_delta"
            culprits.append((cheap, path, f"{option.key} '{cheapest.value}' ({fmt(cheapest.price_delta)})"))
    for adder in product._prices:
        lo, hi = _interval(adder.amount, adder.amount.tree, numbers)
        if adder.when is not None:
            lo = None if lo is None else min(lo, Fraction(0))
            hi = None if hi is None else max(hi, Fraction(0))
        low = None if low is None or lo is None else low + lo
        high = None if high is None or hi is None else high + hi
        if lo is None or lo < 0:
            shown = "unbounded below" if lo is None else f"down to {_fraction(lo)}"
            culprits.append((lo, f"prices[{adder.index}].amount", f"'{adder.key}' ({shown})"))
    findings = []
    if low is None or low < 0:
        culprits.sort(key=lambda c: (c[0] is not None, c[0] or 0))
        path = culprits[0][1] if culprits else "base_price"
        bound = "has no lower bound" if low is None else f"can be as low as {_fraction(low)}"
        findings.append(
            Finding(
                "error",
                path,
                f"the price can go below zero: base price {fmt(product.base_price)}, with "
                + ", ".join(c[2] for c in culprits)
                + f", {bound}"
                + _lowest_price_example(product),
            )
        )
    if high is None:
        findings.append(
            Finding(
                "warning",
                "prices",
                f"the price has no upper bound that the analysis can prove; above {fmt(MAX_PRICE)} "
                "a configuration cannot be ordered",
            )
        )
    elif high > Fraction(MAX_PRICE):
        findings.append(
            Finding("error", "prices", f"the price can be as high as {_fraction(high)}, more than {fmt(MAX_PRICE)}")
        )
    return findings


def _lowest_price_example(product: CompiledProduct) -> str:
    lowest: tuple[Decimal, Mapping[str, object]] | None = None
    for env in product._sample_configurations() or []:
        try:
            total = price_total(product.base_price, product._options, product._prices, env)
        except BuildError:
            continue
        if lowest is None or total < lowest[0]:
            lowest = (total, env)
    if lowest is None or lowest[0] >= 0:
        return " (no sample configuration shows it: make the bound hold)"
    example = ", ".join(f"{k}={_shown(v)}" for k, v in sorted(lowest[1].items()))
    return f" (for example {fmt(lowest[0])} with {example})"


def _fraction(value: Fraction) -> str:
    return fmt(Decimal(value.numerator) / Decimal(value.denominator))


Interval = tuple[Fraction | None, Fraction | None]  # None: unbounded on that side


def _interval(
    expression: Expression, node: ast.expr | None, numbers: Mapping[str, tuple[Fraction, Fraction]]
) -> Interval:
    """Bounds of a number formula over the number options' ranges (interval arithmetic)."""
    if node is None:
        return None, None
    if isinstance(node, ast.Constant):
        value = expression.literal(node)
        return (Fraction(value), Fraction(value)) if isinstance(value, Decimal) else (None, None)
    if isinstance(node, ast.Name):
        return numbers.get(node.id, (None, None))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        lo, hi = _interval(expression, node.operand, numbers)
        if isinstance(node.op, ast.UAdd):
            return lo, hi
        return (None if hi is None else -hi), (None if lo is None else -lo)
    if isinstance(node, ast.BinOp):
        a = _interval(expression, node.left, numbers)
        b = _interval(expression, node.right, numbers)
        if isinstance(node.op, ast.Add):
            return _add(a[0], b[0]), _add(a[1], b[1])
        if isinstance(node.op, ast.Sub):
            return _add(a[0], None if b[1] is None else -b[1]), _add(a[1], None if b[0] is None else -b[0])
        if None in a or None in b:
            return None, None
        assert a[0] is not None and a[1] is not None and b[0] is not None and b[1] is not None
        if isinstance(node.op, ast.Mult):
            corners = [x * y for x in a for y in b]  # type: ignore[operator]
        elif isinstance(node.op, ast.Div) and not b[0] <= 0 <= b[1]:
            corners = [x / y for x in a for y in b]  # type: ignore[operator]
        else:
            return None, None
        return min(corners), max(corners)
    if isinstance(node, ast.IfExp):
        a = _interval(expression, node.body, numbers)
        b = _interval(expression, node.orelse, numbers)
        return _lowest(a[0], b[0]), _highest(a[1], b[1])
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        args = [_interval(expression, arg, numbers) for arg in node.args]
        name = node.func.id
        if name == "min":
            return _lowest(*(a[0] for a in args)), _lowest_known(*(a[1] for a in args))
        if name == "max":
            return _highest_known(*(a[0] for a in args)), _highest(*(a[1] for a in args))
        lo, hi = args[0]
        # round, ceil and floor are monotone and move a value by less than one unit
        return (None if lo is None else Fraction(math.floor(lo))), (None if hi is None else Fraction(math.ceil(hi)))
    return None, None


def _add(a: Fraction | None, b: Fraction | None) -> Fraction | None:
    return None if a is None or b is None else a + b


def _lowest(*values: Fraction | None) -> Fraction | None:
    return None if any(v is None for v in values) else min(v for v in values if v is not None)


def _highest(*values: Fraction | None) -> Fraction | None:
    return None if any(v is None for v in values) else max(v for v in values if v is not None)


def _lowest_known(*values: Fraction | None) -> Fraction | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def _highest_known(*values: Fraction | None) -> Fraction | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _shown(value: object) -> str:
    return fmt(value) if isinstance(value, Decimal) else str(value)


def _all_hold(whens: tuple[Expression, ...], env: Mapping[str, object]) -> bool:
    for when in whens:
        try:
            if when.evaluate(env) is not True:
                return False
        except ExpressionError:
            return False
    return True


def _directed_samples(
    product: CompiledProduct, formulas: list[_Formula], base: Mapping[str, object]
) -> Iterator[dict[str, object]]:
    """For each formula linear in the numbers, a valid configuration with each number it reads
    at the end that lowers it (as far as the rules allow)."""
    reader = _product_reader(product)
    numbers = {o.key for o in product._options if o.type == "number"}
    seen: set[tuple[object, ...]] = set()
    for formula in formulas:
        if not formula.expression.names & numbers:
            continue
        for directions in _lowering(reader, formula.expression):
            key = (tuple(sorted(directions.items())), tuple(w.source for w in formula.when))
            if not directions or key in seen:
                continue
            seen.add(key)
            env = dict(base)
            for component in product._components:
                model = product._models.get(component.index)
                if model is None:
                    continue
                wanted = {model.index[k]: d for k, d in directions.items() if k in model.index}
                # the formula's own conditions must hold, or it is not evaluated at all
                gates = [w for w in formula.when if w.names and w.names <= set(model.index)]
                if not wanted and not gates:
                    continue
                sol = _search_with(model, gates, wanted)
                if sol is None:
                    continue
                for k in component.keys:
                    env.pop(k, None)
                env.update(to_solution(model, sol).env)
            yield env


def _search_with(model: Model, gates: list[Expression], numbers: Mapping[int, str]) -> Any:
    """A valid configuration of the component where every condition of `gates` holds (those it
    can compile), each number of `numbers` pushed low or high; None if there is none."""
    reader = SymbolicReader(model.reader.names)
    extra = []
    for gate in gates:
        try:
            extra += to_cnf(reader.condition(gate), model.rootmap)
        except (NotLinear, TooLarge):
            continue
    network = Network(model, model.clauses + extra, model.opaques)
    dom = list(model.roots)
    for v, mask in model.unset_text.items():
        dom[v] &= mask
    lo = [0] * model.n
    hi = [len(g) - 1 if model.isnum[v] else 0 for v, g in enumerate(model.grid)]
    if not network.start(dom, lo, hi):
        return None
    return model.search((dom, lo, hi), network=network, numbers=numbers)


def _product_reader(product: CompiledProduct) -> SymbolicReader:
    names: dict[str, Var] = {}
    for i, option in enumerate(product._options):
        names[option.key] = _var(i, option)
    return SymbolicReader(names, limit=5000)


def _var(i: int, option: Option) -> Var:
    if option.type == "number":
        assert option.min is not None and option.step is not None
        return Var(i, True, (), NA | UNSET | PRESENT, Fraction(option.min), Fraction(option.step))
    values: tuple[object, ...] = tuple(option.values) if option.type != "text" else ("",)
    root = NA | UNSET
    for j in range(len(values)):
        root |= 1 << (2 + j)
    return Var(i, False, values, root)


def _lowering(reader: SymbolicReader, expression: Expression) -> list[dict[str, str]]:
    """Per linear branch of the formula, the direction that lowers it: number key -> low/high."""
    try:
        tree = reader.value(expression)
    except (NotLinear, TooLarge):
        return []
    keys = {var.index: key for key, var in reader.names.items()}
    out: list[dict[str, str]] = []
    for leaf in _leaves(tree):
        if leaf[0] == "L" and leaf[1]:
            # the sign of each number's own term (products of numbers are left to the samples)
            directions = {keys[m[0]]: ("low" if c > 0 else "high") for m, c in leaf[1] if len(m) == 1}
            if directions not in out:
                out.append(directions)
        if len(out) >= 4:
            break
    return out


def _leaves(tree: Tree) -> Iterator[Tree]:
    tag = tree[0]
    if tag == "D":
        for _, child in tree[2]:
            yield from _leaves(child)
    elif tag == "A":
        yield from _leaves(tree[2])
        yield from _leaves(tree[3])
    else:
        yield tree


__all__ = ["ANALYSIS_BUDGET_FACTOR", "Finding", "analyse", "analyse_definition"]
