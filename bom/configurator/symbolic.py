"""Rules and conditions read symbolically, as decision diagrams over the options' values.

The compiled engine (bom/configurator/compiled.py) needs each rule and condition as constraints
over "option in value-set" terms and linear inequalities over the number options. This module
evaluates an expression's syntax tree with the options left open: reading a choice, boolean or
text option splits on its values (and on "no value"), reading a number option gives a linear term,
and comparing linear terms splits on a linear *atom* (`sum(c_i * k_i) <= b` or `== b` over the
options' grid indices k_i, integers). The result is a tree whose leaves are what the concrete
evaluator (bom/expressions.py) would return on every configuration of that branch, with the same
short-circuits, type errors and "no value" outcomes; the compiled engine turns the paths to its
false leaves into clauses.

What cannot be read linearly (two options multiplied, a division by an option, rounding an option,
a division whose result is not an exact decimal) raises NotLinear; the engine then checks that rule
by evaluating it (and says so in a compile warning).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from bom.expressions import Expression

# Domain bits of a variable: no value because the option does not apply (NA), no value although it
# applies (UNSET: an optional option left empty), then one bit per value from bit 2 on (a number
# option has a single value bit, PRESENT, and an interval of grid indices beside its mask).
NA = 1
UNSET = 2
PRESENT = 4
MISSING_BITS = NA | UNSET

# Leaves: ("B", bool), ("S", str), ("L", coefficients, constant) for numbers (linear in the number
# options' values; a constant when there are no coefficients), and three outcomes.
MISSING: tuple[Any, ...] = ("M",)  # read an option without a value
ERROR: tuple[Any, ...] = ("E",)  # any other evaluation error
NONE: tuple[Any, ...] = ("0",)  # what a chain compares after `in` (always a type error)
TRUE: tuple[Any, ...] = ("B", True)
FALSE: tuple[Any, ...] = ("B", False)

Tree = tuple[Any, ...]
# A linear atom over grid indices: (LE, terms, bound) is sum(c * k) <= bound, (EQ, ...) is == bound
# and (NE, ...) is != bound (NE only appears in clauses). terms: ((var, int coefficient), ...).
LE, EQ, NE = 0, 1, 2
# Polynomial atoms (products of number options): the same three relations, op + POLY, with terms
# ((var, var, ...), int coefficient) over monomials of grid indices (all >= 0).
POLY = 3
LE2, EQ2, NE2 = LE + POLY, EQ + POLY, NE + POLY
MAX_DEGREE = 3
Atom = tuple[int, tuple[tuple[Any, int], ...], int]


class NotLinear(Exception):
    """The expression cannot be read as linear constraints over the number options."""


class TooLarge(Exception):
    """The expression's diagram grows past the limit (too many option combinations)."""


@dataclass(frozen=True)
class Var:
    """What the symbolic reader knows of one option: its variable index and domain."""

    index: int
    number: bool
    values: tuple[object, ...]  # discrete: the value of bit 2 + j; numbers: ()
    root: int  # the bits the variable can take at all
    minimum: Fraction = Fraction(0)
    step: Fraction = Fraction(1)


class _Path:
    __slots__ = ("masks", "atoms")

    def __init__(self, masks: dict[int, int], atoms: dict[Atom, bool]) -> None:
        self.masks = masks
        self.atoms = atoms

    def narrow(self, var: int, mask: int) -> _Path:
        masks = dict(self.masks)
        masks[var] = mask
        return _Path(masks, self.atoms)

    def assume(self, atom: Atom, value: bool) -> _Path:
        atoms = dict(self.atoms)
        atoms[atom] = value
        return _Path(self.masks, atoms)

    def knows(self, atom: Atom) -> bool | None:
        known = self.atoms.get(atom)
        if known is None and atom[0] == LE:
            opposite = self.atoms.get(negate(atom))
            if opposite is not None:
                return not opposite
        return known


def negate(atom: Atom) -> Atom:
    """The atom that holds exactly when `atom` does not (over integers)."""
    op, terms, bound = atom
    base, poly = op % POLY, op - op % POLY
    if base == LE:
        return (op, tuple((v, -c) for v, c in terms), -bound - 1)
    return ((NE if base == EQ else EQ) + poly, terms, bound)


