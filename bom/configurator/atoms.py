"""Linear and polynomial atoms over grid indices: truth on bounds, bounds tightening, ranges.

An atom (bom/configurator/symbolic.py) is `sum(c * term) <= b` (or `== b`, `!= b`) where a term is
a number option's grid index k (value = min + step * k, so k >= 0) or, for a polynomial atom, a
product of such indices. Bounds are intervals [lo, hi] of indices; everything is exact integer
arithmetic. The compiled engine (compiled.py) propagates and checks clauses with these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bom.configurator.symbolic import EQ, LE, NE, POLY, Atom, Clause

INF = float("inf")


def atom_status(atom: Atom, lo: list[int], hi: list[int]) -> int:
    """1: true for every value in the bounds, 0: false for every one, -1: undecided."""
    op, terms, bound = atom
    if op >= POLY:
        return poly_status(atom, lo, hi)
    low = high = 0
    for w, c in terms:
        if c > 0:
            low += c * lo[w]
            high += c * hi[w]
        else:
            low += c * hi[w]
            high += c * lo[w]
    if op == LE:
        return 1 if high <= bound else 0 if low > bound else -1
    if op == EQ:
        if low > bound or high < bound:
            return 0
        return 1 if low == high else -1
    if low > bound or high < bound:
        return 1
    return 0 if low == high else -1


def _tighten(terms: tuple[tuple[int, int], ...], bound: int, lo: list[int], hi: list[int], stack: list[int]) -> bool:
    """Bounds for sum(c * k) <= bound; False when some variable has no value left."""
    low = 0
    for w, c in terms:
        low += c * lo[w] if c > 0 else c * hi[w]
    for w, c in terms:
        slack = bound - low + (c * lo[w] if c > 0 else c * hi[w])
        if c > 0:
            top = slack // c
            if top < hi[w]:
                if top < lo[w]:
                    return False
                hi[w] = top
                stack.append(w)
        else:
            bottom = -((-slack) // c)
            if bottom > lo[w]:
                if bottom > hi[w]:
                    return False
                lo[w] = bottom
                stack.append(w)
    return True


def enforce(atom: Atom, dom: list[int], lo: list[int], hi: list[int], stack: list[int]) -> bool:
    op, terms, bound = atom
    if op >= POLY:
        return _poly_enforce(atom, lo, hi, stack)
    if op == LE:
        return _tighten(terms, bound, lo, hi, stack)
    if op == EQ:
        return _tighten(terms, bound, lo, hi, stack) and _tighten(
            tuple((w, -c) for w, c in terms), -bound, lo, hi, stack
        )
    # != : only when a single variable is left open and the forbidden value is at its edge
    open_vars = [(w, c) for w, c in terms if lo[w] != hi[w]]
    if len(open_vars) != 1:
        return True
    w, c = open_vars[0]
    rest = sum(c2 * lo[w2] for w2, c2 in terms if w2 != w)
    if (bound - rest) % c:
        return True
    forbidden = (bound - rest) // c
    if forbidden == lo[w]:
        lo[w] += 1
        stack.append(w)
    elif forbidden == hi[w]:
        hi[w] -= 1
        stack.append(w)
    return lo[w] <= hi[w]


def clause_holds_at(clause: Clause, assign: Mapping[int, int], numbers: Mapping[int, int]) -> bool:
    """A clause on an assignment of its own variables (bits; grid indices of numbers)."""
    dl, al = clause
    for w, m in dl:
        if assign[w] & m:
            return True
    return any(atom_status(atom, numbers, numbers) == 1 for atom in al)  # type: ignore[arg-type]


def clause_holds(clause: Clause, dom: list[int], lo: list[int]) -> bool:
    dl, al = clause
    for w, m in dl:
        if dom[w] & m:
            return True
    for op, terms, bound in al:
        if op >= POLY:
            if poly_status((op, terms, bound), lo, lo) == 1:
                return True
            continue
        total = 0
        for w, c in terms:
            total += c * lo[w]
        if (op == LE and total <= bound) or (op == EQ and total == bound) or (op == NE and total != bound):
            return True
    return False


def atom_range(atom: Atom, v: int, lo: list[int]) -> list[tuple[float, float]]:
    """The index ranges of number v on which the atom holds, the other variables at `lo`."""
    if atom[0] >= POLY:
        return _poly_range(atom, v, lo)
    op, terms, bound = atom
    c = 0
    rest = 0
    for w, cw in terms:
        if w == v:
            c = cw
        else:
            rest += cw * lo[w]
    slack = bound - rest
    if c == 0:
        holds = (op == LE and slack >= 0) or (op == EQ and slack == 0) or (op == NE and slack != 0)
        return [(-INF, INF)] if holds else []
    if op == LE:
        return [(-INF, slack // c)] if c > 0 else [(-((-slack) // c), INF)]
    exact = slack % c == 0
    point = slack // c
    if op == EQ:
        return [(point, point)] if exact else []
    return [(-INF, point - 1), (point + 1, INF)] if exact else [(-INF, INF)]


# -- polynomial atoms (products of options): bounds by interval arithmetic on grid indices >= 0 --


def _poly_bounds(terms: tuple[tuple[Any, int], ...], lo: list[int], hi: list[int]) -> tuple[int, int]:
    low = high = 0
    for monomial, c in terms:
        small = big = 1
        for w in monomial:
            small *= lo[w]
            big *= hi[w]
        if c > 0:
            low += c * small
            high += c * big
        else:
            low += c * big
            high += c * small
    return low, high


def poly_status(atom: Atom, lo: list[int], hi: list[int]) -> int:
    op, terms, bound = atom
    low, high = _poly_bounds(terms, lo, hi)
    base = op - POLY
    if base == LE:
        return 1 if high <= bound else 0 if low > bound else -1
    if low > bound or high < bound:
        return 0 if base == EQ else 1
    if low == high:
        return 1 if base == EQ else 0
    return -1


def _poly_tighten(
    terms: tuple[tuple[Any, int], ...], bound: int, lo: list[int], hi: list[int], stack: list[int]
) -> bool:
    """Sound bounds for sum(c * monomial) <= bound, one variable of degree 1 at a time."""
    low, _ = _poly_bounds(terms, lo, hi)
    if low > bound:
        return False
    for monomial, c in terms:
        small = big = 1
        for w in monomial:
            small *= lo[w]
            big *= hi[w]
        room = bound - (low - (c * small if c > 0 else c * big))  # c * monomial <= room
        for w in set(monomial):
            if monomial.count(w) != 1:
                continue
            other_small = other_big = 1
            for u in monomial:
                if u != w:
                    other_small *= lo[u]
                    other_big *= hi[u]
            if c > 0:
                if other_small > 0:
                    top = room // (c * other_small)
                    if top < hi[w]:
                        if top < lo[w]:
                            return False
                        hi[w] = top
                        stack.append(w)
            else:
                # c * k * other <= room  <=>  k * other >= room / c (> 0 only when room < 0)
                if room < 0:
                    if other_big == 0:
                        return False
                    bottom = -(room // (-c * other_big))  # ceil(room / (c * other_big))
                    if bottom > lo[w]:
                        if bottom > hi[w]:
                            return False
                        lo[w] = bottom
                        stack.append(w)
    return True


def _poly_enforce(atom: Atom, lo: list[int], hi: list[int], stack: list[int]) -> bool:
    op, terms, bound = atom
    base = op - POLY
    if base == LE:
        return _poly_tighten(terms, bound, lo, hi, stack)
    if base == EQ:
        return _poly_tighten(terms, bound, lo, hi, stack) and _poly_tighten(
            tuple((m, -c) for m, c in terms), -bound, lo, hi, stack
        )
    return True  # != : no bounds to draw


def _poly_range(atom: Atom, v: int, lo: list[int]) -> list[tuple[float, float]]:
    """As _atom_range; when v appears squared, only its own value is claimed (safe)."""
    op, terms, bound = atom
    coefficient = 0
    rest = 0
    for monomial, c in terms:
        degree = monomial.count(v)
        product = c
        for u in monomial:
            if u != v:
                product *= lo[u]
        if degree == 0:
            rest += product
        elif degree == 1:
            coefficient += product
        else:
            holds = poly_status(atom, lo, lo) == 1
            return [(lo[v], lo[v])] if holds else []
    linear: Atom = (op - POLY, ((v, coefficient),) if coefficient else (), bound - rest)
    if not coefficient:
        base = op - POLY
        slack = bound - rest
        holds = (base == LE and slack >= 0) or (base == EQ and slack == 0) or (base == NE and slack != 0)
        return [(-INF, INF)] if holds else []
    return atom_range(linear, v, lo)


def around(pieces: list[tuple[float, float]], s: int) -> tuple[float, float]:
    """The widest interval of the union of `pieces` (integer ranges) that contains s."""
    pieces = sorted(pieces)
    merged: list[list[float]] = []
    for a, b in pieces:
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    for a, b in merged:
        if a <= s <= b:
            return a, b
    return s, s  # the solution itself holds; be safe


def range_gaps(covered: list[tuple[int, int]], a: int, b: int) -> list[tuple[int, int]]:
    gaps = []
    at = a
    for p, q in merge_ranges(covered):
        if p > at:
            gaps.append((at, p - 1))
        at = max(at, q + 1)
    if at <= b:
        gaps.append((at, b))
    return gaps


def merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for p, q in sorted(ranges):
        if out and p <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], q)
        else:
            out.append([p, q])
    return [(p, q) for p, q in out]
