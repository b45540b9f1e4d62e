"""Exact, backtrack-free domains by search over independent components: the reference engine.

The configurator answers from the compiled components (compiled.py, domains.py); this search,
value by value over each option's grid, is the reference they are tested against, the fallback
for what a compiled component cannot hold (a text that rules compare with each other: see
compiled.Model.bit_for), and the benchmarks' baseline. The components, bases and explanation
texts both share are in components.py (and stay importable from here).

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
from collections.abc import Iterable, Mapping

from bom.configurator.budget import meter
from bom.configurator.components import (
    Base,
    Check,
    Component,
    ComponentAnswer,
    Env,
    Outcome,
    Searcher,
    Solution,
    Status,
    applies,
    build_base,
    build_components,
    chosen,
    condition_status,
    full_domain,
    number_ranges,
    outcome,
    render_domain,
    rule_holds,
    value_label,
)
from bom.configurator.i18n import tr
from bom.configurator.model import ANY_TEXT, UNSET, Option, Rule


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


# The shared vocabulary (components.py) stays importable from here.
__all__ = [
    "Env",
    "Check",
    "Component",
    "build_components",
    "Outcome",
    "outcome",
    "rule_holds",
    "applies",
    "Solution",
    "Status",
    "Base",
    "condition_status",
    "Searcher",
    "build_base",
    "value_label",
    "chosen",
    "ComponentAnswer",
    "full_domain",
    "render_domain",
    "number_ranges",
    "Solver",
    "component_domains",
    "explain",
]
