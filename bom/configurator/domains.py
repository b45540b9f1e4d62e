"""Domains, explanations and conflicts of one configure call, on the compiled models.

The same answers as the reference search (bom/configurator/search.py), computed on the compiled
components of bom/configurator/compiled.py: a value is offered when some complete valid
configuration takes it with all the other values of the spec (or once the values of the options
it makes inapplicable are dropped); an excluded value is explained by the rule that rules it out
with the customer's values, an option that would no longer apply, or else a minimal set of the
customer's values that rule it out together (a deletion filter, started from the values that can
matter: those linked to the option through rules and conditions across options still open).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from bom.configurator.atoms import merge_ranges
from bom.configurator.compiled import Model, Sol, Support, Unencodable
from bom.configurator.components import (
    Base,
    Component,
    ComponentAnswer,
    Solution,
    build_base,
    chosen,
    full_domain,
)
from bom.configurator.decimals import fmt
from bom.configurator.i18n import tr
from bom.configurator.model import Option
from bom.configurator.search import Solver
from bom.configurator.symbolic import NA, PRESENT, UNSET

_POOL_LIMIT = 64


class GridSet:
    """The feasible values of a number option: ranges of grid indices (membership by value)."""

    def __init__(self, option: Option, ranges: list[tuple[int, int]]) -> None:
        self.option = option
        self.ranges = ranges
        self._index = {value: k for k, value in enumerate(option.values)}

    def __contains__(self, value: object) -> bool:
        k = self._index.get(value)
        return k is not None and any(a <= k <= b for a, b in self.ranges)

    def __iter__(self) -> Iterator[object]:
        for a, b in self.ranges:
            yield from self.option.values[a : b + 1]

    def __len__(self) -> int:
        return sum(b - a + 1 for a, b in self.ranges)


class CompiledSolver:
    """The searches of one configure call on compiled models; the Solver interface of search.py
    (`solve`, `feasible`), falling back to the reference search where a model cannot answer."""

    def __init__(self, models: Mapping[int, Model]) -> None:
        self.models = models
        self.pools: dict[int, list[Sol]] = {}
        self.reference = Solver()

    def model(self, component: Component) -> Model | None:
        return self.models.get(component.index)

    def pool(self, component: Component) -> list[Sol]:
        pool = self.pools.setdefault(component.index, [])
        if len(pool) > _POOL_LIMIT:
            del pool[: len(pool) - _POOL_LIMIT // 2]
        return pool

    # The ComponentSolver interface (solver.py), on the compiled models.
    def for_values(self, component: Component, values: Mapping[str, object]) -> CompiledSolver | Solver:
        """Itself when the component's compiled model holds these values, else the reference."""
        return self if not component.free and self.usable(component, values) else self.reference

    def domains(
        self, component: Component, given: Mapping[str, object], base: Base, applicable: list[str]
    ) -> ComponentAnswer:
        return component_domains(self, component, given, base, applicable)

    def explain(self, component: Component, option: Option, value: object, base: Mapping[str, object]) -> str:
        return explain(self, component, option, value, base)

    def conflict(self, component: Component, values: Mapping[str, object]) -> list[Option]:
        return minimal_conflict(self, component, {}, values)

    def usable(self, component: Component, values: Mapping[str, object]) -> bool:
        """Whether the compiled model can hold these values (see compiled.Model.bit_for)."""
        model = self.model(component)
        return model is not None and model.encodable(values)

    def solve(
        self,
        component: Component,
        base: Mapping[str, object],
        forced_key: str | None = None,
        forced_value: object = None,
    ) -> Solution | None:
        values = dict(base)
        if forced_key is not None:
            values[forced_key] = forced_value
        model = self.model(component)
        if model is None or not self.usable(component, values):
            return self.reference.solve(component, base, forced_key, forced_value)
        state = model.state(values)
        sol = None if state is None else model.search(state)
        if sol is None:
            return None
        self.pool(component).append(sol)
        return to_solution(model, sol)

    def feasible(
        self, component: Component, base: Mapping[str, object], loose: Mapping[str, object] | None = None
    ) -> bool:
        """Whether a complete valid assignment keeps `base` (and each `loose` value, or leaves that
        option inapplicable)."""
        model = self.model(component)
        if model is None or not self.usable(component, {**base, **(loose or {})}):
            assert not loose
            return self.reference.feasible(component, base)
        pool = self.pool(component)
        if not loose:
            table = model.pair_feasible(base)
            if table is not None:
                return table
            for sol in reversed(pool[-4:]):
                if model.agrees(sol, base):
                    return True
        state = model.state(base, loose)
        if state is None:
            return False
        for known in reversed(pool[-8:]):
            if model.consistent(known, state):
                return True
        found = model.search(state)
        if found is None:
            return False
        pool.append(found)
        return True