def atom_vars(atom: Atom) -> set[int]:
    if atom[0] >= POLY:
        return {v for monomial, _ in atom[1] for v in monomial}
    return {v for v, _ in atom[1]}


def _either(yes: Tree, rest: Tree) -> Callable[[Tree], Tree]:
    return lambda leaf: yes if leaf == TRUE else rest


def _terminating(value: Fraction) -> bool:
    """Whether 1 / value is a finite decimal (so Decimal division by it is exact)."""
    n = abs(value.numerator)
    for p in (2, 5):
        while n % p == 0:
            n //= p
    return n == 1


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _lin(coeffs: tuple[tuple[tuple[int, ...], Fraction], ...], const: Fraction) -> Tree:
    """A number: sum(coefficient * product of the options in the monomial) + const."""
    return ("L", coeffs, const)


def _const(value: Fraction) -> Tree:
    return ("L", (), value)


def _lin_add(a: Tree, b: Tree, sign: int) -> Tree:
    coeffs = dict(a[1])
    for var, c in b[1]:
        coeffs[var] = coeffs.get(var, Fraction(0)) + sign * c
    return _lin(tuple(sorted((v, c) for v, c in coeffs.items() if c)), a[2] + sign * b[2])


def _lin_scale(a: Tree, factor: Fraction) -> Tree:
    if not factor:
        return _const(Fraction(0))
    return _lin(tuple((v, c * factor) for v, c in a[1]), a[2] * factor)


def _lin_mul(a: Tree, b: Tree) -> Tree:
    """The product of two numbers with options in both (a polynomial of low degree)."""
    terms: dict[tuple[int, ...], Fraction] = {}
    left = [*a[1], ((), a[2])]
    right = [*b[1], ((), b[2])]
    for m1, c1 in left:
        for m2, c2 in right:
            monomial = tuple(sorted(m1 + m2))
            if len(monomial) > MAX_DEGREE:
                raise NotLinear(f"it multiplies more than {MAX_DEGREE} options")
            terms[monomial] = terms.get(monomial, Fraction(0)) + c1 * c2
    const = terms.pop((), Fraction(0))
    return _lin(tuple(sorted((m, c) for m, c in terms.items() if c)), const)


