"""Propagation: the clauses and opaque constraints of a compiled model, and unit propagation.

A clause is a disjunction of "option in value-set" literals and atoms over number grid indices
(see compiled.py); an opaque constraint is a rule or condition checked by evaluating it. `Network`
indexes them by variable (binary clauses apart) and propagates a state to a fixpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bom.configurator.atoms import (
    atom_status,
    enforce,
)
from bom.configurator.budget import meter
from bom.configurator.symbolic import (
    NA,
    Clause,
    atom_vars,
)
from bom.expressions import Expression, ExpressionError, MissingValue

if TYPE_CHECKING:
    from bom.configurator.searching import Searching as Model

State = tuple[list[int], list[int], list[int]]  # dom, lo, hi
Sol = tuple[list[int], list[int]]  # dom (one bit each), lo (the grid index of present numbers)


class Unencodable(Exception):
    """A value the compiled model cannot represent (a text that a rule reads): use the reference."""


@dataclass(eq=False)
class Opaque:
    """A rule or condition checked by evaluation rather than by clauses."""

    vars: tuple[int, ...]
    expression: Expression
    owner: int | None  # for a condition: the option whose applicability it decides
    negated: bool = False  # a rule's negation: holds where the rule is broken (publish analysis)

    def holds(self, env: Mapping[str, object], owner_bit: int) -> bool:
        budget = meter()
        if budget is not None:
            budget.spend()  # one evaluation, one step
        try:
            value = self.expression.evaluate(env)
        except MissingValue:
            value = None if self.owner is None else False
        except ExpressionError:
            value = False
        if self.owner is None:
            return (value is None or value is True) is not self.negated
        return (value is True) == (owner_bit != NA)


class Network:
    """A set of clauses and opaque constraints over a model's variables, and their propagation."""

    def __init__(self, model: Model, clauses: list[Clause], opaques: list[Opaque]) -> None:
        n = model.n
        self.model = model
        self.bin: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
        self.gen: list[list[int]] = [[] for _ in range(n)]
        self.opq: list[list[Opaque]] = [[] for _ in range(n)]
        self.clauses: list[Clause] = []
        self.units: list[tuple[int, int]] = []
        self.empty = False
        for dl, al in clauses:
            if not dl and not al:
                self.empty = True
            elif not al and len(dl) == 1:
                self.units.append(dl[0])
            elif not al and len(dl) == 2:
                (a, ma), (b, mb) = dl
                self.bin[a].append((ma, b, mb))
                self.bin[b].append((mb, a, ma))
            else:
                index = len(self.clauses)
                self.clauses.append((dl, al))
                touched = {v for v, _ in dl}.union(*(atom_vars(atom) for atom in al))
                for v in touched:
                    self.gen[v].append(index)
        for opaque in opaques:
            for v in opaque.vars:
                self.opq[v].append(opaque)
        self.opaques = opaques
        # What propagating from a variable costs, in steps of the search budget: the terms of the
        # clauses it visits (opaque constraints spend one step per evaluation, in Opaque.holds).
        self.weight = [
            1 + len(self.bin[v]) + sum(len(self.clauses[ci][0]) + len(self.clauses[ci][1]) for ci in self.gen[v])
            for v in range(n)
        ]

    # -- propagation -----------------------------------------------------------------------

    def propagate(self, dom: list[int], lo: list[int], hi: list[int], stack: list[int]) -> bool:
        """Unit propagation to a fixpoint from the variables in `stack`; False on a wipe-out.
        Each variable taken from the stack spends its weight from the search budget (budget.py)."""
        bin_, gen, opq, clauses = self.bin, self.gen, self.opq, self.clauses
        budget, weight = meter(), self.weight
        while stack:
            v = stack.pop()
            if budget is not None:
                budget.spend(weight[v])
            dv = dom[v]
            for mv, w, mw in bin_[v]:
                if not dv & mv:
                    dw = dom[w]
                    nd = dw & mw
                    if nd != dw:
                        if not nd:
                            return False
                        dom[w] = nd
                        stack.append(w)
            for ci in gen[v]:
                dl, al = clauses[ci]
                live = 0
                unit_v = -1
                unit_m = 0
                satisfied = False
                for w, m in dl:
                    d = dom[w]
                    if d & m:
                        if not d & ~m:
                            satisfied = True
                            break
                        live += 1
                        unit_v = w
                        unit_m = m
                if satisfied:
                    continue
                unit_atom = None
                for atom in al:
                    status = atom_status(atom, lo, hi)
                    if status == 1:
                        satisfied = True
                        break
                    if status == 0:
                        continue
                    live += 1
                    unit_atom = atom
                if satisfied:
                    continue
                if live == 0:
                    return False
                if live == 1:
                    if unit_atom is None:
                        nd = dom[unit_v] & unit_m
                        if nd != dom[unit_v]:
                            dom[unit_v] = nd
                            stack.append(unit_v)
                    elif not enforce(unit_atom, dom, lo, hi, stack):
                        return False
            if opq[v]:
                for opaque in opq[v]:
                    if not self.model.propagate_opaque(opaque, dom, lo, hi, stack):
                        return False
        return True

    def start(self, dom: list[int], lo: list[int], hi: list[int]) -> bool:
        """Propagate a fresh state: units first, then every clause once."""
        if self.empty:
            return False
        for v, m in self.units:
            dom[v] &= m
            if not dom[v]:
                return False
        return self.propagate(dom, lo, hi, list(range(self.model.n)))


__all__ = ["Network", "Opaque", "Sol", "State", "Unencodable"]