def to_solution(model: Model, sol: Sol) -> Solution:
    dom, lo = sol
    env: dict[str, Any] = {}
    status: dict[str, bool] = {}
    for v, option in enumerate(model.options):
        bit = dom[v]
        status[option.key] = bit != NA
        if bit & (NA | UNSET):
            continue
        env[option.key] = model.value(v, bit, lo[v])
    return Solution(env, status)


# -- bases -----------------------------------------------------------------------------------


def own_base(
    solver: CompiledSolver,
    component: Component,
    given: Mapping[str, object],
    base: Base,
    key: str,
    unlocking: set[str] | None,
    feasible: bool,
) -> tuple[Base, bool]:
    """The base `key`'s domain is computed on: build_base(..., exclude=key); and whether its values
    are `base`'s without `key`. Then `base` itself is returned (its own value of `key` is never
    read: every use pins or drops `key`). So it is when no condition reads `key` and leaving `key`
    out cannot let a refused default in (`unlocking`: the keys that might, None if unknown), since
    each default filled with `key` set stays feasible without it. `feasible`: whether `base` has a
    valid completion (then so do its subsets: no search). Without defaults in the component, the
    values are always the same."""
    if not component.defaults:
        return base, True
    if (unlocking is None or key in unlocking) or component.whens_reading[key]:
        own = build_base(solver, component, given, exclude=key, known=base.values if feasible else None)
        same = len(own.values) == len(base.values) - 1 and all(
            k in base.values and base.values[k] == v for k, v in own.values.items()
        )
        return (base, True) if same else (own, False)
    return base, True


# -- domains ---------------------------------------------------------------------------------


def component_domains(
    solver: CompiledSolver, component: Component, given: Mapping[str, object], base: Base, applicable: list[str]
) -> ComponentAnswer:
    """Every applicable option's values that extend to a complete valid configuration (the
    reference's `component_domains`, on the compiled model)."""
    model = solver.model(component)
    assert model is not None
    answer = ComponentAnswer(base, applicable, {}, {}, {}, None)
    by_key = {o.key: o for o in component.options}
    pool = solver.pool(component)
    shared = [model.index[k] for k in applicable if k not in base.values and by_key[k].type != "text"]
    state = model.state(base.values)
    support = model.supports(state, shared, pool)
    if support.solution is not None:
        answer.solution = to_solution(model, support.solution)
    unlocking = _unlocking(solver, component, given, base)
    fixed = model.fixed_state(base.values) if support.solution is not None else None
    for key in applicable:
        option = by_key[key]
        if option.type == "text":
            answer.domains[key] = full_domain(option)
            answer.feasible[key] = []
            answer.bases[key] = base
            continue
        t = model.index[key]
        if key in base.values:
            own, same = own_base(solver, component, given, base, key, unlocking, support.solution is not None)
            if same and fixed is not None and support.solution is not None:
                mine = _own_support(model, fixed, support.solution, t, base.values, pool)
            else:
                mine = model.supports(model.state(_without(own.values, key)), [t], pool, witness=False)
        else:
            own, mine = base, support
        answer.bases[key] = own
        if not _complete(model, t, mine):
            known = support.solution if own is base else None
            mine = _with_dependents_dropped(model, component, own.values, option, mine, pool, known)
        if option.type == "number":
            feasible = GridSet(option, mine.ranges[t])
            answer.feasible[key] = feasible
            answer.domains[key] = render_number(option, feasible.ranges)
            continue
        mask = mine.masks[t]
        values = [value for value in option.values if mask & model.encode(key, value)]
        out = [value for value in option.values if not mask & model.encode(key, value)]
        reasons = explain_all(solver, component, option, out, own.values) if out else {}
        excluded = {value: reasons[value] for value in out}
        answer.feasible[key] = values
        answer.domains[key] = render_choices(option, values, excluded)
    return answer