class SymbolicReader:
    """Reads expressions over the variables `names` (option key -> Var) into decision diagrams."""

    def __init__(self, names: Mapping[str, Var], *, limit: int = 20000) -> None:
        self.names = names
        self.by_index = {v.index: v for v in names.values()}
        self.limit = limit
        self.count = 0
        self.expression: Expression | None = None
        self.products = False  # whether the last expression read multiplies options together

    # -- entry points ----------------------------------------------------------------------

    def rule(self, expression: Expression) -> Tree:
        """The rule's diagram with leaves TRUE (holds, or reads an option without a value) / FALSE."""
        tree = self._read(expression)
        return self.leaves(tree, lambda leaf: TRUE if leaf == TRUE or leaf[0] == "M" else FALSE)

    def condition(self, expression: Expression) -> Tree:
        """A `when`'s diagram with leaves TRUE (the option applies) / FALSE."""
        tree = self._read(expression)
        return self.leaves(tree, lambda leaf: TRUE if leaf == TRUE else FALSE)

    def value(self, expression: Expression) -> Tree:
        """A formula's diagram: leaves are its values (numbers linear in the options) or outcomes."""
        return self._read(expression)

    def _read(self, expression: Expression) -> Tree:
        if expression.tree is None:
            raise NotLinear("the expression has no syntax tree")
        self.expression = expression
        self.count = 0
        self.products = False
        masks = {self.names[name].index: self.names[name].root for name in expression.names}
        return self.ev(expression.tree, _Path(masks, {}))

    def leaves(self, tree: Tree, fn: Callable[[Tree], Tree]) -> Tree:
        return self.bind(tree, _Path({}, {}), lambda leaf, path: fn(leaf))

    # -- diagrams --------------------------------------------------------------------------

    def _grow(self) -> None:
        self.count += 1
        if self.count > self.limit:
            raise TooLarge(f"more than {self.limit} branches")

    def dnode(self, var: int, branches: list[tuple[int, Tree]]) -> Tree:
        merged: dict[Tree, int] = {}
        for mask, child in branches:
            merged[child] = merged.get(child, 0) | mask
        if len(merged) == 1:
            return next(iter(merged))
        self._grow()
        return ("D", var, tuple(sorted(((m, c) for c, m in merged.items()), key=lambda mc: mc[0])))

    def anode(self, atom: Atom, then: Tree, orelse: Tree) -> Tree:
        if then == orelse:
            return then
        self._grow()
        return ("A", atom, then, orelse)

    def bind(self, tree: Tree, path: _Path, k: Callable[[Tree, _Path], Tree]) -> Tree:
        """Replace each leaf by k(leaf, path to it), pruning branches the path rules out."""
        tag = tree[0]
        if tag == "D":
            var = tree[1]
            allowed = path.masks.get(var, -1)
            out = []
            for mask, child in tree[2]:
                narrowed = mask & allowed
                if narrowed:
                    out.append((narrowed, self.bind(child, path.narrow(var, narrowed), k)))
            return self.dnode(var, out)
        if tag == "A":
            atom = tree[1]
            known = path.knows(atom)
            if known is not None:
                return self.bind(tree[2] if known else tree[3], path, k)
            return self.anode(
                atom, self.bind(tree[2], path.assume(atom, True), k), self.bind(tree[3], path.assume(atom, False), k)
            )
        return k(tree, path)

    # -- nodes -----------------------------------------------------------------------------

    def ev(self, node: ast.expr, path: _Path) -> Tree:
        method = getattr(self, f"e_{type(node).__name__}", None)
        if method is None:  # refused by the parser already; be safe
            raise NotLinear(f"{type(node).__name__} is not supported")
        result: Tree = method(node, path)
        return result

    def literal(self, node: ast.expr) -> object:
        assert self.expression is not None
        return self.expression.literal(node)

    def e_Constant(self, node: ast.Constant, path: _Path) -> Tree:
        value = self.literal(node)
        if isinstance(value, bool):
            return ("B", value)
        if isinstance(value, str):
            return ("S", value)
        assert isinstance(value, Decimal)
        return _const(Fraction(value))

    def e_Name(self, node: ast.Name, path: _Path) -> Tree:
        var = self.names[node.id]
        allowed = path.masks.get(var.index, var.root)
        branches: list[tuple[int, Tree]] = []
        if allowed & MISSING_BITS:
            branches.append((allowed & MISSING_BITS, MISSING))
        if var.number:
            if allowed & PRESENT:
                branches.append((PRESENT, _lin((((var.index,), Fraction(1)),), Fraction(0))))
        else:
            for j, value in enumerate(var.values):
                bit = 1 << (2 + j)
                if allowed & bit:
                    branches.append((bit, ("B", value) if isinstance(value, bool) else ("S", value)))
        return self.dnode(var.index, branches)

    def e_BinOp(self, node: ast.BinOp, path: _Path) -> Tree:
        op = type(node.op)

        def left_done(a: Tree, p: _Path) -> Tree:
            if a[0] in "ME":
                return a
            return self.bind(self.ev(node.right, p), p, lambda b, p2: self.arith(op, a, b))

        return self.bind(self.ev(node.left, path), path, left_done)

    def arith(self, op: type, a: Tree, b: Tree) -> Tree:
        if b[0] in "ME":
            return b
        if a[0] != "L" or b[0] != "L":
            return ERROR
        if op is ast.Add:
            return _lin_add(a, b, 1)
        if op is ast.Sub:
            return _lin_add(a, b, -1)
        if op is ast.Mult:
            if not a[1]:
                return _lin_scale(b, a[2])
            if not b[1]:
                return _lin_scale(a, b[2])
            self.products = True
            return _lin_mul(a, b)
        if b[1]:
            raise NotLinear("it divides by an option")
        if not b[2]:
            return ERROR  # division by zero
        if not a[1]:  # both constant: exactly what Decimal division gives
            return _const(Fraction(_decimal(a[2]) / _decimal(b[2])))
        if not _terminating(b[2]):
            raise NotLinear(f"it divides by {_decimal(b[2])}, which is not an exact decimal division")
        return _lin_scale(a, 1 / b[2])

    def e_UnaryOp(self, node: ast.UnaryOp, path: _Path) -> Tree:
        op = node.op

        def apply(v: Tree, p: _Path) -> Tree:
            if v[0] in "ME":
                return v
            if isinstance(op, ast.Not):
                if v[0] != "B":
                    return ERROR
                return FALSE if v[1] else TRUE
            if v[0] != "L":
                return ERROR
            return _lin_scale(v, Fraction(-1)) if isinstance(op, ast.USub) else v

        return self.bind(self.ev(node.operand, path), path, apply)

    def e_BoolOp(self, node: ast.BoolOp, path: _Path) -> Tree:
        stop = not isinstance(node.op, ast.And)
        stop_leaf = ("B", stop)
        go_leaf = ("B", not stop)
        parts = node.values

        def part(i: int, p: _Path) -> Tree:
            def after(v: Tree, p2: _Path) -> Tree:
                if v[0] in "ME":
                    return v
                if v == stop_leaf:
                    return v
                if v != go_leaf:
                    return ERROR
                return part(i + 1, p2) if i + 1 < len(parts) else go_leaf

            return self.bind(self.ev(parts[i], p), p, after)

        return part(0, path)

    def e_IfExp(self, node: ast.IfExp, path: _Path) -> Tree:
        def branch(c: Tree, p: _Path) -> Tree:
            if c[0] in "ME":
                return c
            if c == TRUE:
                return self.ev(node.body, p)
            if c == FALSE:
                return self.ev(node.orelse, p)
            return ERROR

        return self.bind(self.ev(node.test, path), path, branch)

    def e_Compare(self, node: ast.Compare, path: _Path) -> Tree:
        ops, comparators = node.ops, node.comparators

        def step(i: int, a: Tree, p: _Path) -> Tree:
            if i == len(ops):
                return TRUE
            op = ops[i]
            right = comparators[i]
            if isinstance(op, (ast.In, ast.NotIn)):
                outcome = self.membership(a, right, isinstance(op, ast.In))
                return self.bind(
                    outcome, p, lambda ok, p2: ok if ok[0] == "E" or ok == FALSE else step(i + 1, NONE, p2)
                )

            def compared(b: Tree, p2: _Path) -> Tree:
                if b[0] in "ME":
                    return b
                outcome = self.compare(op, a, b)
                return self.bind(outcome, p2, lambda ok, p3: ok if ok[0] == "E" or ok == FALSE else step(i + 1, b, p3))

            return self.bind(self.ev(right, p), p, compared)

        return self.bind(self.ev(node.left, path), path, lambda a, p: a if a[0] in "ME" else step(0, a, p))

    def compare(self, op: ast.cmpop, a: Tree, b: Tree) -> Tree:
        if isinstance(op, (ast.Eq, ast.NotEq)):
            equal = isinstance(op, ast.Eq)
            if a[0] != b[0]:
                return ERROR
            if a[0] == "L":
                outcome = self.linear(_lin_add(a, b, -1), "==")
                return outcome if equal else self.leaves(outcome, lambda v: FALSE if v == TRUE else TRUE)
            if a[0] == "0":
                return ("B", equal)
            return ("B", (a[1] == b[1]) is equal)
        if a[0] != "L" or b[0] != "L":
            return ERROR
        symbol = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}[type(op)]
        return self.linear(_lin_add(a, b, -1), symbol)

    def membership(self, a: Tree, right: ast.expr, inside: bool) -> Tree:
        assert isinstance(right, (ast.Tuple, ast.List))
        values: list[Any] = []
        for elt in right.elts:
            if isinstance(elt, ast.UnaryOp):
                value = self.literal(elt.operand)
                assert isinstance(value, Decimal)
                values.append(-value)
            else:
                values.append(self.literal(elt))
        kind = type(values[0])
        kind_tag = "B" if kind is bool else "S" if kind is str else "L"
        if a[0] != kind_tag:
            return ERROR
        yes, no = ("B", inside), ("B", not inside)
        if a[0] != "L":
            return yes if a[1] in values else no
        if not a[1]:
            return yes if any(a[2] == Fraction(v) for v in values) else no
        tree = no
        for value in reversed(values):
            equal = self.linear(_lin_add(a, _const(Fraction(value)), -1), "==")
            tree = self.leaves(equal, _either(yes, tree))
        return tree

    def e_Call(self, node: ast.Call, path: _Path) -> Tree:
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        if name == "round":
            digits = 0
            if len(node.args) == 2:
                digits = int(self.literal(node.args[1]))  # type: ignore[call-overload]
            quantum = Decimal(1).scaleb(-digits)

            def rounded(v: Tree, p: _Path) -> Tree:
                if v[0] in "ME":
                    return v
                if v[0] != "L":
                    return ERROR
                if v[1]:
                    raise NotLinear("it rounds an option")
                return _const(Fraction(_decimal(v[2]).quantize(quantum, rounding=ROUND_HALF_UP)))

            return self.bind(self.ev(node.args[0], path), path, rounded)
        args = node.args

        def collect(i: int, got: tuple[Tree, ...], p: _Path) -> Tree:
            if i == len(args):
                return self.call(name, got, p)
            return self.bind(self.ev(args[i], p), p, lambda v, p2: v if v[0] in "ME" else collect(i + 1, (*got, v), p2))

        return collect(0, (), path)

    def call(self, name: str, args: tuple[Tree, ...], path: _Path) -> Tree:
        if any(a[0] != "L" for a in args):
            return ERROR
        if name in ("ceil", "floor"):
            (a,) = args
            if a[1]:
                raise NotLinear(f"it takes {name}() of an option")
            return _const(Fraction(math.ceil(a[2]) if name == "ceil" else math.floor(a[2])))
        # min / max: like Python's, keep the current one unless a later one is strictly better.
        better = "<" if name == "min" else ">"

        def fold(current: Tree, rest: tuple[Tree, ...], p: _Path) -> Tree:
            if not rest:
                return current
            candidate = rest[0]
            outcome = self.linear(_lin_add(candidate, current, -1), better)
            return self.bind(outcome, p, lambda v, p2: fold(candidate if v == TRUE else current, rest[1:], p2))

        return fold(args[0], args[1:], path)

    # -- linear atoms ----------------------------------------------------------------------

    def linear(self, diff: Tree, symbol: str) -> Tree:
        """`diff symbol 0` as a leaf (when constant) or a diagram node on an integer atom."""
        coeffs, const = diff[1], diff[2]
        if not coeffs:
            holds = {
                "<": const < 0,
                "<=": const <= 0,
                ">": const > 0,
                ">=": const >= 0,
                "==": const == 0,
            }[symbol]
            return ("B", holds)
        # Grid indices: value = minimum + step * k, so each monomial expands into monomials of k.
        expanded: dict[tuple[int, ...], Fraction] = {}
        for monomial, c in coeffs:
            parts: dict[tuple[int, ...], Fraction] = {(): c}
            for var in monomial:
                info = self.by_index[var]
                grown: dict[tuple[int, ...], Fraction] = {}
                for key, coef in parts.items():
                    grown[key] = grown.get(key, Fraction(0)) + coef * info.minimum
                    longer = tuple(sorted((*key, var)))
                    grown[longer] = grown.get(longer, Fraction(0)) + coef * info.step
                parts = grown
            for key, coef in parts.items():
                expanded[key] = expanded.get(key, Fraction(0)) + coef
        const += expanded.pop((), Fraction(0))
        terms = [(m, c) for m, c in sorted(expanded.items()) if c]
        if not terms:
            return self.linear(_const(const), symbol)
        scale = math.lcm(const.denominator, *(c.denominator for _, c in terms))
        ints = [(m, int(c * scale)) for m, c in terms]
        k = int(const * scale)
        # sum(ints * monomials) + k  symbol  0
        if symbol == ">":
            ints, k, symbol = [(m, -c) for m, c in ints], -k, "<"
        elif symbol == ">=":
            ints, k, symbol = [(m, -c) for m, c in ints], -k, "<="
        bound = -k - 1 if symbol == "<" else -k
        g = math.gcd(*(abs(c) for _, c in ints))
        poly = POLY if any(len(m) > 1 for m, _ in ints) else 0
        if symbol == "==":
            if bound % g:
                return FALSE
            if ints[0][1] < 0:
                ints, bound = [(m, -c) for m, c in ints], -bound
            op, bound = EQ, bound // g
        else:
            op, bound = LE, bound // g
        if poly:
            atom: Atom = (op + POLY, tuple((m, c // g) for m, c in ints), bound)
        else:
            atom = (op, tuple((m[0], c // g) for m, c in ints), bound)
        return self.anode(atom, TRUE, FALSE)


# -- clauses -------------------------------------------------------------------------------------

# A clause: a disjunction of "var in mask" literals (sorted by var) and atoms; the empty clause is
# always false.
Clause = tuple[tuple[tuple[int, int], ...], tuple[Atom, ...]]
EMPTY: Clause = ((), ())


def _with_literal(clause: Clause, var: int, mask: int, roots: Mapping[int, int]) -> Clause | None:
    literals = dict(clause[0])
    mask = (literals.get(var, 0) | mask) & roots[var]
    if mask == roots[var]:
        return None  # always true
    literals[var] = mask
    return (tuple(sorted(literals.items())), clause[1])


def _with_atom(clause: Clause, atom: Atom) -> Clause | None:
    if negate(atom) in clause[1]:
        return None
    if atom in clause[1]:
        return clause
    return (clause[0], tuple(sorted((*clause[1], atom))))


def _subsumes(d: Clause, c: Clause) -> bool:
    """Whether clause d implies clause c (every literal of d is within one of c)."""
    if not set(d[1]) <= set(c[1]):
        return False
    masks = dict(c[0])
    return all(mask & ~masks.get(var, 0) == 0 for var, mask in d[0])


def to_cnf(tree: Tree, roots: Mapping[int, int]) -> list[Clause]:
    """Clauses equivalent to a diagram with TRUE/FALSE leaves, built bottom-up: a clause that holds
    on every branch of a node needs no literal for that node (`a <= x <= b` gives two unit atoms,
    not one clause per path)."""
    memo: dict[int, list[Clause]] = {}

    def implied(clause: Clause, clauses: list[Clause]) -> bool:
        return any(_subsumes(d, clause) for d in clauses)

    def go(node: Tree) -> list[Clause]:
        key = id(node)
        if key in memo:
            return memo[key]
        tag = node[0]
        out: list[Clause] = []
        if tag == "B":
            out = [] if node[1] else [EMPTY]
        elif tag == "A":
            atom = node[1]
            then, orelse = go(node[2]), go(node[3])
            for clause in then:
                merged = clause if implied(clause, orelse) else _with_atom(clause, negate(atom))
                if merged is not None:
                    out.append(merged)
            for clause in orelse:
                merged = clause if implied(clause, then) else _with_atom(clause, atom)
                if merged is not None:
                    out.append(merged)
        else:
            var = node[1]
            covering = 0
            children = []
            for mask, child in node[2]:
                covering |= mask
                children.append((mask, go(child)))
            for _, clauses in children:
                for clause in clauses:
                    mask = 0
                    for other_mask, others in children:
                        if implied(clause, others):
                            mask |= other_mask
                    merged = clause if mask == covering else _with_literal(clause, var, roots[var] & ~mask, roots)
                    if merged is not None:
                        out.append(merged)
        unique = list(dict.fromkeys(out))
        out = [c for c in unique if not any(d != c and _subsumes(d, c) for d in unique)]
        memo[key] = out
        return out

    return go(tree)


def with_literal(clauses: list[Clause], var: int, mask: int, roots: Mapping[int, int]) -> list[Clause]:
    """Each clause or'ed with "var in mask" (clauses that become always true are dropped)."""
    out = []
    for clause in clauses:
        merged = _with_literal(clause, var, mask, roots)
        if merged is not None:
            out.append(merged)
    return out


def swap(tree: Tree, reader: SymbolicReader) -> Tree:
    """The diagram of the negation (TRUE and FALSE leaves swapped)."""
    return reader.leaves(tree, lambda leaf: FALSE if leaf == TRUE else TRUE)
