"""A component compiled for fast, exact domains: clauses over bitmask domains, and a search.

Each option of a component is a variable. A choice, boolean or text option's domain is an integer
bitmask: bit 0 (NA) "does not apply", bit 1 (UNSET) "applies but left empty" (optional choices and
numbers only), then one bit per value. A number option has the bits NA, UNSET and PRESENT, plus an
interval [lo, hi] of grid indices (value = min + k * step).

Rules and conditions are read symbolically (bom/configurator/symbolic.py) into clauses: each
clause is a disjunction of "option in value-set" literals and atoms over grid indices
(`sum(c * k) <= b`, `== b`, `!= b`; products of options allowed, see atoms.py). A condition `when`
of option X becomes the clauses of "X is NA exactly when the condition is false". What cannot be
read so (a division by an option, rounding an option, too many combinations) is kept as an
*opaque* constraint: checked by evaluating it once its options are decided, and used to narrow
the last undecided one by scanning its values.

Propagation is unit propagation: a clause whose literals are all false but one makes that one
true (narrowing a mask, or tightening number bounds through the atom). The search assigns
variables in the component's order (a condition's inputs first) with propagation at each step; it
is complete, so "no solution" is a proof. Domains are computed as *supports* (`Model.supports`):

- every solution found proves all of its values at once, and searches prefer values not yet
  proven, so a handful of searches covers most values;
- a value is also proven when a known solution with that one value changed stays valid, or when
  *repairing* it (re-searching only the options of the constraints it breaks) succeeds;
- each value still open costs one search: found, more values are proven; not found, the value is
  refuted (the search was the proof) and dropped for the searches after it;
- a number's domain grows as intervals around solutions (the grid values at which the solution
  with that one number changed stays valid); a gap between two solutions is first bridged by
  moving the numbers proportionally between them (checked), then by a search over the numbers
  only (the choices kept), then by a whole search.

At publish the model also tabulates, for each choice value, the values of every other option
compatible with it (the pair table), which answers the small feasibility questions that
explanations ask.
"""

from __future__ import annotations

import ast
import itertools
import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from bom.configurator.atoms import (
    around,
    atom_range,
    atom_status,
    clause_holds,
    clause_holds_at,
    enforce,
    merge_ranges,
    range_gaps,
)
from bom.configurator.budget import meter
from bom.configurator.model import Option, Problem
from bom.configurator.sat import Guarded, SatModel
from bom.configurator.symbolic import (
    MISSING_BITS,
    NA,
    PRESENT,
    UNSET,
    Clause,
    NotLinear,
    SymbolicReader,
    TooLarge,
    Var,
    atom_vars,
    swap,
    to_cnf,
    with_literal,
)
from bom.expressions import Expression, ExpressionError, MissingValue

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


@dataclass
class Support:
    """The values of the targets that extend to a complete valid assignment."""

    solution: Sol | None
    masks: dict[int, int] = field(default_factory=dict)  # discrete target -> supported value bits
    ranges: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # number target -> index ranges


