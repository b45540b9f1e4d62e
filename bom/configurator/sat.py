"""A compiled component on an incremental SAT solver (python-sat's CaDiCaL), with assumptions.

The encoding reuses the compiled model's own variables and clauses (bom/configurator/compiled.py):
each domain bit of an option (NA "does not apply", UNSET "left empty", then one bit per value; a
number option's PRESENT) is a propositional variable, exactly one of an option's bits is true, and
each clause "option in value-set or ..." is the disjunction of the bits of its value-sets. Rules and
conditions are read once, at publish, into one solver; a configure call asks it with the spec as
assumptions (the bits a propagated state has removed are assumed false), so every question of one
call (and of the next calls) reuses the same solver state and what it has learnt.

A model whose clauses compare numbers (linear atoms) or evaluate a rule (opaque constraints) stays
on the compiled search: `SatModel.build` returns None for it. A number option that no atom reads is
only "present or not": its whole range is then feasible as soon as one valid assignment has it.

A second, *guarded* solver (built on first use) holds each rule's clauses behind a selector literal
and each condition's behind another: "does this rule alone hold for some values of its free
options" is one call with that rule's selector assumed (explanations, polynomial in the options,
never an enumeration of their combinations), and a product whose rules contradict each other is
explained by the selectors of a core, minimised by a deletion filter.

Each solver call spends from the search budget (budget.py) one step plus one per decision and
per conflict the solver made (its own counts: deterministic).
"""

from __future__ import annotations

import functools
import itertools
import operator
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pysat.card import CardEnc, EncType
from pysat.solvers import Solver

from bom.configurator.budget import meter
from bom.configurator.symbolic import MISSING_BITS, NA, PRESENT, Clause

if TYPE_CHECKING:
    from bom.configurator.compiled import Model, Sol, State, Support

SOLVER_NAME = "cadical195"
_POSITIVE = (0).__lt__


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        bit = mask & -mask
        mask ^= bit
        out.append(bit)
    return out


F = TypeVar("F", bound=Callable[..., Any])


def _locked(method: F) -> F:
    """One caller at a time: a compiled product is shared between threads, and a solver's model
    belongs to the call that asked for it."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def solve_metered(solver: Solver, assumptions: list[int]) -> bool:
    """One solver call under assumptions; it spends from the search budget (budget.py) one step,
    plus one per decision and per conflict of the call (the solver's own counts: deterministic, so
    the same questions always cost the same)."""
    budget = meter()
    if budget is None:
        return bool(solver.solve(assumptions=assumptions))
    before = solver.accum_stats()
    found = bool(solver.solve(assumptions=assumptions))
    after = solver.accum_stats()
    budget.spend(1 + after["decisions"] - before["decisions"] + after["conflicts"] - before["conflicts"])
    return found


class _Encoding:
    """The propositional variables of a model's domain bits, and its clauses as integer clauses."""

    def __init__(self, model: Model, first: int = 1) -> None:
        self.model = model
        self.lit: list[dict[int, int]] = []
        top = first - 1
        for v in range(model.n):
            row = {}
            for bit in _bits(model.roots[v]):
                top += 1
                row[bit] = top
            self.lit.append(row)
        self.top = self.bits = top
        self.owner: list[tuple[int, int]] = [(-1, 0)] * (top + 1)  # literal -> (option, bit)
        for v, row in enumerate(self.lit):
            for bit, lit in row.items():
                self.owner[lit] = (v, bit)
        self.first = first
        self.bit_of_lit: list[int] = [bit for _, bit in self.owner[first:]]  # literal first.. -> its bit

    def domains(self) -> list[list[int]]:
        """Exactly one bit of each option."""
        out: list[list[int]] = []
        for row in self.lit:
            lits = list(row.values())
            out.append(lits)
            if len(lits) <= 6:
                out.extend([-a, -b] for i, a in enumerate(lits) for b in lits[i + 1 :])
            else:
                card = CardEnc.atmost(lits, 1, top_id=self.top, encoding=EncType.seqcounter)
                self.top = max(self.top, card.nv)
                out.extend(card.clauses)
        return out

    def clause(self, clause: Clause) -> list[int]:
        dl, _ = clause
        out: list[int] = []
        for v, mask in dl:
            row = self.lit[v]
            out.extend(lit for bit, lit in row.items() if bit & mask)
        return out

    def values(self, values: Mapping[str, object]) -> list[int] | None:
        """The assumptions that fix `values` (None: a value the model does not have)."""
        model = self.model
        out = []
        for key, value in values.items():
            v = model.index.get(key)
            if v is None:
                continue
            if model.isnum[v]:
                if value not in model.grid_index[v]:
                    return None
                bit = PRESENT
            else:
                bit = model.bit_for(v, value)
            lit = self.lit[v].get(bit)
            if lit is None:
                return None
            out.append(lit)
        return out


