"""Supports: the values of some options that extend to a complete valid assignment.

Every solution found proves all of its values at once and searches prefer values not yet proven;
a value is also proven when a known solution with that value changed stays valid, or when
repairing it succeeds; each value still open costs one search (none: refuted). A number's domain
grows as intervals around solutions, gaps bridged by interpolation, then a numbers-only search,
then a whole search. A model on SAT answers its supports by solver calls (sat.py). The pair table
(publish) answers small feasibility questions of explanations on compiled-search models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bom.configurator.atoms import (
    clause_holds,
    merge_ranges,
    range_gaps,
)
from bom.configurator.network import Sol, State
from bom.configurator.searching import Searching
from bom.configurator.symbolic import (
    MISSING_BITS,
    PRESENT,
)


@dataclass
class Support:
    """The values of the targets that extend to a complete valid assignment."""

    solution: Sol | None
    masks: dict[int, int] = field(default_factory=dict)  # discrete target -> supported value bits
    ranges: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # number target -> index ranges


class Supporting(Searching):
    """Supports of targets within a state."""

    def supports(self, state: State | None, targets: list[int], pool: list[Sol], *, witness: bool = True) -> Support:
        """The values of each target that some complete valid assignment within `state` takes.

        `pool` holds solutions found before (of any base): those consistent with `state` are used,
        and the new ones are added to it. `witness=False`: the caller reads only the masks and
        ranges, so the answer's solution may be None even when there is one (on SAT, one target's
        values are then asked one call each, no model decoded)."""
        if self.sat is not None:
            return self.sat.supports(state, targets, pool, witness=witness)
        discrete = [t for t in targets if not self.isnum[t]]
        numbers = [t for t in targets if self.isnum[t]]
        if state is None:
            return Support(None, dict.fromkeys(discrete, 0), {t: [] for t in numbers})
        dom, lo, hi = state
        dom = list(dom)
        found = dict.fromkeys(discrete, 0)
        need = {t: dom[t] & ~MISSING_BITS for t in discrete}
        sols = [s for s in pool[-8:] if self.consistent(s, state)]

        def record(sol: Sol) -> None:
            sdom = sol[0]
            for t in discrete:
                found[t] |= sdom[t]

        def preference() -> list[int]:
            prefer = [0] * self.n
            for t in discrete:
                prefer[t] = need[t] & ~found[t]
            return prefer

        if not sols:
            first = self.search(state, preference())
            if first is None:
                return Support(None, dict.fromkeys(discrete, 0), {t: [] for t in numbers})
            sols.append(first)
            pool.append(first)
        for sol in sols:
            record(sol)
        current = (dom, list(lo), list(hi))
        for t in discrete:
            missing = need[t] & ~found[t]
            while missing:
                bit = missing & -missing
                missing ^= bit
                if found[t] & bit:
                    continue
                if any(self.holds_with(sol, t, bit) for sol in sols[-4:]):
                    found[t] |= bit
                    continue
                repaired = self.repair(sols[-1], current, t, bit)
                if repaired is not None:
                    sols.append(repaired)
                    pool.append(repaired)
                    record(repaired)
                    missing &= ~found[t]
                    continue
                trial_dom = list(current[0])
                trial_dom[t] = bit
                trial = (trial_dom, list(current[1]), list(current[2]))
                searched = None
                if self.network.propagate(trial[0], trial[1], trial[2], [t]):
                    searched = self.search(trial, preference())
                if searched is not None:
                    sols.append(searched)
                    pool.append(searched)
                    record(searched)
                    missing &= ~found[t]
                else:
                    # Refuted: drop the value for the searches that follow.
                    current[0][t] &= ~bit
                    self.network.propagate(current[0], current[1], current[2], [t])
        ranges = self._number_supports(current, numbers, sols, pool) if numbers else {}
        return Support(sols[0], {t: found[t] & need[t] for t in discrete}, ranges)

    def _number_supports(
        self, state: State, targets: list[int], sols: list[Sol], pool: list[Sol]
    ) -> dict[int, list[tuple[int, int]]]:
        """Each number target's feasible grid ranges: intervals around solutions (the known ones,
        then one with every number low and one with every number high), then a search per gap."""
        dom, lo, hi = state
        covered: dict[int, list[tuple[int, int]]] = {t: [] for t in targets}
        live = [t for t in targets if dom[t] & PRESENT]

        def cover(sol: Sol, ts: list[int]) -> None:
            for t in ts:
                if sol[0][t] == PRESENT and lo[t] <= sol[1][t] <= hi[t]:
                    covered[t].append(self.interval_around(sol, t, lo[t], hi[t]))

        for sol in sols:
            cover(sol, live)
        open_ = [t for t in live if range_gaps(covered[t], lo[t], hi[t])]
        for mode in ("low", "high"):
            if not open_:
                break
            extreme = self._numbers_only(state, sols[-1], None, 0, 0, mode) if sols else None
            if extreme is None:
                extreme = self.search(state, numbers=mode)
            if extreme is None:
                break
            pool.append(extreme)
            cover(extreme, open_)
            open_ = [t for t in open_ if range_gaps(covered[t], lo[t], hi[t])]
        known = list(sols) + [sol for sol in pool[-4:] if sol not in sols and self.consistent(sol, state)]
        for t in open_:
            gaps = range_gaps(covered[t], lo[t], hi[t])
            # the least and the greatest value first: every gap then lies between two solutions
            for mode in ("high", "low"):
                if not gaps:
                    break
                if mode == "high":
                    missing = not any(s[0][t] == PRESENT and s[1][t] > gaps[-1][1] for s in known)
                else:
                    missing = not any(s[0][t] == PRESENT and s[1][t] < gaps[0][0] for s in known)
                if missing:
                    extreme = self._numbers_only(state, known[-1], t, lo[t], hi[t], mode) if known else None
                    if extreme is None:
                        extreme = self._extreme(state, t, mode)
                    if extreme is not None:
                        pool.append(extreme)
                        known.append(extreme)
                        covered[t].append(self.interval_around(extreme, t, lo[t], hi[t]))
                        gaps = range_gaps(covered[t], lo[t], hi[t])
            while gaps:
                a, b = gaps.pop()
                found = self._interpolated(known, t, a, b)
                if found is None:
                    found = self._numbers_only(state, known[-1], t, a, b, "mid")
                    if found is not None:
                        pool.append(found)
                if found is None:
                    trial_dom = list(dom)
                    trial_dom[t] = PRESENT
                    trial_lo, trial_hi = list(lo), list(hi)
                    trial_lo[t], trial_hi[t] = a, b
                    if self.network.propagate(trial_dom, trial_lo, trial_hi, [t]):
                        found = self.search((trial_dom, trial_lo, trial_hi))
                    if found is None:
                        continue
                    pool.append(found)
                known.append(found)
                p, q = self.interval_around(found, t, a, b)
                covered[t].append((p, q))
                if a < p:
                    gaps.append((a, p - 1))
                if q < b:
                    gaps.append((q + 1, b))
        return {t: merge_ranges(covered[t]) for t in targets}

    def _numbers_only(
        self, state: State, sol: Sol, t: int | None, a: int, b: int, mode: str | Mapping[int, str]
    ) -> Sol | None:
        """A solution (with number t in [a, b]) that keeps the choices of `sol` and searches the
        numbers only (much smaller than a whole search); None if those choices do not allow it."""
        dom, lo, hi = list(sol[0]), list(state[1]), list(state[2])
        stack = []
        for v in range(self.n):
            if self.isnum[v]:
                dom[v] = state[0][v]  # the numbers as the (propagated) state has them
            elif dom[v] != state[0][v]:
                stack.append(v)  # a choice narrower than the state's: propagate it
        if t is not None:
            stack.append(t)
            dom[t] &= PRESENT
            lo[t], hi[t] = max(lo[t], a), min(hi[t], b)
            if not dom[t] or lo[t] > hi[t]:
                return None
        if not self.network.propagate(dom, lo, hi, stack):
            return None
        numbers = mode if not isinstance(mode, str) or t is None else {t: mode}
        return self.search((dom, lo, hi), numbers=numbers, first=t)

    def _extreme(self, state: State, t: int, mode: str) -> Sol | None:
        """A solution where number t has its least ("low") or greatest ("high") value."""
        dom, lo, hi = (list(x) for x in state)
        dom[t] &= PRESENT
        if not dom[t] or not self.network.propagate(dom, lo, hi, [t]):
            return None
        return self.search((dom, lo, hi), numbers={t: mode}, first=t)

    def _interpolated(self, known: list[Sol], t: int, a: int, b: int) -> Sol | None:
        """A solution with number t in [a, b] made, without a search, between two known solutions
        on either side: the choices of the lower one, each number moved proportionally (linear
        rules hold along the segment between the two; what the choices and the grid rounding do
        is checked on every constraint that reads a number)."""
        below = [s for s in known if s[0][t] == PRESENT and s[1][t] < a]
        above = [s for s in known if s[0][t] == PRESENT and s[1][t] > b]
        if not below or not above:
            return None
        isnum = self.isnum
        for low in sorted(below, key=lambda s: -s[1][t])[:2]:
            for high in sorted(above, key=lambda s: s[1][t])[:2]:
                if any(isnum[v] and low[0][v] != high[0][v] for v in range(self.n)):
                    continue  # a number present on one side only
                x = (a + b) // 2
                t1, t2 = low[1][t], high[1][t]
                values = list(low[1])
                for v in range(self.n):
                    if isnum[v] and low[0][v] == PRESENT:
                        span = high[1][v] - low[1][v]
                        values[v] = low[1][v] + (2 * span * (x - t1) + (t2 - t1)) // (2 * (t2 - t1))
                values[t] = x
                candidate = (list(low[0]), values)
                if self._valid_numbers(candidate):
                    return candidate
        return None

    def _valid_numbers(self, sol: Sol) -> bool:
        """Whether every constraint that reads a number holds on a complete assignment."""
        dom, lo = sol
        net = self.network
        seen: set[int] = set()
        for v in range(self.n):
            if not self.isnum[v]:
                continue
            for ci in net.gen[v]:
                if ci not in seen:
                    seen.add(ci)
                    if not clause_holds(net.clauses[ci], dom, lo):
                        return False
            for opaque in net.opq[v]:
                owner = dom[opaque.owner] if opaque.owner is not None else 0
                if not opaque.holds(self.env_of(opaque.vars, dom, lo), owner):
                    return False
        return True

    def _pair_table(self) -> dict[tuple[int, int], list[int] | None]:
        """For each choice or boolean value: the values of every other such option that some
        valid configuration takes with it (None: no valid configuration has the value). Explaining
        an excluded value asks these questions often; at publish they cost a support search per
        value (about a second for 80 options of 8 values)."""
        discrete = [v for v, o in enumerate(self.options) if o.type in ("choice", "boolean")]
        if self.root is None or sum(len(self.values[v]) for v in discrete) > _PAIR_VALUES_LIMIT:
            return {}
        table: dict[tuple[int, int], list[int] | None] = {}
        pool: list[Sol] = []
        for v in discrete:
            for value in self.values[v]:
                bit = self.bit_of[v][value]
                support = self.supports(self.state({self.options[v].key: value}), discrete, pool)
                if support.solution is None:
                    table[v, bit] = None
                    continue
                row = [0] * self.n
                for w in discrete:
                    row[w] = support.masks[w]
                table[v, bit] = row
                del pool[:-16]
        return table

    def pair_feasible(self, values: Mapping[str, object]) -> bool | None:
        """Whether some valid configuration keeps one or two choice/boolean values (from the pair
        table); None when the table cannot say."""
        if not self.pairs or len(values) > 2:
            return None
        items = []
        for key, value in values.items():
            v = self.index.get(key)
            if v is None:
                continue
            if self.options[v].type not in ("choice", "boolean"):
                return None
            bit = self.bit_of[v].get(value)
            if bit is None:
                return False
            items.append((v, bit))
        if not items:
            return None
        row = self.pairs.get(items[0])
        if row is None:
            return False
        return len(items) == 1 or bool(row[items[1][0]] & items[1][1])


_PAIR_VALUES_LIMIT = 1000


__all__ = ["Support", "Supporting"]