def _unlocking(
    solver: CompiledSolver, component: Component, given: Mapping[str, object], base: Base
) -> set[str] | None:
    """The values whose absence might let a default in that `base` refused: for each refused
    default, a minimal set of the values before it that rule it out (leaving out a value outside
    that set leaves the set, so the default stays out). Empty when no default was refused; None
    when that cannot be told (a typed text: leaving it out is not a relaxation, it reads as '')."""
    out: set[str] = set()
    before: dict[str, object] = {k: v for k, v in given.items() if k in base.values}
    model = solver.model(component)
    if model is None or any(model.options[v].key in before for v in model.text_read):
        return None
    for option in component.order:
        if option.key in base.values:
            before[option.key] = base.values[option.key]
            continue
        if base.status.get(option.key) is not True or option.default is None:
            continue
        conflict = minimal_conflict(solver, component, {option.key: option.default}, before)
        if not conflict and solver.feasible(component, {option.key: option.default}):
            return None  # not a plain conflict with the values before it: do not guess
        out.update(o.key for o in conflict)
    return out


def _own_support(
    model: Model, fixed: Any, solution: Sol, t: int, values: Mapping[str, object], pool: list[Sol]
) -> Support:
    """The support of an option the spec sets, with the other values kept (`values` less t's own),
    starting from a solution of the whole spec: a value is in when the solution with it changed
    stays valid, out when a clause with only fixed values refutes it; a search decides the rest."""
    rdom, rlo, rhi = model.root  # type: ignore[misc]
    key = model.options[t].key
    if model.isnum[t]:
        p, q = model.interval_around(solution, t, rlo[t], rhi[t])
        if (p, q) == (rlo[t], rhi[t]):
            return Support(solution, {}, {t: [(p, q)]})
        return model.supports(model.state(_without(values, key)), [t], pool, witness=False)
    dom = fixed[0]
    kept = dom[t]
    dom[t] = rdom[t]
    mask = solution[0][t]
    undecided = 0
    try:
        todo = rdom[t] & ~(NA | UNSET) & ~mask
        while todo:
            bit = todo & -todo
            todo ^= bit
            if model.holds_with(solution, t, bit):
                mask |= bit
            elif not model.refuted_locally(fixed, t, bit):
                # On SAT a repair costs a whole call anyway: the supports below ask them together.
                repaired = model.repair(solution, fixed, t, bit) if model.sat is None else None
                if repaired is not None:
                    pool.append(repaired)
                    mask |= bit
                else:
                    undecided |= bit
    finally:
        dom[t] = kept
    if undecided:
        mask |= model.supports(model.state(_without(values, key)), [t], pool, witness=False).masks[t] & undecided
    return Support(solution, {t: mask}, {})


def _without(values: Mapping[str, object], key: str) -> dict[str, object]:
    return {k: v for k, v in values.items() if k != key}


def _complete(model: Model, t: int, support: Support) -> bool:
    """Whether every value of variable t is supported already."""
    rdom, rlo, rhi = model.root  # type: ignore[misc]
    if model.isnum[t]:
        return support.ranges[t] == [(0, len(model.grid[t]) - 1)]
    values = model.roots[t] & ~(NA | UNSET)
    return support.masks[t] & values == values


