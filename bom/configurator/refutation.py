"""Refutations, for explanations: which of the customer's values unit propagation needs to
refute a value (its reasons), whether one rule alone can hold for some values of its open options
(enumerated up to 64 combinations, else one call per value on the guarded SAT solver, sat.py), and
local refutations by a single clause."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

from bom.configurator.atoms import (
    atom_status,
    clause_holds,
    clause_holds_at,
    enforce,
)
from bom.configurator.budget import meter
from bom.configurator.network import Network, Opaque, State
from bom.configurator.sat import Guarded
from bom.configurator.supports import Supporting
from bom.configurator.symbolic import (
    NA,
    PRESENT,
    UNSET,
    Clause,
    atom_vars,
)
from bom.expressions import Expression, ExpressionError, MissingValue

_Reasons = tuple[list[int], list[int], list[int], list[int], list[int]]  # dom, lo, hi, why, stack


class _OffGrid(Exception):
    """A number value off its option's grid: propagation cannot refute with it."""


class Refuting(Supporting):
    """Refutations by propagation, by one rule alone, and by one clause."""

    _guarded: Guarded | None = None
    _rule_networks: dict[int, Network]
    _rule_cache: dict[tuple[int, tuple[tuple[str, object], ...]], bool]

    @property
    def guarded(self) -> Guarded:
        """Each rule's clauses behind a selector of its own, on a SAT solver (built on first use)."""
        if self._guarded is None:
            self._guarded = Guarded(self)  # type: ignore[arg-type]
        return self._guarded

    def refutation_core(self, values: Mapping[str, object], pinned: Mapping[str, object]) -> set[str] | None:
        """The options of `values` that, with `pinned`, unit propagation needs to refute them, or
        None when propagation alone does not refute them.

        Each variable carries the set (a bitmask) of fixed options behind its narrowing; a
        conflict's clause names the ones the proof used. Fixing just those replays every
        narrowing of the proof, so they too leave no valid configuration."""
        if self.root is None:
            return set()
        rdom, rlo, rhi = self.root
        state: _Reasons = (list(rdom), list(rlo), list(rhi), [0] * self.n, [])
        try:
            conflict = self._fix_with_reasons(values, pinned, state)
        except _OffGrid:
            return None
        if conflict is None:
            if self.unset_text:
                self._unset_texts(state[0], {**values, **pinned}, state[4])
            conflict = self._propagate_with_reasons(state)
        return None if conflict is None else self._core_keys(conflict)

    def _fix_with_reasons(
        self, values: Mapping[str, object], pinned: Mapping[str, object], state: _Reasons
    ) -> int | None:
        """Fix `values` (each its own reason) and `pinned` (no reason); a conflict's reasons."""
        dom, lo, hi, why, stack = state
        for fixing, own in ((values, True), (pinned, False)):
            for key, value in fixing.items():
                v = self.index.get(key)
                if v is None:
                    continue
                if self.isnum[v]:
                    k = self.grid_index[v].get(value)
                    if k is None:
                        raise _OffGrid(key)
                    dom[v] &= PRESENT
                    lo[v], hi[v] = max(lo[v], k), min(hi[v], k)
                    if lo[v] > hi[v]:
                        dom[v] = 0
                else:
                    dom[v] &= self.bit_for(v, value)
                why[v] = (1 << v) if own else 0
                if not dom[v]:
                    return why[v]
                stack.append(v)
        return None

    def _propagate_with_reasons(self, state: _Reasons) -> int | None:
        """Unit propagation that carries each narrowing's reasons; a conflict's reasons, or None."""
        dom, lo, hi, why, stack = state
        net = self.network
        budget, weight = meter(), net.weight
        while stack:
            v = stack.pop()
            if budget is not None:
                budget.spend(weight[v])
            dv = dom[v]
            for mv, w, mw in net.bin[v]:
                if not dv & mv:
                    nd = dom[w] & mw
                    if nd != dom[w]:
                        why[w] |= why[v]
                        if not nd:
                            return why[w]
                        dom[w] = nd
                        stack.append(w)
            for ci in net.gen[v]:
                conflict = self._clause_with_reasons(net.clauses[ci], state)
                if conflict is not None:
                    return conflict
            for opaque in net.opq[v]:
                conflict = self._opaque_with_reasons(opaque, state)
                if conflict is not None:
                    return conflict
        return None

    def _clause_with_reasons(self, clause: Clause, state: _Reasons) -> int | None:
        """One clause: satisfied, unit (narrow its last term, with the others' reasons), or false."""
        dom, lo, hi, why, stack = state
        dl, al = clause
        live = 0
        unit_v = -1
        unit_m = 0
        unit_atom = None
        cause = 0
        for w, m in dl:
            d = dom[w]
            if d & m:
                if not d & ~m:
                    return None  # satisfied
                live += 1
                unit_v, unit_m = w, m
            else:
                cause |= why[w]
        for atom in al:
            status = atom_status(atom, lo, hi)
            if status == 1:
                return None  # satisfied
            for w in atom_vars(atom):
                cause |= why[w]
            if status == -1:
                live += 1
                unit_atom = atom
        if live == 0:
            return cause
        if live > 1:
            return None
        if unit_atom is None:
            nd = dom[unit_v] & unit_m
            if nd != dom[unit_v]:
                dom[unit_v] = nd
                why[unit_v] |= cause
                stack.append(unit_v)
            return None
        before = [(w, lo[w], hi[w]) for w in atom_vars(unit_atom)]
        if not enforce(unit_atom, dom, lo, hi, []):
            return cause
        for w, a, b in before:
            if (lo[w], hi[w]) != (a, b):
                why[w] |= cause
                stack.append(w)
        return None

    def _opaque_with_reasons(self, opaque: Opaque, state: _Reasons) -> int | None:
        """One opaque constraint, narrowing with the reasons of all its options."""
        dom, lo, hi, why, stack = state
        cause = 0
        for w in opaque.vars:
            cause |= why[w]
        before = [(w, dom[w], lo[w], hi[w]) for w in opaque.vars]
        if not self.propagate_opaque(opaque, dom, lo, hi, []):
            return cause
        for w, d, a, b in before:
            if (dom[w], lo[w], hi[w]) != (d, a, b):
                why[w] |= cause
                stack.append(w)
        return None

    def _core_keys(self, mask: int) -> set[str]:
        keys = set()
        while mask:  # the set bits only: a core names few of the options
            low = mask & -mask
            keys.add(self.options[low.bit_length() - 1].key)
            mask ^= low
        return keys

    # -- rule-alone checks (explanations) ---------------------------------------------------

    def rule_network(self, rule_index: int) -> Network:
        net = self._rule_networks.get(rule_index)
        if net is None:
            clauses, opaques = self.rule_parts[rule_index]
            net = self._rule_networks[rule_index] = Network(self, clauses, opaques)
        return net

    def rule_satisfiable(self, rule_index: int, fixed: Mapping[str, object], free: list[str]) -> bool:
        """Whether the rule alone holds for some values of `free` (each from its own values, or
        empty if optional; conditions ignored), with `fixed` kept. Cached: it depends on nothing
        else."""
        clauses, opaques = self.rule_parts[rule_index]
        if not opaques and not any(self.isnum[self.index[k]] for k in free):
            if self._combinations(free) > _ENUMERATION_LIMIT and self.guarded.holds(rule_index):
                return self.guarded.rule_satisfiable(rule_index, fixed, free)
            return self._rule_clauses_hold_somewhere(clauses, fixed, free)
        key = (rule_index, tuple(sorted(fixed.items())))
        known = self._rule_cache.get(key)
        if known is not None:
            return known
        size = 1
        for name in free:
            v = self.index[name]
            size *= 10**6 if self.isnum[v] else len(self.values[v]) + (1 if self.roots[v] & UNSET else 0)
        if size <= 64:
            ok = self._rule_holds_somewhere(self.rules[rule_index].expr, fixed, free)
        else:
            ok = self._rule_searched(rule_index, fixed, free)
        if len(self._rule_cache) > _CACHE_LIMIT:
            self._rule_cache.clear()
        self._rule_cache[key] = ok
        return ok

    def rule_refutes(
        self, rule_index: int, fixed: Mapping[str, object], free: list[str], t: int, values: list[object]
    ) -> list[object]:
        """The `values` of variable t for which the rule alone cannot hold, with `fixed` kept and
        any values of `free` (each its own values, or empty if optional; conditions ignored)."""
        clauses, opaques = self.rule_parts[rule_index]
        key = self.options[t].key
        if opaques or self.isnum[t] or any(self.isnum[self.index[k]] for k in free):
            return [v for v in values if not self.rule_satisfiable(rule_index, {**fixed, key: v}, free)]
        choices = self._free_bits(free)
        if math.prod(len(bits) for _, bits in choices) > _ENUMERATION_LIMIT and self.guarded.holds(rule_index):
            # One solver call per value, not one check per combination of the free options.
            return self.guarded.rule_refutes(rule_index, fixed, free, t, values)
        assign: dict[int, int] = {}
        numbers: dict[int, int] = {}
        for name, value in fixed.items():
            v = self.index[name]
            if self.isnum[v]:
                assign[v] = PRESENT
                numbers[v] = self.grid_index[v][value]
            else:
                assign[v] = self.bit_for(v, value)
        out = []
        budget = meter()
        for value in values:
            assign[t] = self.bit_for(t, value)
            for combination in itertools.product(*(bits for _, bits in choices)):
                if budget is not None:
                    budget.spend()  # one combination checked, one step
                for (v, _), bit in zip(choices, combination, strict=True):
                    assign[v] = bit
                if all(clause_holds_at(clause, assign, numbers) for clause in clauses):
                    break
            else:
                out.append(value)
        return out

    def _combinations(self, free: list[str]) -> int:
        """How many combinations of values the free options have (their own values, or empty)."""
        return math.prod(len(bits) for _, bits in self._free_bits(free))

    def _free_bits(self, free: list[str]) -> list[tuple[int, list[int]]]:
        """For each free option, its values as single bits (its own values, or empty if optional)."""
        choices = []
        for name in free:
            v = self.index[name]
            mask = self.unset_text.get(v, self.roots[v]) & ~NA
            bits = []
            while mask:
                bit = mask & -mask
                mask ^= bit
                bits.append(bit)
            choices.append((v, bits))
        return choices

    def _rule_clauses_hold_somewhere(self, clauses: list[Clause], fixed: Mapping[str, object], free: list[str]) -> bool:
        """Whether some values of `free` (their own values, or empty if optional) satisfy the
        rule's clauses with `fixed` (a rule's clauses are exactly the rule)."""
        dom = list(self.roots)
        lo = [0] * self.n
        for name, value in fixed.items():
            v = self.index[name]
            if self.isnum[v]:
                dom[v] = PRESENT
                lo[v] = self.grid_index[v][value]
            else:
                dom[v] = self.bit_for(v, value)
        choices = self._free_bits(free)
        budget = meter()
        for combination in itertools.product(*(bits for _, bits in choices)):
            if budget is not None:
                budget.spend()  # one combination checked, one step
            for (v, _), bit in zip(choices, combination, strict=True):
                dom[v] = bit
            if all(clause_holds(clause, dom, lo) for clause in clauses):
                return True
        return False

    def _rule_holds_somewhere(self, expression: Expression, fixed: Mapping[str, object], free: list[str]) -> bool:
        choices = []
        for name in free:
            v = self.index[name]
            values = self.values[v][:1] if v in self.unset_text else self.values[v]
            choices.append(list(values) + ([None] if self.roots[v] & UNSET else []))
        env = dict(fixed)
        budget = meter()
        for combination in itertools.product(*choices):
            if budget is not None:
                budget.spend()  # one combination checked, one step
            for name, value in zip(free, combination, strict=True):
                if value is None:
                    env.pop(name, None)
                else:
                    env[name] = value
            try:
                if expression.evaluate(env) is True:
                    return True
            except MissingValue:
                return True
            except ExpressionError:
                pass
        return False

    def _rule_searched(self, rule_index: int, fixed: Mapping[str, object], free: list[str]) -> bool:
        net = self.rule_network(rule_index)
        dom = [NA] * self.n
        lo = [0] * self.n
        hi = [0] * self.n
        touched = []
        for name in free:
            v = self.index[name]
            dom[v] = self.unset_text.get(v, self.roots[v]) & ~NA
            if self.isnum[v]:
                hi[v] = len(self.grid[v]) - 1
            touched.append(v)
        for name, value in fixed.items():
            v = self.index[name]
            if self.isnum[v]:
                dom[v] = PRESENT
                lo[v] = hi[v] = self.grid_index[v][value]
            else:
                dom[v] = self.bit_for(v, value)
            touched.append(v)
        for v, m in net.units:
            dom[v] &= m
        return (
            not net.empty
            and all(dom)
            and net.propagate(dom, lo, hi, touched)
            and self.search((dom, lo, hi), network=net) is not None
        )

    def refuted_locally(self, fixed: State, v: int, bit: int) -> bool:
        """Whether v=bit breaks a clause whose other literals are all false given `fixed` alone
        (the option's other values are then out of reach without any search)."""
        dom, lo, hi = fixed
        net = self.network
        for mv, w, mw in net.bin[v]:
            if not bit & mv and not dom[w] & mw:
                return True
        for ci in net.gen[v]:
            dl, al = net.clauses[ci]
            alive = False
            for w, m in dl:
                if (bit if w == v else dom[w]) & m:
                    alive = True
                    break
            if alive:
                continue
            if all(atom_status(atom, lo, hi) == 0 for atom in al):
                return True
        return False


_CACHE_LIMIT = 50000
_ENUMERATION_LIMIT = 64  # combinations of a rule's free options checked one by one; more: SAT


__all__ = ["Refuting"]
