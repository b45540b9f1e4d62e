"""Building a product's components, and the vocabulary every solver shares.

Options that share a rule, or where one's condition (`when`) reads the other, form a component;
components are independent, so a spec is feasible when each of its components is, and a domain
only needs a search inside its own component. Options that no rule or condition touches are free.

A *base* is the set of values a search keeps fixed (the customer's values plus defaults that
apply, each default only if the result stays feasible); every other option of the component is
a variable. Rules and conditions are evaluated here (`outcome`, remembered by the values they
read), and answers are rendered (domains, the labels explanations name).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, Protocol

import networkx as nx

from bom.configurator.decimals import fmt
from bom.configurator.i18n import tr
from bom.configurator.model import Option, Rule
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
    key = (expression, tuple(map(env.get, reads, repeat(_ABSENT))))
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