class Model:
    """One component compiled: variables, the network of all its constraints, the root state."""

    def __init__(
        self, options: tuple[Option, ...], rules: tuple[Any, ...], *, limit: int = 20000, tables: bool = True
    ) -> None:
        """`tables`: build the search backend and tables for configuring (False: a model asked once,
        by `satisfiable`)."""
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

        reader = SymbolicReader(names, limit=limit)
        rootmap = dict(enumerate(roots))
        clauses: list[Clause] = []
        opaques: list[Opaque] = []
        self.rule_parts: dict[int, tuple[list[Clause], list[Opaque]]] = {}
        self.rules = {rule.index: rule for rule in rules}
        # For explanations: each rule's other options (display order), per option it reads.
        self.rule_others: dict[tuple[int, str], list[Option]] = {}
        for rule in rules:
            for key in rule.expr.names:
                others = [options[self.index[k]] for k in rule.expr.names if k != key]
                self.rule_others[rule.index, key] = sorted(others, key=lambda o: o.index)
        for rule in rules:
            own_clauses: list[Clause] = []
            own_opaques: list[Opaque] = []
            try:
                own_clauses = to_cnf(reader.rule(rule.expr), rootmap)
                if reader.products:
                    self._warn_products(f"rules[{rule.index}].expr", rule.expr)
            except (NotLinear, TooLarge) as exc:
                own_opaques = [Opaque(tuple(sorted(self.index[k] for k in rule.expr.names)), rule.expr, None)]
                self._warn(f"rules[{rule.index}].expr", exc, rule.expr)
            clauses += own_clauses
            opaques += own_opaques
            self.rule_parts[rule.index] = (own_clauses, own_opaques)
        self.condition_clauses: list[Clause] = []
        for i, option in enumerate(options):
            if option.when is None:
                continue
            try:
                applies = reader.condition(option.when)
                own = with_literal(to_cnf(applies, rootmap), i, NA, rootmap)
                own += with_literal(to_cnf(swap(applies, reader), rootmap), i, roots[i] & ~NA, rootmap)
                clauses += own
                self.condition_clauses += own
                if reader.products:
                    self._warn_products(f"options[{option.index}].when", option.when)
            except (NotLinear, TooLarge) as exc:
                reads = tuple(sorted({i} | {self.index[k] for k in option.when.names}))
                opaques.append(Opaque(reads, option.when, i))
                self._warn(f"options[{option.index}].when", exc, option.when)
        # The option groups that a rule or condition links (for the deletion filter's start).
        self.links: dict[str, list[frozenset[str]]] = {}
        for rule in rules:
            for key in rule.expr.names:
                self.links.setdefault(key, []).append(rule.expr.names)
        for option in options:
            if option.when is not None:
                group = option.when.names | {option.key}
                for key in group:
                    self.links.setdefault(key, []).append(group)
        self.clause_count = len(clauses)
        self.clauses = clauses
        self.opaques = opaques
        self.reader = reader
        self.rootmap = rootmap
        self.network = Network(self, clauses, opaques)
        self._rule_networks: dict[int, Network] = {}
        self._rule_cache: dict[tuple[int, tuple[tuple[str, object], ...]], bool] = {}
        dom = list(roots)
        lo = [0] * n
        hi = [len(g) - 1 if self.isnum[i] else 0 for i, g in enumerate(self.grid)]
        self.root: State | None = (dom, lo, hi) if self.network.start(dom, lo, hi) else None
        # A large model without number comparisons is searched by SAT (sat.py); the others keep
        # the compiled search, and the pair table that answers their explanations' small questions.
        self.sat = SatModel.build(self) if tables and n >= SAT_MIN_OPTIONS else None
        self._guarded: Guarded | None = None
        self.pairs: dict[tuple[int, int], list[int] | None] = self._pair_table() if tables and self.sat is None else {}

    def satisfiable(self) -> bool:
        """Whether some complete assignment satisfies every constraint (an unset text read as '')."""
        state = self.state({})
        return state is not None and self.search(state) is not None

    @property
    def guarded(self) -> Guarded:
        """Each rule's clauses behind a selector of its own, on a SAT solver (built on first use)."""
        if self._guarded is None:
            self._guarded = Guarded(self)
        return self._guarded

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

    def _warn_products(self, path: str, expression: Expression) -> None:
        numbers = sorted(k for k in expression.names if self.isnum[self.index[k]])
        self.warnings.append(
            Problem(
                path,
                f"not linear in the numbers (it multiplies options: {', '.join(numbers)}); its bounds are "
                "propagated by interval arithmetic, and domains stay exact (checked by search)",
            )
        )

    def _warn(self, path: str, exc: Exception, expression: Expression) -> None:
        numbers = sorted(k for k in expression.names if self.isnum[self.index[k]])
        if isinstance(exc, TooLarge):
            message = f"too many combinations to compile ({exc}); it is checked by evaluating it"
        else:
            message = f"not linear in the numbers ({exc}); it is checked by evaluating it"
        if numbers:
            message += f", and the domains of {', '.join(numbers)} are found by scanning their values"
        self.warnings.append(Problem(path, message))

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

    def refutation_core(self, values: Mapping[str, object], pinned: Mapping[str, object]) -> set[str] | None:
        """The options of `values` that, with `pinned`, unit propagation needs to refute them, or
        None when propagation alone does not refute them.

        Each variable carries the set (a bitmask) of fixed options behind its narrowing; a
        conflict's clause names the ones the proof used. Fixing just those replays every
        narrowing of the proof, so they too leave no valid configuration."""
        if self.root is None:
            return set()
        rdom, rlo, rhi = self.root
        dom, lo, hi = list(rdom), list(rlo), list(rhi)
        why = [0] * self.n
        stack = []
        for fixing, own in ((values, True), (pinned, False)):
            for key, value in fixing.items():
                v = self.index.get(key)
                if v is None:
                    continue
                if self.isnum[v]:
                    k = self.grid_index[v].get(value)
                    if k is None:
                        return None
                    dom[v] &= PRESENT
                    lo[v], hi[v] = max(lo[v], k), min(hi[v], k)
                    if lo[v] > hi[v]:
                        dom[v] = 0
                else:
                    dom[v] &= self.bit_for(v, value)
                why[v] = (1 << v) if own else 0
                if not dom[v]:
                    return self._core_keys(why[v])
                stack.append(v)
        if self.unset_text:
            self._unset_texts(dom, {**values, **pinned}, stack)
        net = self.network
        clauses = net.clauses
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
                            return self._core_keys(why[w])
                        dom[w] = nd
                        stack.append(w)
            for ci in net.gen[v]:
                dl, al = clauses[ci]
                live = 0
                unit_v = -1
                unit_m = 0
                unit_atom = None
                satisfied = False
                cause = 0
                for w, m in dl:
                    d = dom[w]
                    if d & m:
                        if not d & ~m:
                            satisfied = True
                            break
                        live += 1
                        unit_v, unit_m = w, m
                    else:
                        cause |= why[w]
                if satisfied:
                    continue
                for atom in al:
                    status = atom_status(atom, lo, hi)
                    if status == 1:
                        satisfied = True
                        break
                    for w in atom_vars(atom):
                        cause |= why[w]
                    if status == -1:
                        live += 1
                        unit_atom = atom
                if satisfied:
                    continue
                if live == 0:
                    return self._core_keys(cause)
                if live == 1:
                    if unit_atom is None:
                        nd = dom[unit_v] & unit_m
                        if nd != dom[unit_v]:
                            dom[unit_v] = nd
                            why[unit_v] |= cause
                            stack.append(unit_v)
                    else:
                        touched = atom_vars(unit_atom)
                        before = [(w, lo[w], hi[w]) for w in touched]
                        grown: list[int] = []
                        if not enforce(unit_atom, dom, lo, hi, grown):
                            return self._core_keys(cause)
                        for w, a, b in before:
                            if (lo[w], hi[w]) != (a, b):
                                why[w] |= cause
                                stack.append(w)
            for opaque in net.opq[v]:
                cause = 0
                for w in opaque.vars:
                    cause |= why[w]
                before_state = [(w, dom[w], lo[w], hi[w]) for w in opaque.vars]
                if not self.propagate_opaque(opaque, dom, lo, hi, []):
                    return self._core_keys(cause)
                for w, d, a, b in before_state:
                    if (dom[w], lo[w], hi[w]) != (d, a, b):
                        why[w] |= cause
                        stack.append(w)
        return None

    def _core_keys(self, mask: int) -> set[str]:
        return {self.options[v].key for v in range(self.n) if mask >> v & 1}

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
        if self.has_numbers:
            for v in range(self.n):
                if self.isnum[v] and sdom[v] == PRESENT and not lo[v] <= slo[v] <= hi[v]:
                    return False
        return True

    def supports(self, state: State | None, targets: list[int], pool: list[Sol]) -> Support:
        """The values of each target that some complete valid assignment within `state` takes.

        `pool` holds solutions found before (of any base): those consistent with `state` are used,
        and the new ones are added to it."""
        if self.sat is not None:
            return self.sat.supports(state, targets, pool)
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
        if self._combinations(free) > _ENUMERATION_LIMIT and self.guarded.holds(rule_index):
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


OTHER_TEXT = "\x00other text"


def _string_literals(expression: Expression) -> set[str]:
    if expression.tree is None:
        return set()
    return {n.value for n in ast.walk(expression.tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


_CACHE_LIMIT = 50000
_ENUMERATION_LIMIT = 64  # combinations of a rule's free options checked one by one; more: SAT
SAT_MIN_OPTIONS = 150  # a component of at least this many options (without number comparisons) is searched by SAT
_PAIR_VALUES_LIMIT = 1000


__all__ = ["Model", "Network", "Opaque", "Sol", "State", "Support", "Unencodable"]
