"""Building a compiled component: its rules and conditions read into clauses over its variables.

The engine's compiled layers, one file each (`Model` stacks them):
- variables.py: the options encoded into variables (bitmask domains, grid indices) and states;
- network.py: the clauses and opaque constraints, and unit propagation;
- searching.py: search (depth-first with propagation, or SAT: sat.py) and one-value repairs;
- supports.py: which values of some options extend to a valid assignment (domains);
- refutation.py: why a value is refuted (propagation reasons, one rule alone), for explanations;
- this file: reading rules and conditions into clauses, the root state, the backend (SAT or not).
domains.py answers a configure call on these models; solver.py is the interface it offers.


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

At publish a model of at least SAT_MIN_OPTIONS options whose clauses compare no numbers is given
an incremental SAT solver (sat.py) that answers its searches and supports with the spec as
assumptions; the others tabulate, for each choice value, the values of every other option
compatible with it (the pair table), which answers the small feasibility questions that
explanations ask.
"""

from __future__ import annotations

from typing import Any

from bom.configurator.model import Option, Problem
from bom.configurator.network import Network, Opaque, Sol, State, Unencodable
from bom.configurator.refutation import Refuting
from bom.configurator.sat import SatModel
from bom.configurator.supports import Support
from bom.configurator.symbolic import (
    NA,
    Clause,
    NotLinear,
    SymbolicReader,
    TooLarge,
    swap,
    to_cnf,
    with_literal,
)
from bom.expressions import Expression


class Model(Refuting):
    """One component compiled: variables, the network of all its constraints, the root state."""

    def __init__(
        self, options: tuple[Option, ...], rules: tuple[Any, ...], *, limit: int = 20000, tables: bool = True
    ) -> None:
        """`tables`: build the search backend and tables for configuring (False: a model asked once,
        by `satisfiable`)."""
        super().__init__(options, rules)
        self.reader = SymbolicReader(self.names, limit=limit)
        self.rootmap = dict(enumerate(self.roots))
        self.rules = {rule.index: rule for rule in rules}
        self.rule_parts: dict[int, tuple[list[Clause], list[Opaque]]] = {}
        self.condition_clauses: list[Clause] = []
        self.clauses = []
        self.opaques = []
        self._read_rules(rules)
        self._read_conditions()
        self._link(rules)
        self.clause_count = len(self.clauses)
        self.network = Network(self, self.clauses, self.opaques)
        self._rule_networks: dict[int, Network] = {}
        self._rule_cache: dict[tuple[int, tuple[tuple[str, object], ...]], bool] = {}
        dom = list(self.roots)
        lo = [0] * self.n
        hi = [len(g) - 1 if self.isnum[i] else 0 for i, g in enumerate(self.grid)]
        self.root: State | None = (dom, lo, hi) if self.network.start(dom, lo, hi) else None
        # A large model without number comparisons is searched by SAT (sat.py); the others keep
        # the compiled search, and the pair table that answers their explanations' small questions.
        self.sat = SatModel.build(self) if tables and self.n >= SAT_MIN_OPTIONS else None
        self.pairs: dict[tuple[int, int], list[int] | None] = self._pair_table() if tables and self.sat is None else {}

    def _read_rules(self, rules: tuple[Any, ...]) -> None:
        """Each rule into clauses (or an opaque constraint, with a warning), and for explanations
        each rule's other options (display order), per option it reads."""
        options = self.options
        self.rule_others: dict[tuple[int, str], list[Option]] = {}
        for rule in rules:
            for key in rule.expr.names:
                others = [options[self.index[k]] for k in rule.expr.names if k != key]
                self.rule_others[rule.index, key] = sorted(others, key=lambda o: o.index)
        for rule in rules:
            own_clauses: list[Clause] = []
            own_opaques: list[Opaque] = []
            try:
                own_clauses = to_cnf(self.reader.rule(rule.expr), self.rootmap)
                if self.reader.products:
                    self._warn_products(f"rules[{rule.index}].expr", rule.expr)
            except (NotLinear, TooLarge) as exc:
                own_opaques = [Opaque(tuple(sorted(self.index[k] for k in rule.expr.names)), rule.expr, None)]
                self._warn(f"rules[{rule.index}].expr", exc, rule.expr)
            self.clauses += own_clauses
            self.opaques += own_opaques
            self.rule_parts[rule.index] = (own_clauses, own_opaques)

    def _read_conditions(self) -> None:
        """Each condition `when` of option X into the clauses of "X is NA exactly when it is false"
        (or an opaque constraint, with a warning)."""
        reader, rootmap = self.reader, self.rootmap
        for i, option in enumerate(self.options):
            if option.when is None:
                continue
            try:
                applies = reader.condition(option.when)
                own = with_literal(to_cnf(applies, rootmap), i, NA, rootmap)
                own += with_literal(to_cnf(swap(applies, reader), rootmap), i, self.roots[i] & ~NA, rootmap)
                self.clauses += own
                self.condition_clauses += own
                if reader.products:
                    self._warn_products(f"options[{option.index}].when", option.when)
            except (NotLinear, TooLarge) as exc:
                reads = tuple(sorted({i} | {self.index[k] for k in option.when.names}))
                self.opaques.append(Opaque(reads, option.when, i))
                self._warn(f"options[{option.index}].when", exc, option.when)

    def _link(self, rules: tuple[Any, ...]) -> None:
        """The option groups that a rule or condition links (for the deletion filter's start)."""
        self.links: dict[str, list[frozenset[str]]] = {}
        for rule in rules:
            for key in rule.expr.names:
                self.links.setdefault(key, []).append(rule.expr.names)
        for option in self.options:
            if option.when is not None:
                group = option.when.names | {option.key}
                for key in group:
                    self.links.setdefault(key, []).append(group)

    def satisfiable(self) -> bool:
        """Whether some complete assignment satisfies every constraint (an unset text read as '')."""
        state = self.state({})
        return state is not None and self.search(state) is not None

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


SAT_MIN_OPTIONS = 150  # a component of at least this many options (without number comparisons) is searched by SAT


__all__ = ["SAT_MIN_OPTIONS", "Model", "Network", "Opaque", "Sol", "State", "Support", "Unencodable"]
