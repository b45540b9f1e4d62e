"""Exact, backtrack-free domains by search over independent components: the reference engine.

The configurator answers from the compiled components (compiled.py, domains.py); this search,
value by value over each option's grid, is the reference they are tested against, the fallback
for what a compiled component cannot hold, and the benchmarks' baseline. Its bases, components
and explanation texts are shared by both.

Options that share a rule, or where one's condition (`when`) reads the other, form a component;
components are independent, so a spec is feasible when each of its components is, and a domain
only needs a search inside its own component. Options that no rule or condition touches are free.

A *base* is the set of values a search keeps fixed (the customer's values plus defaults that
apply); every other option of the component is a variable. The search assigns variables in an
order where a condition's inputs come first, so an option's applicability is known when it is
reached: a non-applicable option stays unset, an optional one may stay unset. A rule is checked
as soon as the last of its variables is assigned; a rule that reads an unset option does not
apply. A fixed value's own condition must hold, checked the same way.

Domains are computed per value ("is there a complete valid configuration with this value?"),
with two shortcuts that keep the answer exact: a value seen in any solution found so far is
supported, and a value is also supported when changing it in a recent solution breaks none of
the rules or conditions that read it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import networkx as nx

from bom.configurator.budget import meter
from bom.configurator.decimals import fmt
from bom.configurator.i18n import tr
from bom.configurator.model import ANY_TEXT, UNSET, Option, Rule
from bom.expressions import Expression, ExpressionError, MissingValue

Env = dict[str, Any]
Check = Callable[[Env], bool]


@dataclass(eq=False)
class Component:
    index: int
    options: tuple[Option, ...]  # display order
    order: tuple[Option, ...]  # search order: a condition's inputs first, then small domains first
    rules: tuple[Rule, ...]
    keys: frozenset[str]
    free: bool  # no rule and no condition: every value is always possible
    rules_reading: dict[str, tuple[Rule, ...]] = field(default_factory=dict)
    whens_reading: dict[str, tuple[Option, ...]] = field(default_factory=dict)
    defaults: bool = True  # some option has a default (build_base may fill it)
    members: dict[str, Option] = field(default_factory=dict)  # key -> option


def build_components(options: list[Option], rules: list[Rule]) -> list[Component]:
    graph = nx.Graph()
    graph.add_nodes_from(o.key for o in options)
    for rule in rules:
        names = sorted(rule.expr.names)
        graph.add_edges_from(zip(names, names[1:], strict=False))
    for option in options:
        if option.when is not None:
            graph.add_edges_from((option.key, name) for name in option.when.names)
    by_key = {o.key: o for o in options}
    components = []
    groups = sorted(nx.connected_components(graph), key=lambda keys: min(by_key[k].index for k in keys))
    group_of = {k: index for index, keys in enumerate(groups) for k in keys}
    rules_of: list[list[Rule]] = [[] for _ in groups]
    for rule in rules:
        for name in rule.expr.names:  # a rule reads one component (its names are linked)
            if name in group_of:
                rules_of[group_of[name]].append(rule)
                break
    for index, keys in enumerate(groups):
        members = tuple(sorted((by_key[k] for k in keys), key=lambda o: o.index))
        own_rules = tuple(rules_of[index])
        depends = nx.DiGraph()
        depends.add_nodes_from(keys)
        for option in members:
            if option.when is not None:
                depends.add_edges_from((name, option.key) for name in option.when.names)
        order = tuple(
            by_key[k]
            for k in nx.lexicographical_topological_sort(
                depends, key=lambda k: (len(by_key[k].search_values), by_key[k].index)
            )
        )
        components.append(
            Component(
                index=index,
                options=members,
                order=order,
                rules=own_rules,
                keys=frozenset(keys),
                free=not own_rules and all(o.when is None for o in members),
                defaults=any(o.default is not None for o in members),
                members={o.key: o for o in members},
                rules_reading=_reading(keys, own_rules, lambda r: r.expr.names),
                whens_reading=_reading(
                    keys,
                    [o for o in members if o.when is not None],
                    lambda o: o.when.names,  # type: ignore[union-attr]
                ),
            )
        )
    return components


def _reading(
    keys: Iterable[str], items: Iterable[Any], names: Callable[[Any], frozenset[str]]
) -> dict[str, tuple[Any, ...]]:
    """For each key, the items (in their order) whose names include it."""
    found: dict[str, list[Any]] = {k: [] for k in keys}
    for item in items:
        for name in names(item):
            if name in found:
                found[name].append(item)
    return {k: tuple(v) for k, v in found.items()}


Outcome = tuple[str, object]  # ("true", bool): evaluated, and whether to True; ("missing", name); ("error", None)

_ABSENT = ("absent",)
_OUTCOMES: dict[tuple[Expression, tuple[object, ...]], Outcome] = {}
_READS: dict[Expression, tuple[str, ...]] = {}
_OUTCOMES_LIMIT = 200_000


def outcome(expression: Expression, env: Mapping[str, object]) -> Outcome:
    """How `expression` evaluates on `env`, remembered by the values of the options it reads (an
    evaluation depends on nothing else): configure calls evaluate every rule and condition, most of
    them on the same values as the call before."""
    reads = _READS.get(expression)
    if reads is None:
        reads = _READS[expression] = tuple(sorted(expression.names))
    key = (expression, tuple([env.get(name, _ABSENT) for name in reads]))
    known = _OUTCOMES.get(key)
    if known is not None:
        return known
    try:
        found: Outcome = ("true", expression.evaluate(env) is True)
    except MissingValue as exc:
        found = ("missing", exc.name)
    except ExpressionError:
        found = ("error", None)
    if len(_OUTCOMES) > _OUTCOMES_LIMIT:
        _OUTCOMES.clear()
    _OUTCOMES[key] = found
    return found


def rule_holds(rule: Rule, env: Mapping[str, object]) -> bool:
    """A rule holds when it evaluates true or reads an option without a value (does not apply)."""
    kind, value = outcome(rule.expr, env)
    return value is True if kind == "true" else kind == "missing"


def applies(option: Option, env: Mapping[str, object]) -> bool:
    """Whether the option applies once every option its condition reads is settled."""
    if option.when is None:
        return True
    kind, value = outcome(option.when, env)
    return kind == "true" and value is True


@dataclass
class Solution:
    env: Env  # fixed values plus the variables' values (unset ones absent)
    status: dict[str, bool]  # variable -> applies


def _rule_check(rule: Rule) -> Check:
    return lambda env: rule_holds(rule, env)


def _applies_check(option: Option) -> Check:
    return lambda env: applies(option, env)


class _Plan:
    """The variables of a component for one set of fixed keys, and when to check what."""

    def __init__(self, component: Component, fixed: frozenset[str]) -> None:
        variables = [o for o in component.order if o.key not in fixed]
        position = {o.key: i for i, o in enumerate(variables)}
        checks: list[list[Check]] = [[] for _ in variables]
        before: list[Check] = []

        def place(names: Iterable[str], check: Check) -> None:
            at = max((position[n] for n in names if n in position), default=-1)
            (before if at < 0 else checks[at]).append(check)

        for rule in component.rules:
            place(rule.expr.names, _rule_check(rule))
        for option in component.options:
            if option.key in fixed and option.when is not None:
                place(option.when.names, _applies_check(option))
        self.variables = tuple(variables)
        self.checks = tuple(tuple(c) for c in checks)
        self.before = tuple(before)

    def solve(
        self, env: Env, forced_key: str | None, forced_value: object, keep: Mapping[str, object] | None = None
    ) -> Solution | None:
        keep = keep or {}
        for check in self.before:
            if not check(env):
                return None
        variables, checks = self.variables, self.checks
        n = len(variables)
        status = [False] * n
        budget = meter()

        def assign(i: int) -> bool:
            if i == n:
                return True
            if budget is not None:
                budget.spend(1 + len(checks[i]))  # a node of the search tree and its checks
            option = variables[i]
            key = option.key
            applicable = applies(option, env)
            status[i] = applicable
            if not applicable:
                if key == forced_key:
                    return False
                return all(check(env) for check in checks[i]) and assign(i + 1)
            if key == forced_key:
                values: tuple[object, ...] = (forced_value,)
            elif key in keep:
                values = (keep[key],)
            else:
                values = option.search_values
            for value in values:
                if value is UNSET:
                    env.pop(key, None)
                else:
                    env[key] = value
                for check in checks[i]:
                    if not check(env):
                        break
                else:
                    if assign(i + 1):
                        return True
            env.pop(key, None)
            return False

        if not assign(0):
            return None
        return Solution(env, {o.key: status[i] for i, o in enumerate(variables)})


class Solver:
    """Searches of one configure call; plans are cached for the call only."""

    def __init__(self) -> None:
        self._plans: dict[tuple[int, frozenset[str]], _Plan] = {}

    # The ComponentSolver interface (solver.py), on the reference search.
    def for_values(self, component: Component, values: Mapping[str, object]) -> Solver:
        return self

    def domains(
        self, component: Component, given: Mapping[str, object], base: Base, applicable: list[str]
    ) -> ComponentAnswer:
        return component_domains(self, component, given, base, applicable)

    def explain(self, component: Component, option: Option, value: object, base: Mapping[str, object]) -> str:
        return explain(self, component, option, value, base)

    def conflict(self, component: Component, values: Mapping[str, object]) -> list[Option]:
        """A minimal subset of `values` (in display order) that no valid configuration keeps."""
        keep = [o for o in component.options if o.key in values]
        for candidate in list(keep):
            trial = [o for o in keep if o is not candidate]
            if not self.feasible(component, {o.key: values[o.key] for o in trial}):
                keep = trial
        return keep

    def solve(
        self,
        component: Component,
        base: Mapping[str, object],
        forced_key: str | None = None,
        forced_value: object = None,
        keep: Mapping[str, object] | None = None,
    ) -> Solution | None:
        """A complete valid assignment of the component keeping `base` (and forced_key=value);
        each option of `keep` takes its value there if it applies."""
        cache_key = (component.index, frozenset(base))
        plan = self._plans.get(cache_key)
        if plan is None:
            plan = self._plans[cache_key] = _Plan(component, cache_key[1])
        return plan.solve(dict(base), forced_key, forced_value, keep)

    def feasible(self, component: Component, base: Mapping[str, object]) -> bool:
        return self.solve(component, base) is not None

    @staticmethod
    def still_valid(component: Component, solution: Solution, key: str, value: object) -> bool:
        """Whether `solution` with key=value is still a valid assignment (key must be a variable)."""
        if not solution.status.get(key):
            return False
        env = solution.env
        old = env.get(key, UNSET)
        env[key] = value
        try:
            for option in component.whens_reading[key]:
                if applies(option, env) is not solution.status.get(option.key, True):
                    return False
            return all(rule_holds(rule, env) for rule in component.rules_reading[key])
        finally:
            if old is UNSET:
                del env[key]
            else:
                env[key] = old


# -- bases: the values kept fixed ---------------------------------------------------------------

Status = bool | None  # applies / does not apply / cannot tell yet (reads an option still unset)


@dataclass
class Base:
    values: Env  # the customer's values and the defaults that apply
    status: dict[str, Status]
    env: Env  # values plus what unset options read as (optional text: '')


def condition_status(option: Option, env: Mapping[str, object], status: Mapping[str, Status]) -> Status:
    if option.when is None:
        return True
    kind, value = outcome(option.when, env)
    if kind == "missing":
        # An option that does not apply will never have a value: the condition is settled.
        return False if status.get(value) is False else None  # type: ignore[call-overload]
    return kind == "true" and value is True


class Searcher(Protocol):
    """What building a base needs of a solver (the reference Solver, or domains.CompiledSolver)."""

    def feasible(self, component: Component, base: Mapping[str, object]) -> bool: ...


def build_base(
    solver: Searcher,
    component: Component,
    given: Mapping[str, object],
    exclude: str | None = None,
    known: Mapping[str, object] | None = None,
) -> Base:
    """The customer's values of the component (without `exclude`), defaults filled where they apply.

    A default is filled only if the result stays feasible, so a default never causes an error.
    `known`: values known to be feasible together (a subset of them needs no search).
    """
    values = {k: v for k, v in given.items() if k in component.keys and k != exclude}
    env = dict(values)
    status: dict[str, Status] = {}
    for option in component.order:
        state = condition_status(option, env, status)
        status[option.key] = state
        if state is not True or option.key in values or option.key == exclude:
            continue
        if option.default is not None:
            values[option.key] = env[option.key] = option.default
            if component.free or (known is not None and all(k in known and known[k] == v for k, v in values.items())):
                continue
            if not solver.feasible(component, values):
                del values[option.key], env[option.key]
        elif option.type == "text" and not option.required:
            env[option.key] = ""
    return Base(values, status, env)


# -- explanations ------------------------------------------------------------------------------


def value_label(option: Option, value: object) -> str:
    if option.type == "choice":
        return option.choice_labels.get(str(value), str(value))
    if option.type == "boolean":
        return tr("yes") if value else tr("no")
    if option.type == "number":
        return f"{fmt(value)} {option.unit}".strip()  # type: ignore[arg-type]
    return f"'{value}'" if value else tr("none")


def chosen(options: Iterable[Option], values: Mapping[str, object]) -> str:
    return tr(", ").join(
        tr("{label}: {value}", label=o.label, value=value_label(o, values[o.key])) for o in options if o.key in values
    )


def explain(solver: Solver, component: Component, option: Option, value: object, base: Mapping[str, object]) -> str:
    """Why option=value has no valid completion given `base`, naming the choices that rule it out."""
    members = component.members
    for rule in component.rules_reading[option.key]:
        others = [members[k] for k in sorted(rule.expr.names - {option.key}, key=lambda k: members[k].index)]
        partial = {o.key: base[o.key] for o in others if o.key in base}
        partial[option.key] = value
        # The rule itself must be what fails, not another rule on the same options.
        if not _rule_satisfiable(rule, [o for o in others if o.key not in partial], partial) and not solver.feasible(
            component, partial
        ):
            you_chose = chosen(others, base)
            if not you_chose:
                return rule.message
            return tr("{message} (you chose {chosen})", message=rule.message, chosen=you_chose)
    for other in component.whens_reading[option.key]:
        if other.key not in base:
            continue
        assert other.when is not None
        reads = [members[k] for k in sorted(other.when.names - {option.key}, key=lambda k: members[k].index)]
        partial = {o.key: base[o.key] for o in reads if o.key in base}
        partial.update({option.key: value, other.key: base[other.key]})
        if not solver.feasible(component, partial):
            return tr(
                "{label} would no longer apply. (you chose {chosen})", label=other.label, chosen=chosen([other], base)
            )
    # No single rule explains it: the smallest set of the customer's values that together do.
    keep = [o for o in component.options if o.key in base and o.key != option.key]
    for candidate in list(keep):
        trial = [o for o in keep if o is not candidate]
        partial = {o.key: base[o.key] for o in trial}
        partial[option.key] = value
        if not solver.feasible(component, partial):
            keep = trial
    if not keep:
        return "Not possible in any configuration."
    return f"Not possible together with {chosen(keep, base)}."


_MAX_RULE_TRIES = 20000


def _rule_satisfiable(rule: Rule, free: list[Option], fixed: Mapping[str, object]) -> bool:
    """Whether the rule alone holds for some values of its `free` options (True when unsure)."""
    domains = [o.search_values for o in free]
    size = 1
    for values in domains:
        size *= len(values)
    if size > _MAX_RULE_TRIES:
        return True
    env = dict(fixed)
    budget = meter()
    for combination in itertools.product(*domains):
        if budget is not None:
            budget.spend()
        for o, value in zip(free, combination, strict=True):
            if value is UNSET:
                env.pop(o.key, None)
            else:
                env[o.key] = value
        if rule_holds(rule, env):
            return True
    return False


# -- domains -----------------------------------------------------------------------------------


@dataclass
class ComponentAnswer:
    base: Base
    applicable: list[str]
    domains: dict[str, dict[str, Any]]
    feasible: dict[str, Collection[object]]  # key -> values with a valid completion
    bases: dict[str, Base]  # key -> the base its domain was computed on
    solution: Solution | None  # a completion of the whole base, if any


def full_domain(option: Option) -> dict[str, Any]:
    return render_domain(option, list(option.values), {})


def render_domain(option: Option, feasible: list[object], excluded: dict[object, str]) -> dict[str, Any]:
    if option.type == "text":
        return {"max_length": option.max_length}
    if option.type == "number":
        assert option.step is not None
        return {"ranges": number_ranges(option, feasible), "step": fmt(option.step), "unit": option.unit}
    if option.type == "boolean":
        return {
            "choices": [v for v in (True, False) if v in feasible],
            "excluded": {("true" if v else "false"): reason for v, reason in excluded.items()},
        }
    return {"choices": list(feasible), "excluded": dict(excluded)}


def number_ranges(option: Option, feasible: list[object]) -> list[list[str]]:
    ok = set(feasible)
    ranges: list[list[str]] = []
    start = previous = None
    for value in option.values:
        if value in ok:
            if start is None:
                start = value
            previous = value
        elif start is not None:
            ranges.append([fmt(start), fmt(previous)])  # type: ignore[arg-type]
            start = None
    if start is not None:
        ranges.append([fmt(start), fmt(previous)])  # type: ignore[arg-type]
    return ranges


def component_domains(
    solver: Solver, component: Component, given: Mapping[str, object], base: Base, applicable: list[str]
) -> ComponentAnswer:
    """Every applicable option's values that extend to a complete valid configuration."""
    answer = ComponentAnswer(base, applicable, {}, {}, {}, None)
    by_key = {o.key: o for o in component.options}
    if component.free:
        for key in applicable:
            answer.domains[key] = full_domain(by_key[key])
            answer.feasible[key] = list(by_key[key].values)
            answer.bases[key] = base
        return answer
    shared_supported: set[tuple[str, object]] = set()
    shared_solutions: list[Solution] = []
    answer.solution = solver.solve(component, base.values)
    if answer.solution is not None:
        _record(answer.solution, shared_supported, shared_solutions)
    for key in applicable:
        option = by_key[key]
        if option.type == "text":
            answer.domains[key] = full_domain(option)
            answer.feasible[key] = []
            answer.bases[key] = base
            continue
        if key in base.values:
            own = build_base(solver, component, given, exclude=key)
            supported: set[tuple[str, object]] = set()
            solutions: list[Solution] = []
        else:
            own, supported, solutions = base, shared_supported, shared_solutions
        answer.bases[key] = own
        feasible = []
        for value in option.values:
            if (key, value) in supported or any(solver.still_valid(component, s, key, value) for s in solutions[-2:]):
                feasible.append(value)
                continue
            solution = solver.solve(component, own.values, key, value)
            if solution is not None:
                _record(solution, supported, solutions)
                feasible.append(value)
            elif _valid_once_dependents_drop(solver, component, own.values, option, value):
                feasible.append(value)
        excluded: dict[object, str] = {}
        if option.type in ("choice", "boolean"):
            for value in option.values:
                if value not in feasible:
                    excluded[value] = explain(solver, component, option, value, own.values)
        answer.feasible[key] = feasible
        answer.domains[key] = render_domain(option, feasible, excluded)
    return answer


def _valid_once_dependents_drop(
    solver: Solver, component: Component, values: Mapping[str, object], option: Option, value: object
) -> bool:
    """Whether option=value is valid once the customer's values of options that it makes
    inapplicable are dropped (turning trousers off drops the chosen pleats; it is not a dead end).

    Only solutions in which each such option either no longer applies or keeps the customer's
    value count, so nothing the customer chose is silently changed.
    """
    dependents = [o.key for o in component.whens_reading[option.key] if o.key in values]
    if not dependents:
        return False
    relaxed = {k: v for k, v in values.items() if k not in dependents}
    solution = solver.solve(component, relaxed, option.key, value, keep={d: values[d] for d in dependents})
    return solution is not None


def _record(solution: Solution, supported: set[tuple[str, object]], solutions: list[Solution]) -> None:
    for key, applicable in solution.status.items():
        value = solution.env.get(key, UNSET)
        if applicable and value is not UNSET and value is not ANY_TEXT:
            supported.add((key, value))
    solutions.append(solution)
