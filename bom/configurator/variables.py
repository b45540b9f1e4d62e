"""Encoding a component's options into variables: bitmask domains and grid indices.

Each option of a component is a variable. A choice, boolean or text option's domain is an integer
bitmask: bit 0 (NA) "does not apply", bit 1 (UNSET) "applies but left empty" (optional choices and
numbers only), then one bit per value. A number option has the bits NA, UNSET and PRESENT, plus an
interval [lo, hi] of grid indices (value = min + k * step). A text option that a rule or condition
reads takes '' , each text literal those expressions compare it with, or any other text.

`Variables` holds that encoding and the states built on it (a spec's values fixed on the root);
compiled.Model adds the constraints, search.py-like layers add search, supports and refutations.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from bom.configurator.model import Option, Problem
from bom.configurator.network import Network, Opaque, Sol, State, Unencodable
from bom.configurator.symbolic import (
    MISSING_BITS,
    NA,
    PRESENT,
    UNSET,
    Clause,
    Var,
)
from bom.expressions import Expression

if TYPE_CHECKING:
    from bom.configurator.sat import SatModel


class Variables:
    """The variables of a component's options, and states over them."""

    # Set by compiled.Model once the rules and conditions are read (declared for the layers).
    network: Network
    root: State | None
    sat: SatModel | None
    clauses: list[Clause]
    opaques: list[Opaque]
    rule_parts: dict[int, tuple[list[Clause], list[Opaque]]]
    rules: dict[int, Any]
    rule_others: dict[tuple[int, str], list[Option]]
    condition_clauses: list[Clause]
    links: dict[str, list[frozenset[str]]]
    pairs: dict[tuple[int, int], list[int] | None]

    def __init__(self, options: tuple[Option, ...], rules: tuple[Any, ...]) -> None:
        self.options = options
        self.n = n = len(options)
        self.index = {o.key: i for i, o in enumerate(options)}
        self.isnum = [o.type == "number" for o in options]
        self.numbers = [v for v in range(n) if self.isnum[v]]
        self.has_numbers = any(self.isnum)
        self.values: list[tuple[object, ...]] = []
        self.grid: list[tuple[Any, ...]] = []
        self.bit_of: list[dict[object, int]] = []
        self.grid_index: list[dict[object, int]] = []
        self.warnings: list[Problem] = []
        # A text option that a rule or condition reads is a variable whose values are '' (what an
        # unset optional text reads as), each text literal those expressions compare it with, and
        # OTHER (any other text); comparisons with literals are all the language can do with it.
        # Where one expression reads two texts, OTHER could wrongly equal OTHER: such a text must
        # be '' or a literal (else the reference search answers).
        expressions = [r.expr for r in rules] + [o.when for o in options if o.when is not None]
        texts = {o.key for o in options if o.type == "text"}
        self.text_read: set[int] = set()
        self.text_strict: set[int] = set()
        self.unset_text: dict[int, int] = {}  # text variable -> the bits an unset text may take
        literals: dict[str, set[str]] = {}
        for expression in expressions:
            read = expression.names & texts
            for key in read:
                literals.setdefault(key, set()).update(_string_literals(expression))
                if len(read) > 1:
                    self.text_strict.add(self.index[key])
        roots: list[int] = []
        names: dict[str, Var] = {}
        self.names = names  # the symbolic reader's variables
        for i, option in enumerate(options):
            root = 0
            if option.when is not None:
                root |= NA
            if option.type in ("choice", "number") and not option.required:
                root |= UNSET
            if option.type == "number":
                assert option.min is not None and option.step is not None
                values: tuple[object, ...] = ()
                root |= PRESENT
                names[option.key] = Var(i, True, (), root, Fraction(option.min), Fraction(option.step))
                self.grid.append(option.values)
                self.grid_index.append({value: k for k, value in enumerate(option.values)})
            else:
                if option.type == "text" and option.key in literals and not option.required:
                    values = ("", *sorted(literals[option.key] - {""}), OTHER_TEXT)
                    self.text_read.add(i)
                    self.unset_text[i] = NA | 4
                elif option.type == "text":
                    values = (option.search_values[0],)  # '' (optional) or ANY_TEXT (required)
                else:
                    values = tuple(option.values)
                for j in range(len(values)):
                    root |= 1 << (2 + j)
                names[option.key] = Var(i, False, values, root)
                self.grid.append(())
                self.grid_index.append({})
            self.values.append(values)
            self.bit_of.append({value: 1 << (2 + j) for j, value in enumerate(values)})
            roots.append(root)
        self.roots = roots
        # The order a search tries values: the option's own order (default first), then "left
        # empty", then "does not apply".
        self.bit_order: list[tuple[int, ...]] = []
        for i, option in enumerate(options):
            if self.isnum[i]:
                bits = [PRESENT]
            else:
                bits = [self.bit_of[i][v] for v in option.search_values if v in self.bit_of[i]]
            bits += [b for b in (UNSET, NA) if roots[i] & b]
            self.bit_order.append(tuple(bits))

    def bit_for(self, v: int, value: object) -> int:
        """The bit of a discrete value; raises Unencodable if the model cannot hold it."""
        bit = self.bit_of[v].get(value)
        if bit is not None:
            return bit
        if self.options[v].type == "text":
            if v not in self.text_read:
                return 4  # a text nothing reads: any text is the same
            if v not in self.text_strict and isinstance(value, str) and value:
                return self.bit_of[v][OTHER_TEXT]
        raise Unencodable(self.options[v].key)

    def encodable(self, values: Mapping[str, object]) -> bool:
        try:
            for key, value in values.items():
                v = self.index.get(key)
                if v is not None and not self.isnum[v]:
                    self.bit_for(v, value)
        except Unencodable:
            return False
        return True

    def _unset_texts(self, dom: list[int], given: Mapping[str, object], stack: list[int] | None) -> None:
        """An unset text that rules read is '' (the search never types a text for the customer)."""
        for v, mask in self.unset_text.items():
            if self.options[v].key not in given:
                dom[v] &= mask
                if stack is not None:
                    stack.append(v)

    # -- states ------------------------------------------------------------------------------

    def state(
        self, values: Mapping[str, object], loose: Mapping[str, object] | None = None, network: Network | None = None
    ) -> State | None:
        """The root state with `values` fixed, and each `loose` value either kept or its option
        inapplicable, propagated (not on a SAT model: its solver propagates); None if that is
        refuted.

        Raises Unencodable for a value the model cannot hold (a text that a rule reads)."""
        if self.root is None:
            return None
        rdom, rlo, rhi = self.root
        dom, lo, hi = list(rdom), list(rlo), list(rhi)
        stack = []
        for fixing, either in ((values, 0), (loose or {}, NA)):
            for key, value in fixing.items():
                v = self.index.get(key)
                if v is None:
                    continue
                if self.isnum[v]:
                    k = self.grid_index[v].get(value)
                    if k is None:
                        raise Unencodable(key)
                    if k < lo[v] or k > hi[v]:
                        dom[v] &= either
                    else:
                        dom[v] &= PRESENT | either
                        lo[v] = hi[v] = k
                else:
                    dom[v] &= self.bit_for(v, value) | either
                if not dom[v]:
                    return None
                stack.append(v)
        if self.unset_text:
            self._unset_texts(dom, {**values, **(loose or {})}, stack)
            if not all(dom):
                return None
        if self.sat is not None and network is None:
            return dom, lo, hi  # the solver propagates, from these bits as its assumptions
        net = network or self.network
        if not net.propagate(dom, lo, hi, stack):
            return None
        return dom, lo, hi

    def encode(self, key: str, value: object) -> int:
        """The bit of a discrete value."""
        return self.bit_of[self.index[key]][value]

    # -- opaque constraints ----------------------------------------------------------------

    def decided(self, v: int, dom: list[int], lo: list[int], hi: list[int]) -> bool:
        d = dom[v]
        if d & (d - 1):
            return False
        return not (d == PRESENT and self.isnum[v] and lo[v] != hi[v])

    def value(self, v: int, bit: int, k: int) -> object:
        if self.isnum[v]:
            return self.grid[v][k]
        return self.values[v][bit.bit_length() - 3]

    def env_of(self, vars_: tuple[int, ...], dom: list[int], lo: list[int]) -> dict[str, object]:
        env: dict[str, object] = {}
        for v in vars_:
            bit = dom[v]
            if bit & MISSING_BITS:
                continue
            env[self.options[v].key] = self.value(v, bit, lo[v])
        return env

    # -- supports --------------------------------------------------------------------------

    def agrees(self, sol: Sol, values: Mapping[str, object]) -> bool:
        """Whether the solution takes each of `values` (a quick check, without a state)."""
        sdom, slo = sol
        for key, value in values.items():
            v = self.index.get(key)
            if v is None:
                continue
            if self.isnum[v]:
                if sdom[v] != PRESENT or self.grid_index[v].get(value) != slo[v]:
                    return False
            else:
                bit = self.bit_of[v].get(value)
                if bit is None:
                    if not self.encodable({key: value}):
                        return False
                    bit = self.bit_for(v, value)
                if sdom[v] != bit:
                    return False
        return True

    def consistent(self, sol: Sol, state: State) -> bool:
        sdom, slo = sol
        dom, lo, hi = state
        if not all(map(operator.and_, sdom, dom)):
            return False
        # Only the number options: O(numbers), not O(options).
        return all(sdom[v] != PRESENT or lo[v] <= slo[v] <= hi[v] for v in self.numbers)

    # -- cheap decisions -------------------------------------------------------------------

    def fixed_state(self, values: Mapping[str, object]) -> State | None:
        """The root state with `values` set, *not* propagated (for local refutations)."""
        if self.root is None:
            return None
        rdom, rlo, rhi = self.root
        dom, lo, hi = list(rdom), list(rlo), list(rhi)
        for key, value in values.items():
            v = self.index.get(key)
            if v is None:
                continue
            if self.isnum[v]:
                k = self.grid_index[v].get(value)
                if k is None:
                    raise Unencodable(key)
                dom[v] &= PRESENT
                lo[v] = hi[v] = k
            else:
                dom[v] &= self.bit_for(v, value)
        if self.unset_text:
            self._unset_texts(dom, values, None)
        return dom, lo, hi


OTHER_TEXT = "\x00other text"


def _string_literals(expression: Expression) -> set[str]:
    if expression.tree is None:
        return set()
    return {n.value for n in ast.walk(expression.tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


__all__ = ["OTHER_TEXT", "Variables"]
