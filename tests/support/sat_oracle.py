"""A plain SAT encoding of a product definition: the oracle that tests and benchmarks hold the
configurator against on products too large to enumerate (issue 10).

`SatOracle(definition)` encodes the choice and boolean options and the rules, with python-sat's
CaDiCaL, and answers "does this partial spec extend to a valid configuration" and "which values of
each option extend it" (`domains`, the engine's promise in docs/CATALOG.md) with assumptions on one
incremental solver.

The encoding, with no shortcut the engine could share:
- one variable per value of each choice or boolean option; at most one is true, none when the option
  does not apply, and one when it applies and is required (choices by default; booleans only when
  the definition says `required: true`: an optional boolean left unset has no value);
- an expression (bom/expressions.py's checked tree) has three outcomes, exactly those of its
  evaluation: true, false, or "reads an option without a value" (MissingValue). Each sub-expression
  gets a literal for true and one for false (neither: missing), following the evaluator's order:
  `and`/`or` stop at the first deciding operand, `if/else` reads only the branch it takes;
- an option applies when its `when` is true (false or missing: it does not apply); a rule holds
  unless it is false (missing: it does not apply).

Left out, and refused with NotEncodable when an option condition or rule reads them: number and text
options (their values are not encoded; an option no expression reads never constrains anything, as
the number options of tests/support/feature_models.py, except that a spec setting one needs it to
apply: its condition is encoded when it reads only encoded options), comparisons between two
options and arithmetic. Prices are left out too (a configuration whose price is negative is not valid for the
engine): use products whose price cannot go below zero.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from typing import Any

from pysat.solvers import Solver

from bom.expressions import NameInfo, parse

TRUE = 1
FALSE = -1

Value = str | bool


class NotEncodable(ValueError):
    """The definition uses what this encoding leaves out (numbers, text, arithmetic)."""


class SatOracle:
    """Which values extend a partial spec to a valid configuration, by SAT with assumptions."""

    def __init__(self, definition: Mapping[str, Any], *, solver: str = "cadical195") -> None:
        self._top = 1
        self._clauses: list[list[int]] = [[TRUE]]
        self.values: dict[str, list[Value]] = {}
        self.lits: dict[str, dict[Value, int]] = {}
        self.applies: dict[str, int] = {}  # option -> literal true when it applies
        self.reads: dict[str, frozenset[str]] = {}  # option -> the options its condition reads
        self._soft: dict[tuple[str, int], int] = {}
        names: dict[str, NameInfo] = {}
        type_of = {o["key"]: o["type"] for o in definition["options"]}
        for option in definition["options"]:
            key, type_ = option["key"], option["type"]
            if type_ == "choice":
                values: list[Value] = [c["value"] for c in option["choices"]]
                names[key] = NameInfo("choice", tuple(str(v) for v in values))
            elif type_ == "boolean":
                values = [True, False]
                names[key] = NameInfo("boolean")
            else:
                names[key] = NameInfo(type_)
                continue
            self.values[key] = values
            self.lits[key] = {v: self._new() for v in values}
        self.present: dict[str, int] = {}  # a number or text option (no value encoded) -> when it applies
        for option in definition["options"]:
            key = option["key"]
            if key not in self.lits:
                self._presence(option, names)
                continue
            lits = list(self.lits[key].values())
            for i, a in enumerate(lits):
                self._clauses.extend([-a, -b] for b in lits[i + 1 :])
            when = option.get("when")
            applies = TRUE if not when else self._encode(parse(when, names=names).tree)[0]
            self._clauses.extend([-lit, applies] for lit in lits)
            self.applies[key] = applies
            self.reads[key] = parse(when, names=names).names if when else frozenset()
            if option.get("required", type_of[key] == "choice"):
                self._clauses.append([-applies, *lits])
        for rule in definition.get("rules") or []:
            _, false = self._encode(parse(rule["expr"], names=names).tree)
            self._clauses.append([-false])
        self.solver = Solver(name=solver, bootstrap_with=self._clauses)
        self.calls = 0

    def _presence(self, option: Mapping[str, Any], names: Mapping[str, NameInfo]) -> None:
        """A number or text option's value is not encoded, but a spec that sets it needs it to apply:
        its condition's literal, when the condition reads only encoded options (else left out)."""
        when = option.get("when")
        if not when:
            return
        try:
            self.present[option["key"]] = self._encode(parse(when, names=names).tree)[0]
        except NotEncodable:
            return
        self.reads[option["key"]] = parse(when, names=names).names

    # -- answers ---------------------------------------------------------------------------

    def extends(self, spec: Mapping[str, object]) -> bool:
        """Whether the choice/boolean values of `spec` extend to a valid configuration."""
        return self._solve(self._assume(spec))

    def domains(self, spec: Mapping[str, object], keys: Iterable[str] | None = None) -> dict[str, list[Value]]:
        """For each of `keys` (default: every encoded option), the values that extend `spec` without
        that option's own value, as the engine's domains (docs/CATALOG.md; the customer may change
        a value): a value is offered when a valid configuration has it and the rest of the spec,
        except that an option of the spec whose condition reads this one may stop applying (its
        value is then dropped)."""
        keys = list(self.values if keys is None else keys)
        spec = {k: v for k, v in spec.items() if k in self.lits or k in self.present}
        supported: dict[str, set[Value]] = {k: set() for k in keys}
        full = self._assume(spec)
        whole = self._solve(full)
        if whole:
            self._record(supported, keys)
        for key in keys:
            rest = {k: v for k, v in spec.items() if k != key}
            dependents = {k for k in rest if key in self.reads[k]}
            assumptions = self._assume({k: v for k, v in rest.items() if k not in dependents})
            # (a number or text dependent keeps its value whenever it applies: no rule reads it)
            assumptions += [self._unless_dropped(k, rest[k]) for k in sorted(dependents) if k in self.lits]
            if not whole and key not in spec and not dependents:
                continue  # nothing extends the rest of the spec
            for value in self.values[key]:
                if value in supported[key]:
                    continue
                if self._solve([*assumptions, self.lits[key][value]]):
                    # a model of the whole spec supports every other option's value in it too
                    self._record(supported, keys if key not in spec and not dependents else [key])
        return {k: [v for v in self.values[k] if v in supported[k]] for k in keys}

    def close(self) -> None:
        self.solver.delete()

    # -- solving ---------------------------------------------------------------------------

    def _assume(self, spec: Mapping[str, object]) -> list[int]:
        out = []
        for key, value in spec.items():
            if key in self.present:
                out.append(self.present[key])  # a number or text set in the spec must apply
                continue
            if key not in self.lits:
                continue
            lit = self.lits[key].get(value)  # type: ignore[call-overload]
            out.append(FALSE if lit is None else lit)
        return out

    def _unless_dropped(self, key: str, value: object) -> int:
        """A literal that forces `key` to `value` when the option applies."""
        lit = self.lits[key].get(value)  # type: ignore[call-overload]
        if lit is None:
            return -self.applies[key]
        soft = self._soft.get((key, lit))
        if soft is None:
            soft = self._soft[(key, lit)] = self._new()
            self.solver.add_clause([-soft, -self.applies[key], lit])
        return soft

    def _solve(self, assumptions: list[int]) -> bool:
        self.calls += 1
        if FALSE in assumptions:
            return False
        return bool(self.solver.solve(assumptions=assumptions))

    def _record(self, supported: dict[str, set[Value]], keys: Iterable[str]) -> None:
        model = self.solver.get_model()
        assert model is not None
        true = {lit for lit in model if lit > 0}
        for key in keys:
            for value, lit in self.lits[key].items():
                if lit in true:
                    supported[key].add(value)

    # -- encoding --------------------------------------------------------------------------

    def _new(self) -> int:
        self._top += 1
        return self._top

    def _and(self, lits: list[int]) -> int:
        if FALSE in lits:
            return FALSE
        lits = list(dict.fromkeys(lit for lit in lits if lit != TRUE))
        if not lits:
            return TRUE
        if len(lits) == 1:
            return lits[0]
        v = self._new()
        self._clauses.extend([-v, lit] for lit in lits)
        self._clauses.append([v, *(-lit for lit in lits)])
        return v

    def _or(self, lits: list[int]) -> int:
        return -self._and([-lit for lit in lits])

    def _encode(self, node: ast.expr) -> tuple[int, int]:
        """(literal true when the expression is true, literal true when it is false)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return (TRUE, FALSE) if node.value else (FALSE, TRUE)
        if isinstance(node, ast.Name):
            if node.id not in self.lits or self.values[node.id] != [True, False]:
                raise NotEncodable(f"reads '{node.id}', not a boolean option")
            return self.lits[node.id][True], self.lits[node.id][False]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            true, false = self._encode(node.operand)
            return false, true
        if isinstance(node, ast.BoolOp):
            true, false = self._encode(node.values[0])
            for operand in node.values[1:]:
                t, f = self._encode(operand)
                if isinstance(node.op, ast.Or):
                    true, false = self._or([true, self._and([false, t])]), self._and([false, f])
                else:
                    true, false = self._and([true, t]), self._or([false, self._and([true, f])])
            return true, false
        if isinstance(node, ast.IfExp):
            ct, cf = self._encode(node.test)
            bt, bf = self._encode(node.body)
            ot, of = self._encode(node.orelse)
            return (
                self._or([self._and([ct, bt]), self._and([cf, ot])]),
                self._or([self._and([ct, bf]), self._and([cf, of])]),
            )
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return self._compare(node.left, node.ops[0], node.comparators[0])
        raise NotEncodable(f"'{ast.unparse(node)}' is not in the encoded subset")

    def _compare(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> tuple[int, int]:
        if isinstance(op, (ast.In, ast.NotIn)):
            if not isinstance(right, (ast.Tuple, ast.List)):
                raise NotEncodable("'in' needs a tuple")
            name, members = left, [_constant(e) for e in right.elts]
        elif isinstance(op, (ast.Eq, ast.NotEq)):
            if isinstance(left, ast.Name) and isinstance(right, ast.Constant):
                name, members = left, [_constant(right)]
            elif isinstance(right, ast.Name) and isinstance(left, ast.Constant):
                name, members = right, [_constant(left)]
            else:
                raise NotEncodable(f"'{ast.unparse(left)}' compared with '{ast.unparse(right)}'")
        else:
            raise NotEncodable("order comparisons read numbers")
        if not isinstance(name, ast.Name) or name.id not in self.lits:
            raise NotEncodable(f"'{ast.unparse(name)}' is not a choice or boolean option")
        lits = self.lits[name.id]
        inside = self._or([lit for value, lit in lits.items() if value in members])
        outside = self._or([lit for value, lit in lits.items() if value not in members])
        if isinstance(op, (ast.Eq, ast.In)):
            return inside, outside
        return outside, inside


def _constant(node: ast.expr) -> Value:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bool)):
        return node.value
    raise NotEncodable(f"'{ast.unparse(node)}' is not a text or true/false constant")