class SatModel:
    """A compiled model answered by SAT with assumptions (see the module's docstring)."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.encoding = encoding = _Encoding(model)
        clauses = encoding.domains()
        clauses += [encoding.clause(c) for c in model.clauses]
        self.solver = Solver(name=SOLVER_NAME, bootstrap_with=clauses)
        self.lock = threading.RLock()
        self.calls = 0

    @staticmethod
    def build(model: Model) -> SatModel | None:
        """The SAT model of a compiled model, or None when its constraints need the compiled search
        (numbers compared, rules evaluated) or it has no valid assignment at the root."""
        if model.root is None or model.opaques or any(al for _, al in model.clauses):
            return None
        return SatModel(model)

    def close(self) -> None:
        self.solver.delete()

    # -- calls -----------------------------------------------------------------------------

    def _solve(self, assumptions: list[int]) -> bool:
        self.calls += 1
        return solve_metered(self.solver, assumptions)

    def assumptions(self, state: State) -> list[int]:
        """The bits `state` removed from the model's (propagated) root, assumed false."""
        model = self.model
        assert model.root is not None
        rdom = model.root[0]
        dom = state[0]
        lit = self.encoding.lit
        out: list[int] = []
        for v in itertools.compress(range(model.n), map(operator.ne, dom, rdom)):
            d = dom[v]
            row = lit[v]
            if not d & (d - 1):
                out.append(row[d])  # one bit left: assume it
            else:
                out.extend(-row[bit] for bit in _bits(rdom[v] & ~d))
        return out

    def _decode(self, state: State, numbers: str | Mapping[int, str] = "mid") -> Sol:
        found = self.solver.get_model()
        assert found is not None
        model = self.model
        _, lo, hi = state
        # Exactly one bit of each option is true and the options' literals come in option order,
        # so the true literals, in order, are the options' bits (one pass in C, no Python loop).
        dom = list(
            itertools.compress(
                self.encoding.bit_of_lit, map(_POSITIVE, found[self.encoding.first - 1 : self.encoding.bits])
            )
        )
        assert len(dom) == model.n
        at = list(lo)
        for v in model.numbers:
            if dom[v] == PRESENT:
                mode = numbers if isinstance(numbers, str) else numbers.get(v, "mid")
                at[v] = lo[v] if mode == "low" else hi[v] if mode == "high" else (lo[v] + hi[v]) // 2
        return dom, at

    @_locked
    def search(
        self, state: State, prefer: list[int] | None = None, numbers: str | Mapping[int, str] = "mid"
    ) -> Sol | None:
        """A complete valid assignment within `state`, or None (the solver's proof)."""
        if prefer is not None:
            self._phases(prefer)
        if not self._solve(self.assumptions(state)):
            return None
        return self._decode(state, numbers)

    def _phases(self, prefer: list[int]) -> None:
        lit = self.encoding.lit
        phases = [row[bit] for v, row in enumerate(lit) if prefer[v] for bit in _bits(prefer[v]) if bit in row]
        if phases:
            self.solver.set_phases(phases)

    @_locked
    def supports(self, state: State | None, targets: list[int], pool: list[Sol], *, witness: bool = True) -> Support:
        """Model.supports on the solver: a model proves all of its values at once; each value no
        model has taken yet is asked once (found: more values proven; not found: refuted).
        `witness=False` with one target: each of its values is asked once, no model decoded (a
        decoding reads every option, a call under assumptions costs less) and no solution given."""
        from bom.configurator.supports import Support

        model = self.model
        discrete = [t for t in targets if not model.isnum[t]]
        numbers = [t for t in targets if model.isnum[t]]
        if state is None:
            return Support(None, dict.fromkeys(discrete, 0), {t: [] for t in numbers})
        dom, lo, hi = state
        need = {t: dom[t] & ~MISSING_BITS for t in targets}
        if not witness and len(targets) == 1:
            return self._values(state, targets[0], need[targets[0]])
        found = dict.fromkeys(targets, 0)
        sols = [s for s in pool[-8:] if model.consistent(s, state)]

        def record(sol: Sol) -> None:
            sdom = sol[0]
            for t in targets:
                found[t] |= sdom[t]

        base = self.assumptions(state)
        if not sols:
            if not self._solve(base):
                return Support(None, dict.fromkeys(discrete, 0), {t: [] for t in numbers})
            first = self._decode(state)
            sols.append(first)
            pool.append(first)
        for sol in sols:
            record(sol)
        lit = self.encoding.lit
        calls = 0
        for t in targets:
            for bit in _bits(need[t] & ~found[t]):
                if found[t] & bit:
                    continue
                if any(model.holds_with(sol, t, bit) for sol in sols[-4:]):
                    found[t] |= bit  # a model with this one value changed stays valid
                    continue
                if calls % 8 == 0:
                    # Prefer the values no model has taken yet: the next models may prove several.
                    self.solver.set_phases(
                        [x for u in targets for b, x in lit[u].items() if b & need[u] and not b & found[u]]
                    )
                calls += 1
                if self._solve([*base, lit[t][bit]]):
                    sol = self._decode(state)
                    sols.append(sol)
                    pool.append(sol)
                    record(sol)
                else:
                    base.append(-lit[t][bit])  # refuted: out of the calls that follow
        ranges = {t: [(lo[t], hi[t])] if found[t] & PRESENT else [] for t in numbers}
        return Support(sols[0], {t: found[t] & need[t] for t in discrete}, ranges)

    def _values(self, state: State, t: int, need: int) -> Support:
        """The values of `need` (bits of variable t) that some valid assignment within `state`
        takes: one solver call each, under the state's assumptions."""
        from bom.configurator.supports import Support

        base = self.assumptions(state)
        row = self.encoding.lit[t]
        found = 0
        for bit in _bits(need):
            if self._solve([*base, row[bit]]):
                found |= bit
        if self.model.isnum[t]:
            _, lo, hi = state
            return Support(None, {}, {t: [(lo[t], hi[t])] if found & PRESENT else []})
        return Support(None, {t: found}, {})

    @_locked
    def core(self, values: Mapping[str, object], pinned: Mapping[str, object]) -> set[str] | None:
        """The options of `values` in the solver's core when they, with `pinned`, leave no valid
        assignment (a subset that also leaves none); None when some valid assignment keeps them,
        or a value the model cannot hold."""
        encoding = self.encoding
        fixed = encoding.values(pinned)
        if fixed is None:
            return set()
        owner: dict[int, str] = {}
        for key, value in values.items():
            lits = encoding.values({key: value})
            if lits is None:
                return None
            for lit in lits:
                owner[lit] = key
        model = self.model
        for v, mask in model.unset_text.items():  # an unset text that rules read is ''
            if model.options[v].key not in values and model.options[v].key not in pinned:
                fixed += [-encoding.lit[v][bit] for bit in _bits(model.roots[v] & ~mask)]
        if self._solve([*fixed, *owner]):
            return None
        return {owner[lit] for lit in self.solver.get_core() or () if lit in owner}


