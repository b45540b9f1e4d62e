"""Search on a compiled model: a complete valid assignment by depth-first search with
propagation (variables in the component's order, a condition's inputs first), or by the SAT solver
when the model has one (sat.py); checks and repairs of known solutions one value at a time."""

from __future__ import annotations

from collections.abc import Mapping

from bom.configurator.atoms import (
    around,
    atom_range,
    clause_holds,
)
from bom.configurator.network import Network, Opaque, Sol, State
from bom.configurator.symbolic import (
    MISSING_BITS,
    PRESENT,
    atom_vars,
)
from bom.configurator.variables import Variables


class Searching(Variables):
    """Search and one-value changes of solutions."""

    def propagate_opaque(self, oc: Opaque, dom: list[int], lo: list[int], hi: list[int], stack: list[int]) -> bool:
        undecided = [v for v in oc.vars if not self.decided(v, dom, lo, hi)]
        if len(undecided) > 1:
            return True
        owner_bit = dom[oc.owner] if oc.owner is not None else 0
        if not undecided:
            return oc.holds(self.env_of(oc.vars, dom, lo), owner_bit)
        v = undecided[0]
        key = self.options[v].key
        env = self.env_of(oc.vars, dom, lo)
        keep = 0
        d = dom[v]
        while d:
            bit = d & -d
            d ^= bit
            own = bit if v == oc.owner else owner_bit
            if bit & MISSING_BITS:
                env.pop(key, None)
                if oc.holds(env, own):
                    keep |= bit
            elif self.isnum[v]:
                first = last = -1
                for k in range(lo[v], hi[v] + 1):
                    env[key] = self.grid[v][k]
                    if oc.holds(env, own):
                        first = k
                        break
                if first >= 0:
                    for k in range(hi[v], first - 1, -1):
                        env[key] = self.grid[v][k]
                        if oc.holds(env, own):
                            last = k
                            break
                    keep |= bit
                    if (first, last) != (lo[v], hi[v]):
                        lo[v], hi[v] = first, last
                        stack.append(v)
            else:
                env[key] = self.values[v][bit.bit_length() - 3]
                if oc.holds(env, own):
                    keep |= bit
        if keep != dom[v]:
            if not keep:
                return False
            dom[v] = keep
            stack.append(v)
        return True

    # -- search ------------------------------------------------------------------------------

    def search(
        self,
        state: State,
        prefer: list[int] | None = None,
        network: Network | None = None,
        numbers: str | Mapping[int, str] = "mid",
        first: int | None = None,
    ) -> Sol | None:
        """A complete valid assignment within `state` (already propagated), or None if none exists.

        Variables are assigned in order; `prefer[v]` bits are tried first; a number is tried at
        the middle of its bounds first, or its lowest or highest (`numbers`: for all, or per
        variable; variable `first` is assigned before the others, so "low" finds its least value)."""
        if self.sat is not None and network is None:
            return self.sat.search(state, prefer, numbers)
        net = network or self.network
        n = self.n
        isnum = self.isnum
        bit_order = self.bit_order
        copy_bounds = self.has_numbers

        order = list(range(n)) if first is None else [first, *(v for v in range(n) if v != first)]

        def dfs(dom: list[int], lo: list[int], hi: list[int], j: int) -> Sol | None:
            while j < n:
                i = order[j]
                d = dom[i]
                if d & (d - 1):
                    break
                if d == PRESENT and isnum[i] and lo[i] != hi[i]:
                    break
                j += 1
            else:
                return dom, lo
            if d & (d - 1):
                wanted = prefer[i] & d if prefer is not None else 0
                if wanted:
                    order_i = bit_order[i]
                    bits = [b for b in order_i if wanted & b] + [b for b in order_i if d & b and not wanted & b]
                else:
                    bits = [b for b in bit_order[i] if d & b]
                for bit in bits:
                    nd = list(dom)
                    nd[i] = bit
                    if copy_bounds:
                        nlo, nhi = list(lo), list(hi)
                    else:
                        nlo, nhi = lo, hi
                    if net.propagate(nd, nlo, nhi, [i]):
                        found = dfs(nd, nlo, nhi, j)
                        if found is not None:
                            return found
                return None
            a, b = lo[i], hi[i]
            mode = numbers if isinstance(numbers, str) else numbers.get(i, "mid")
            m = (a + b) // 2
            if mode == "low":  # halves, the lower first: the first solution has the least value
                branches: tuple[tuple[int, int], ...] = ((a, m), (m + 1, b))
            elif mode == "high":
                branches = ((m + 1, b), (a, m))
            else:
                branches = ((m, m), (a, m - 1), (m + 1, b))
            for x, y in branches:
                if x > y:
                    continue
                nd = list(dom)
                nlo, nhi = list(lo), list(hi)
                nlo[i], nhi[i] = x, y
                if net.propagate(nd, nlo, nhi, [i]):
                    found = dfs(nd, nlo, nhi, j)
                    if found is not None:
                        return found
            return None

        dom, lo, hi = state
        return dfs(list(dom), list(lo), list(hi), 0)

    # -- checks on complete assignments ----------------------------------------------------

    def holds_with(self, sol: Sol, v: int, bit: int) -> bool:
        """Whether the solution with variable v changed to `bit` (a discrete value) stays valid."""
        if self.root is None or not bit & self.root[0][v]:
            return False  # ruled out at the root (a rule on v alone, say)
        dom, lo = sol
        net = self.network
        for mv, w, mw in net.bin[v]:
            if not bit & mv and not dom[w] & mw:
                return False
        old = dom[v]
        dom[v] = bit
        try:
            for ci in net.gen[v]:
                if not clause_holds(net.clauses[ci], dom, lo):
                    return False
            for opaque in net.opq[v]:
                owner = dom[opaque.owner] if opaque.owner is not None else 0
                if not opaque.holds(self.env_of(opaque.vars, dom, lo), owner):
                    return False
            return True
        finally:
            dom[v] = old

    def repair(self, sol: Sol, state: State, t: int, bit: int) -> Sol | None:
        """A solution with t=bit found by changing only t and the open options of the constraints
        that t=bit breaks in `sol` (the rest kept); None if that is not enough (not a proof)."""
        if self.root is None or not bit & self.root[0][t]:
            return None  # ruled out at the root (a rule on t alone, say)
        sdom, slo = sol
        state_dom, state_lo, state_hi = state
        dom, lo, hi = list(sdom), list(slo), list(slo)
        dom[t] = bit
        net = self.network
        free = {t}
        for mv, w, mw in net.bin[t]:
            if not bit & mv and not dom[w] & mw:
                free.add(w)
        for ci in net.gen[t]:
            clause = net.clauses[ci]
            if not clause_holds(clause, dom, lo):
                free.update(w for w, _ in clause[0])
                free.update(w for atom in clause[1] for w in atom_vars(atom))
        for opaque in net.opq[t]:
            owner = dom[opaque.owner] if opaque.owner is not None else 0
            if not opaque.holds(self.env_of(opaque.vars, dom, lo), owner):
                free.update(opaque.vars)
        free.discard(t)
        for w in free:
            dom[w] = state_dom[w]
            lo[w] = state_lo[w]
            hi[w] = state_hi[w]
        free.add(t)
        if not net.propagate(dom, lo, hi, list(free)):
            return None
        return self.search((dom, lo, hi))

    def interval_around(self, sol: Sol, v: int, a: int, b: int) -> tuple[int, int]:
        """The widest [p, q] within [a, b] around the solution's value of number v such that the
        solution with v at any index in it stays valid (the other values kept)."""
        dom, lo = sol
        s = lo[v]
        low, high = a, b
        net = self.network
        for ci in net.gen[v]:
            dl, al = net.clauses[ci]
            if any(dom[w] & m for w, m in dl if w != v) or any(
                dom[v] & m for w, m in dl if w == v
            ):  # true whatever v's value
                continue
            pieces: list[tuple[float, float]] = []
            for atom in al:
                piece = atom_range(atom, v, lo)
                pieces.extend(piece)
            p, q = around(pieces, s)
            low, high = max(low, p), min(high, q)  # type: ignore[assignment]
        if net.opq[v]:
            key = self.options[v].key
            for opaque in net.opq[v]:
                owner = dom[opaque.owner] if opaque.owner is not None else 0
                env = self.env_of(opaque.vars, dom, lo)
                k = s
                while k - 1 >= low:
                    env[key] = self.grid[v][k - 1]
                    if not opaque.holds(env, owner):
                        break
                    k -= 1
                low = k
                k = s
                while k + 1 <= high:
                    env[key] = self.grid[v][k + 1]
                    if not opaque.holds(env, owner):
                        break
                    k += 1
                high = k
        return low, high


__all__ = ["Searching"]