def _with_dependents_dropped(
    model: Model,
    component: Component,
    values: Mapping[str, object],
    option: Option,
    support: Support,
    pool: list[Sol],
    solution: Sol | None = None,
) -> Support:
    """Add the values that are valid once the chosen options they make inapplicable are dropped
    (turning trousers off while pleats are chosen); each such option must then either not apply
    or keep its value, so nothing the customer chose is silently changed. `solution`, if given,
    keeps all of `values`: a value is then first tried by repairing it (not on SAT, where the
    supports' solver calls are as cheap as a repair)."""
    dependents = [o.key for o in component.whens_reading[option.key] if o.key in values]
    if not dependents:
        return support
    t = model.index[option.key]
    relaxed = {k: v for k, v in values.items() if k not in dependents and k != option.key}
    loose = {k: values[k] for k in dependents}
    if solution is not None and not model.isnum[t] and model.sat is None:
        missing = model.root[0][t] & ~(NA | UNSET) & ~support.masks[t]  # type: ignore[index]
        fixed = model.fixed_state(relaxed)
        assert fixed is not None
        for key, value in loose.items():
            v = model.index[key]
            if model.isnum[v]:
                fixed[0][v] &= NA | PRESENT
                fixed[1][v] = fixed[2][v] = model.grid_index[v][value]
            else:
                fixed[0][v] &= NA | model.bit_for(v, value)
        found = 0
        todo = missing
        while todo:
            bit = todo & -todo
            todo ^= bit
            repaired = model.repair(solution, fixed, t, bit)
            if repaired is not None:
                pool.append(repaired)
                found |= bit
        masks = dict(support.masks)
        masks[t] |= found
        if found == missing:
            return Support(support.solution, masks, dict(support.ranges))
        support = Support(support.solution, masks, dict(support.ranges))
    extra = model.supports(model.state(relaxed, loose), [t], pool, witness=False)
    if model.isnum[t]:
        ranges = merge_ranges(support.ranges[t] + extra.ranges[t])
        return Support(support.solution, dict(support.masks), {**support.ranges, t: ranges})
    masks = dict(support.masks)
    masks[t] = masks[t] | extra.masks[t]
    return Support(support.solution, masks, dict(support.ranges))


def render_number(option: Option, ranges: list[tuple[int, int]]) -> dict[str, Any]:
    assert option.step is not None
    return {
        "ranges": [[fmt(option.values[a]), fmt(option.values[b])] for a, b in ranges],  # type: ignore[arg-type]
        "step": fmt(option.step),
        "unit": option.unit,
    }


def render_choices(option: Option, feasible: list[object], excluded: dict[object, str]) -> dict[str, Any]:
    if option.type == "boolean":
        return {
            "choices": [v for v in (True, False) if v in feasible],
            "excluded": {("true" if v else "false"): reason for v, reason in excluded.items()},
        }
    return {"choices": list(feasible), "excluded": dict(excluded)}


# -- explanations ----------------------------------------------------------------------------


def explain(
    solver: CompiledSolver, component: Component, option: Option, value: object, base: Mapping[str, Any]
) -> str:
    """Why option=value has no valid completion given `base`, naming the choices that rule it out."""
    return explain_all(solver, component, option, [value], base)[value]