class Guarded:
    """Each rule's clauses behind a selector literal of its own, and the conditions' behind one
    more; a rule that compares numbers or is evaluated (opaque) has none (`holds` is False)."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.encoding = encoding = _Encoding(model)
        clauses = encoding.domains()
        top = encoding.top
        self.rule_selector: dict[int, int] = {}
        for index, (own, opaque) in model.rule_parts.items():
            if opaque or any(al for _, al in own):
                continue
            top += 1
            self.rule_selector[index] = top
            clauses += [[-top, *encoding.clause(c)] for c in own]
        top += 1
        self.conditions = top
        self.whole = len(self.rule_selector) == len(model.rule_parts) and not any(
            al for _, al in model.condition_clauses
        )
        self.whole = self.whole and not model.opaques
        clauses += [[-top, *encoding.clause(c)] for c in model.condition_clauses]
        self.top = top
        self._everything: list[int] | None = None  # the conditions and every rule (never_bites)
        self._position: dict[int, int] = {}
        self.solver = Solver(name=SOLVER_NAME, bootstrap_with=clauses)
        self.lock = threading.RLock()

    def holds(self, rule_index: int) -> bool:
        """Whether the rule's clauses are in this solver."""
        return rule_index in self.rule_selector

    def _solve(self, assumptions: list[int]) -> bool:
        return solve_metered(self.solver, assumptions)

    def _rule_assumptions(self, rule_index: int, fixed: Mapping[str, object], free: Iterable[str]) -> list[int]:
        """The rule's selector, `fixed`, and each free option on its own values (or left empty)."""
        model = self.model
        lit = self.encoding.lit
        assumptions = [self.rule_selector[rule_index]]
        known = self.encoding.values(fixed)
        assert known is not None
        assumptions += known
        for key in free:
            v = model.index[key]
            allowed = model.unset_text.get(v, model.roots[v]) & ~NA
            assumptions += [-lit[v][bit] for bit in _bits(model.roots[v] & ~allowed)]
        return assumptions

    @_locked
    def rule_satisfiable(self, rule_index: int, fixed: Mapping[str, object], free: Iterable[str]) -> bool:
        """Whether the rule alone holds for some values of `free` with `fixed` kept: one call."""
        return self._solve(self._rule_assumptions(rule_index, fixed, free))

    @_locked
    def rule_refutes(
        self, rule_index: int, fixed: Mapping[str, object], free: Iterable[str], t: int, values: list[object]
    ) -> list[object]:
        """The `values` of variable t for which the rule alone cannot hold with `fixed` kept, each
        `free` option taking one of its own values or left empty when optional (conditions
        ignored): one solver call per value."""
        model = self.model
        lit = self.encoding.lit
        assumptions = self._rule_assumptions(rule_index, fixed, free)
        out = []
        for value in values:
            own = lit[t][model.bit_for(t, value)]
            if not self._solve([*assumptions, own]):
                out.append(value)
        return out

    def _unset_texts(self) -> list[int]:
        """An unset text that rules read is '' (publish questions fix no value)."""
        model = self.model
        lit = self.encoding.lit
        return [-lit[v][bit] for v, mask in model.unset_text.items() for bit in _bits(model.roots[v] & ~mask)]

    @_locked
    def never_bites(self, rule_index: int, negation: list[Clause]) -> bool | None:
        """Whether no assignment satisfying every other rule and the conditions breaks the rule
        (`negation`: the clauses of its negation): one call, the rule's own selector left out;
        None when the model or the negation is not all clauses."""
        if not self.whole or any(al for _, al in negation):
            return None
        self.top += 1
        broken = self.top
        for clause in negation:
            self.solver.add_clause([-broken, *self.encoding.clause(clause)])
        if self._everything is None:
            self._everything = [self.conditions, *self.rule_selector.values(), *self._unset_texts()]
            self._position = {index: k + 1 for k, index in enumerate(self.rule_selector)}
        assumptions = self._everything[:]
        assumptions[self._position[rule_index]] = -self.rule_selector[rule_index]  # every rule but this one
        return not self._solve([*assumptions, broken])

    @_locked
    def contradicting_rules(self) -> list[int] | None:
        """A minimal set of rules (their indexes) that no assignment satisfies together with the
        conditions (the solver's core, then a deletion filter: one call per rule of the core);
        None when all of them together are satisfiable or the model is not all in this solver."""
        if not self.whole:
            return None
        selectors = {s: index for index, s in self.rule_selector.items()}
        base = [self.conditions, *self._unset_texts()]
        if self._solve([*base, *selectors]):
            return None
        core = [s for s in self.solver.get_core() or () if s in selectors]
        keep = sorted(core, key=lambda s: selectors[s])
        for candidate in list(keep):
            trial = [s for s in keep if s != candidate]
            if not self._solve([*base, *trial]):
                keep = trial
        return [selectors[s] for s in keep]


__all__ = ["Guarded", "SatModel"]