def explain_all(
    solver: CompiledSolver, component: Component, option: Option, values: list[object], base: Mapping[str, Any]
) -> dict[object, str]:
    """`explain` for several values of one option at once: each rule is asked once for all of
    them (the first rule, in order, that rules a value out gives its reason)."""
    model = solver.model(component)
    assert model is not None
    reasons: dict[object, str] = {}
    pending = list(values)
    t = model.index[option.key]
    for rule in component.rules_reading[option.key]:
        if not pending:
            return reasons
        others = model.rule_others[rule.index, option.key]
        fixed = {o.key: base[o.key] for o in others if o.key in base}
        free = [o.key for o in others if o.key not in fixed]
        refuted = model.rule_refutes(rule.index, fixed, free, t, pending)
        if not refuted:
            continue
        # The rule itself must be what fails, not another rule on the same options (when a free
        # option of the rule may not apply, the rule may not apply either: search).
        certain = all(not model.roots[model.index[k]] & NA for k in free)
        you_chose = chosen(others, base)
        message = rule.message
        if you_chose:
            message = tr("{message} (you chose {chosen})", message=rule.message, chosen=you_chose)
        for value in refuted:
            if certain or not solver.feasible(component, {**fixed, option.key: value}):
                reasons[value] = message
        pending = [v for v in pending if v not in reasons]
    members = component.members
    for value in pending:
        reasons[value] = _explain_further(solver, component, option, value, base, members)
    return reasons


def _explain_further(
    solver: CompiledSolver,
    component: Component,
    option: Option,
    value: object,
    base: Mapping[str, Any],
    members: Mapping[str, Option],
) -> str:
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
    keep = minimal_conflict(solver, component, {option.key: value}, base)
    if not keep:
        return tr("Not possible in any configuration.")
    return tr("Not possible together with {chosen}.", chosen=chosen(keep, base))


def minimal_conflict(
    solver: CompiledSolver, component: Component, pinned: Mapping[str, object], base: Mapping[str, Any]
) -> list[Option]:
    """A minimal set of `base`'s options (a deletion filter, in display order) whose values, with
    `pinned`, leave no valid configuration; [] if `pinned` alone leaves none."""
    members = component.members  # `base`'s options in display order, without a scan of every option
    everything = sorted((members[k] for k in base if k in members and k not in pinned), key=lambda o: o.index)
    model = solver.model(component)
    assert model is not None
    # Start from the values that unit propagation needs to refute them, when it does, or from the
    # SAT solver's core under them as assumptions; else from the fixed values nearest the pinned
    # ones (sharing a rule or condition with them, then reached through one open option, then
    # through any), the first set that still leaves no valid configuration. A typed text is always
    # in: without it the text reads as '', which is not "any text". The deletion filter (one
    # feasibility question per value) then makes the set minimal.
    values = {o.key: base[o.key] for o in everything}
    try:
        core = model.refutation_core(values, pinned)
        if core is None and model.sat is not None:
            core = model.sat.core(values, pinned)  # the solver's core under these assumptions
    except Unencodable:
        core = None
    if core is not None:
        keep = [o for o in everything if o.key in core or o.type == "text"]
    else:
        keep = everything
        for radius in (1, 2, None):
            near = linked(model, pinned, base, radius)
            trial = [o for o in everything if o.key in near or o.type == "text"]
            if not solver.feasible(component, {**{o.key: base[o.key] for o in trial}, **pinned}):
                keep = trial
                break
    for candidate in list(keep):
        trial = [o for o in keep if o is not candidate]
        partial = {o.key: base[o.key] for o in trial}
        partial.update(pinned)
        if not solver.feasible(component, partial):
            keep = trial
    return keep


def linked(model: Model, start: Iterable[str], fixed: Mapping[str, Any], radius: int | None = None) -> set[str]:
    """The fixed options that share a rule or condition with `start`, or with an open option
    reached from it through rules and conditions (at most `radius - 1` steps away, or any)."""
    seen = set(start)
    frontier = list(seen)
    found: set[str] = set()
    steps = 0
    while frontier and (radius is None or steps < radius):
        steps += 1
        reached = []
        for key in frontier:
            for group in model.links.get(key, ()):
                for other in group:
                    if other in seen:
                        continue
                    seen.add(other)
                    if other in fixed:
                        found.add(other)
                    else:
                        reached.append(other)
        frontier = reached
    return found


__all__ = ["CompiledSolver", "GridSet", "component_domains", "explain", "explain_all", "minimal_conflict"]
