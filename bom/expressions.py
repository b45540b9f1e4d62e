"""The catalog's expression language: conditions, rules and formulas, safely.

Catalog authors write Python-looking expressions (`lapel != 'shawl' or jacket == 'sb1'`,
`(chest_cm * 1.6 + jacket_length_cm * 1.2) / 100`). We parse them with `ast` and accept only a
small whitelist of node types; user text is never handed to `eval`, `exec` or `compile`. Each
expression is checked once (names, choice values, types, arity) and compiled into nested
closures, because the configurator evaluates thousands of them per request.

Values: numbers are `Decimal` (literals are read from their exact source text, never through a
float), text and choice values are `str`, booleans are `bool`. docs/CATALOG.md is the authors'
reference.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

MAX_SOURCE_CHARS = 1000
# An unknown name's message lists at most this many of the known ones.
KNOWN_NAMES_SHOWN = 20
MAX_NODES = 300
MAX_DEPTH = 40
MAX_ROUND_DIGITS = 12
# Number literals: below 10^12 in size (what a stock quantity holds) with at most 12 decimal
# places. Beyond that a literal is a typo or an attack: `1e-999999999` would make the exact
# (Fraction) reading of the publish-time analysis run for minutes, `1e30` overflow every field.
MAX_LITERAL = Decimal(10) ** 12
MAX_LITERAL_PLACES = 12

OptionType = Literal["choice", "number", "text", "boolean"]
# Static types of sub-expressions; None means "not known before evaluation".
ValueType = Literal["number", "text", "boolean"] | None

Env = Mapping[str, object]
Fn = Callable[[Env], Any]

FUNCTIONS = ("ceil", "floor", "max", "min", "round")
_TYPE_OF_OPTION: dict[str, ValueType] = {"choice": "text", "text": "text", "number": "number", "boolean": "boolean"}


class ExpressionError(ValueError):
    """An expression that is refused, or that cannot be evaluated; the message is for authors."""

    def __init__(self, message: str, *, column: int | None = None) -> None:
        self.message = message
        self.column = column
        super().__init__(f"column {column}: {message}" if column else message)


class MissingValue(ExpressionError):
    """The expression read an option that has no value (not set, or not applicable)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"'{name}' has no value")


@dataclass(frozen=True)
class NameInfo:
    """What an expression may know about an option: its type and, for a choice, its values."""

    type: OptionType
    values: tuple[str, ...] = field(default=())


class Expression:
    """A checked, compiled expression. Build it with `parse`."""

    __slots__ = ("source", "names", "type", "_fn", "tree", "_constants")

    def __init__(
        self,
        source: str,
        names: frozenset[str],
        type_: ValueType,
        fn: Fn,
        tree: ast.expr | None = None,
        constants: dict[int, object] | None = None,
    ) -> None:
        self.source = source
        self.names = names  # the option keys it reads
        self.type = type_  # static result type, when known
        self._fn = fn
        # The checked syntax tree, for the configurator's compiler (bom.configurator.symbolic),
        # which reads it again symbolically; its literals are looked up with `literal`.
        self.tree = tree
        self._constants = constants or {}

    def literal(self, node: ast.expr) -> object:
        """The exact value of a literal of `tree` (a Decimal for a number, never a float)."""
        return self._constants[id(node)]

    def evaluate(self, env: Env) -> Any:
        """The value on `env` (option key -> value). Raises MissingValue or ExpressionError."""
        try:
            return self._fn(env)
        except ArithmeticError as exc:  # decimal overflow, invalid quantize, ...
            raise ExpressionError(f"arithmetic error in '{self.source}': {exc.__class__.__name__}") from None

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"


def parse(source: str, *, names: Mapping[str, NameInfo] | None = None) -> Expression:
    """Parse, check and compile `source`.

    With `names`, every name must be one of its keys, and comparisons of a choice option with a
    string must use one of its values; with `names=None`, any name is accepted (unchecked).
    Raises ExpressionError.
    """
    if not isinstance(source, str):
        raise ExpressionError(f"an expression must be text, not {type(source).__name__}")
    if not source.strip():
        raise ExpressionError("empty expression")
    if len(source) > MAX_SOURCE_CHARS:
        raise ExpressionError(f"expression is too long ({len(source)} characters, at most {MAX_SOURCE_CHARS})")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        hint = _foreign_operator(source.strip())
        if hint is not None:
            column, message = hint
            raise ExpressionError(f"syntax error: {message}", column=column) from None
        raise ExpressionError(f"syntax error: {exc.msg}", column=exc.offset) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("expression is nested too deeply") from None
    _check_size(tree.body)
    compiler = _Compiler(source.strip(), names)
    fn, type_ = compiler.compile(tree.body)
    return Expression(source, frozenset(compiler.used), type_, fn, tree.body, compiler.constants)


# Operators of other languages that authors type out of habit, and what this language writes.
_FOREIGN = re.compile(r"===|!==|\|\||&&|!(?!=)|(?<![=!<>])=(?!=)")
_INSTEAD = {
    "||": "use `or` instead of `||`",
    "&&": "use `and` instead of `&&`",
    "!": "use `not` instead of `!`",
    "=": "use `==` to compare (`=` is not an operator here)",
    "===": "use `==` instead of `===`",
    "!==": "use `!=` instead of `!==`",
}


def _foreign_operator(source: str) -> tuple[int, str] | None:
    """The first operator of another language outside quoted text, as (1-based column, advice)."""
    unquoted = re.sub(r"'[^']*'|\"[^\"]*\"", lambda m: " " * len(m.group(0)), source)
    match = _FOREIGN.search(unquoted)
    if match is None:
        return None
    return match.start() + 1, _INSTEAD[match.group(0)]


def _check_size(root: ast.expr) -> None:
    count = 0
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            count += 1
            deepest = max(deepest, depth)
            depth += 1
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    if count > MAX_NODES:
        raise ExpressionError(f"expression is too large ({count} parts, at most {MAX_NODES})")
    if deepest > MAX_DEPTH:
        raise ExpressionError(f"expression is nested too deeply ({deepest} levels, at most {MAX_DEPTH})")


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, Decimal):
        return "a number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _type_name(type_: ValueType) -> str:
    return {"number": "a number", "text": "text", "boolean": "true/false"}.get(type_ or "", "a value")


_OP_SYMBOLS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.MatMult: "@",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Invert: "~",
}

_REFUSED: dict[type, str] = {
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "subscripts ([...]) are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.Set: "sets are not allowed; use a tuple after 'in'",
    ast.Tuple: "tuples and lists are only allowed after 'in'",
    ast.List: "tuples and lists are only allowed after 'in'",
    ast.NamedExpr: "':=' is not allowed",
    ast.Starred: "'*' is not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Slice: "slices are not allowed",
}


def _column(node: ast.AST) -> int | None:
    offset = getattr(node, "col_offset", None)
    return None if offset is None else offset + 1


class _Compiler:
    def __init__(self, source: str, names: Mapping[str, NameInfo] | None) -> None:
        self.source = source
        self.names = names
        self.used: set[str] = set()
        self.constants: dict[int, object] = {}

    def error(self, node: ast.AST, message: str) -> ExpressionError:
        return ExpressionError(message, column=_column(node))

    def compile(self, node: ast.expr) -> tuple[Fn, ValueType]:
        method = getattr(self, f"c_{type(node).__name__}", None)
        if method is None:
            raise self.error(node, _REFUSED.get(type(node), f"{type(node).__name__} is not allowed"))
        result: tuple[Fn, ValueType] = method(node)
        return result

    # -- leaves ----------------------------------------------------------------------------

    def constant(self, node: ast.Constant) -> object:
        value = self.read_constant(node)
        self.constants[id(node)] = value
        return value

    def read_constant(self, node: ast.Constant) -> object:
        value = node.value
        if isinstance(value, (bool, str)):
            return value
        if isinstance(value, (int, float)):
            text = ast.get_source_segment(self.source, node) or repr(value)
            try:
                number = Decimal(text)
            except InvalidOperation:
                if not isinstance(value, int):
                    raise self.error(node, f"cannot read the number {text!r}") from None
                number = Decimal(value)  # 0x10, 0o17, 0b101
            return self.bounded(node, text, number)
        if value is None:
            raise self.error(node, "None is not allowed")
        raise self.error(node, f"{type(value).__name__} literals are not allowed")

    def bounded(self, node: ast.Constant, text: str, number: Decimal) -> Decimal:
        if not number.is_finite() or number.copy_abs() >= MAX_LITERAL:
            raise self.error(node, f"the number {text} is too large (at most {MAX_LITERAL - 1:f})")
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)  # finite
        if exponent < -MAX_LITERAL_PLACES:
            raise self.error(node, f"the number {text} has too many decimal places (at most {MAX_LITERAL_PLACES})")
        return number

    def c_Constant(self, node: ast.Constant) -> tuple[Fn, ValueType]:
        value = self.constant(node)
        type_: ValueType = "boolean" if isinstance(value, bool) else "text" if isinstance(value, str) else "number"
        return (lambda env: value), type_

    def c_Name(self, node: ast.Name) -> tuple[Fn, ValueType]:
        key = node.id
        type_: ValueType = None
        if self.names is not None:
            info = self.names.get(key)
            if info is None:
                raise self.error(node, self.unknown_name(key))
            type_ = _TYPE_OF_OPTION[info.type]
        self.used.add(key)

        def name(env: Env) -> object:
            try:
                return env[key]
            except KeyError:
                raise MissingValue(key) from None

        return name, type_

    def unknown_name(self, key: str) -> str:
        assert self.names is not None
        known = sorted(self.names)
        message = f"unknown name '{key}'"
        close = difflib.get_close_matches(key, known, n=1)
        if key in FUNCTIONS:
            message += f" ({key} is a function: write {key}(...))"
        elif close:
            message += f"; did you mean '{close[0]}'?"
        if len(known) > KNOWN_NAMES_SHOWN:  # a big product's names would bury the message
            return (
                message + f" (known: {', '.join(known[:KNOWN_NAMES_SHOWN])} and {len(known) - KNOWN_NAMES_SHOWN} more)"
            )
        return message + f" (known: {', '.join(known) or 'none'})"

    # -- operators -------------------------------------------------------------------------

    def c_BinOp(self, node: ast.BinOp) -> tuple[Fn, ValueType]:
        symbol = _OP_SYMBOLS.get(type(node.op), "?")
        if not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            raise self.error(node, f"operator '{symbol}' is not allowed (use + - * /)")
        left, lt = self.compile(node.left)
        right, rt = self.compile(node.right)
        for side, t in ((node.left, lt), (node.right, rt)):
            if t not in (None, "number"):
                raise self.error(side, f"'{symbol}' needs numbers, not {_type_name(t)}")
        column = _column(node)

        def bad(a: object, b: object) -> ExpressionError:
            return ExpressionError(f"'{symbol}' needs numbers, got {_describe(a)} and {_describe(b)}", column=column)

        if isinstance(node.op, ast.Add):

            def fn(env: Env) -> Decimal:
                a, b = left(env), right(env)
                if type(a) is not Decimal or type(b) is not Decimal:
                    raise bad(a, b)
                return a + b

        elif isinstance(node.op, ast.Sub):

            def fn(env: Env) -> Decimal:
                a, b = left(env), right(env)
                if type(a) is not Decimal or type(b) is not Decimal:
                    raise bad(a, b)
                return a - b

        elif isinstance(node.op, ast.Mult):

            def fn(env: Env) -> Decimal:
                a, b = left(env), right(env)
                if type(a) is not Decimal or type(b) is not Decimal:
                    raise bad(a, b)
                return a * b

        else:

            def fn(env: Env) -> Decimal:
                a, b = left(env), right(env)
                if type(a) is not Decimal or type(b) is not Decimal:
                    raise bad(a, b)
                if not b:
                    raise ExpressionError("division by zero", column=column)
                return a / b

        return fn, "number"

    def c_UnaryOp(self, node: ast.UnaryOp) -> tuple[Fn, ValueType]:
        operand, t = self.compile(node.operand)
        column = _column(node)
        if isinstance(node.op, ast.Not):
            if t not in (None, "boolean"):
                raise self.error(node, f"'not' needs true/false, not {_type_name(t)}")

            def not_(env: Env) -> bool:
                v = operand(env)
                if v is True:
                    return False
                if v is False:
                    return True
                raise ExpressionError(f"'not' needs true/false, got {_describe(v)}", column=column)

            return not_, "boolean"
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            symbol = "-" if isinstance(node.op, ast.USub) else "+"
            if t not in (None, "number"):
                raise self.error(node, f"unary '{symbol}' needs a number, not {_type_name(t)}")
            negate = isinstance(node.op, ast.USub)

            def sign(env: Env) -> Decimal:
                v = operand(env)
                if type(v) is not Decimal:
                    raise ExpressionError(f"unary '{symbol}' needs a number, got {_describe(v)}", column=column)
                return -v if negate else v

            return sign, "number"
        raise self.error(node, f"operator '{_OP_SYMBOLS.get(type(node.op), '?')}' is not allowed")

    def c_BoolOp(self, node: ast.BoolOp) -> tuple[Fn, ValueType]:
        is_and = isinstance(node.op, ast.And)
        word = "and" if is_and else "or"
        parts = []
        for value in node.values:
            fn, t = self.compile(value)
            if t not in (None, "boolean"):
                raise self.error(value, f"'{word}' needs true/false values, not {_type_name(t)}")
            parts.append(fn)
        column = _column(node)
        stop = not is_and  # `and` stops at the first False, `or` at the first True

        def boolop(env: Env) -> bool:
            for part in parts:
                v = part(env)
                if v is stop:
                    return stop
                if v is not (not stop):
                    raise ExpressionError(f"'{word}' needs true/false values, got {_describe(v)}", column=column)
            return not stop

        return boolop, "boolean"

    def c_IfExp(self, node: ast.IfExp) -> tuple[Fn, ValueType]:
        test, tt = self.compile(node.test)
        body, bt = self.compile(node.body)
        orelse, ot = self.compile(node.orelse)
        if tt not in (None, "boolean"):
            raise self.error(node.test, f"the condition of 'if/else' must be true/false, not {_type_name(tt)}")
        if bt is not None and ot is not None and bt != ot:
            raise self.error(
                node, f"both branches of 'if/else' must have the same type ({_type_name(bt)} vs {_type_name(ot)})"
            )
        column = _column(node)

        def ifexp(env: Env) -> object:
            c = test(env)
            if c is True:
                return body(env)
            if c is False:
                return orelse(env)
            raise ExpressionError(f"the condition of 'if/else' must be true/false, got {_describe(c)}", column=column)

        return ifexp, bt if bt is not None else ot

    # -- comparisons -----------------------------------------------------------------------

    def c_Compare(self, node: ast.Compare) -> tuple[Fn, ValueType]:
        steps: list[Callable[[object, Env], tuple[bool, object]]] = []
        left_node = node.left
        first, left_type = self.compile(left_node)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, (ast.In, ast.NotIn)):
                steps.append(self.membership(left_node, left_type, op, right_node))
                left_node, left_type = right_node, None  # a chain after `in` compares the tuple: refused
                continue
            right, right_type = self.compile(right_node)
            steps.append(self.comparison(node, left_node, left_type, op, right_node, right, right_type))
            left_node, left_type = right_node, right_type

        if len(steps) == 1:
            step = steps[0]

            def single(env: Env) -> bool:
                return step(first(env), env)[0]

            return single, "boolean"

        def chain(env: Env) -> bool:
            value = first(env)
            for step in steps:
                ok, value = step(value, env)
                if not ok:
                    return False
            return True

        return chain, "boolean"

    def check_choice_value(self, name_node: ast.expr, literal: ast.expr) -> None:
        if self.names is None or not isinstance(name_node, ast.Name) or not isinstance(literal, ast.Constant):
            return
        info = self.names.get(name_node.id)
        if info is None or info.type != "choice" or not isinstance(literal.value, str):
            return
        if literal.value not in info.values:
            close = difflib.get_close_matches(literal.value, info.values, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise self.error(
                literal,
                f"'{literal.value}' is not a value of '{name_node.id}'{hint} (values: {', '.join(info.values)})",
            )

    def comparison(
        self,
        node: ast.Compare,
        left_node: ast.expr,
        lt: ValueType,
        op: ast.cmpop,
        right_node: ast.expr,
        right: Fn,
        rt: ValueType,
    ) -> Callable[[object, Env], tuple[bool, object]]:
        symbol = _OP_SYMBOLS.get(type(op), "?")
        if isinstance(op, (ast.Is, ast.IsNot)):
            raise self.error(node, f"'{symbol}' is not allowed; use '==' or '!='")
        column = _column(node)
        self.check_choice_value(left_node, right_node)
        self.check_choice_value(right_node, left_node)
        if isinstance(op, (ast.Eq, ast.NotEq)):
            if lt is not None and rt is not None and lt != rt:
                raise self.error(node, f"cannot compare {_type_name(lt)} with {_type_name(rt)}")
            equal = isinstance(op, ast.Eq)

            def eq(a: object, env: Env) -> tuple[bool, object]:
                b = right(env)
                if type(a) is not type(b):
                    raise ExpressionError(f"cannot compare {_describe(a)} with {_describe(b)}", column=column)
                return (a == b) is equal, b

            return eq

        for side, t in ((left_node, lt), (right_node, rt)):
            if t not in (None, "number"):
                raise self.error(side, f"'{symbol}' needs numbers, not {_type_name(t)}")
        compare: Callable[[Decimal, Decimal], bool] = {
            ast.Lt: Decimal.__lt__,
            ast.LtE: Decimal.__le__,
            ast.Gt: Decimal.__gt__,
            ast.GtE: Decimal.__ge__,
        }[type(op)]

        def order(a: object, env: Env) -> tuple[bool, object]:
            b = right(env)
            if type(a) is not Decimal or type(b) is not Decimal:
                raise ExpressionError(f"'{symbol}' needs numbers, got {_describe(a)} and {_describe(b)}", column=column)
            return compare(a, b), b

        return order

    def membership(
        self, left_node: ast.expr, lt: ValueType, op: ast.cmpop, right_node: ast.expr
    ) -> Callable[[object, Env], tuple[bool, object]]:
        word = "in" if isinstance(op, ast.In) else "not in"
        if not isinstance(right_node, (ast.Tuple, ast.List)):
            raise self.error(right_node, f"'{word}' needs a tuple or list of constants, like ('a', 'b')")
        if not right_node.elts:
            raise self.error(right_node, f"'{word}' needs a non-empty tuple or list")
        values = []
        for elt in right_node.elts:
            const = elt
            negative = False
            if isinstance(elt, ast.UnaryOp) and isinstance(elt.op, ast.USub) and isinstance(elt.operand, ast.Constant):
                const, negative = elt.operand, True
            if not isinstance(const, ast.Constant):
                raise self.error(elt, f"'{word}' needs a tuple or list of constants")
            value = self.constant(const)
            if negative:
                if type(value) is not Decimal:
                    raise self.error(elt, "unary '-' needs a number")
                value = -value
            self.check_choice_value(left_node, const)
            values.append(value)
        kinds = {type(v) for v in values}
        if len(kinds) > 1:
            raise self.error(right_node, f"the values after '{word}' must all have the same type")
        kind = kinds.pop()
        kind_type: ValueType = "boolean" if kind is bool else "text" if kind is str else "number"
        if lt is not None and lt != kind_type:
            raise self.error(left_node, f"cannot look for {_type_name(lt)} among {_type_name(kind_type)} values")
        members = frozenset(values)
        inside = isinstance(op, ast.In)
        column = _column(right_node)

        def member(a: object, env: Env) -> tuple[bool, object]:
            if type(a) is not kind:
                raise ExpressionError(
                    f"cannot look for {_describe(a)} among {_type_name(kind_type)} values", column=column
                )
            return (a in members) is inside, None

        return member

    # -- calls -----------------------------------------------------------------------------

    def c_Call(self, node: ast.Call) -> tuple[Fn, ValueType]:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise self.error(node, "attribute access is not allowed")
            raise self.error(node, f"only calls to {', '.join(FUNCTIONS)} are allowed")
        name = node.func.id
        if name not in FUNCTIONS:
            raise self.error(node, f"calls to '{name}' are not allowed (allowed: {', '.join(FUNCTIONS)})")
        if node.keywords:
            raise self.error(node, f"keyword arguments are not allowed in {name}()")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.error(arg, "'*' is not allowed")
        count = len(node.args)
        if name in ("min", "max") and count < 2:
            raise self.error(node, f"{name}() takes at least 2 arguments ({count} given)")
        if name in ("ceil", "floor") and count != 1:
            raise self.error(node, f"{name}() takes exactly 1 argument ({count} given)")
        if name == "round" and count not in (1, 2):
            raise self.error(node, f"round() takes 1 or 2 arguments ({count} given)")
        column = _column(node)
        if name == "round":
            return self.round_call(node, column), "number"
        args = []
        for arg in node.args:
            fn, t = self.compile(arg)
            if t not in (None, "number"):
                raise self.error(arg, f"{name}() needs numbers, not {_type_name(t)}")
            args.append(fn)

        def numbers(env: Env) -> list[Decimal]:
            values = [a(env) for a in args]
            for v in values:
                if type(v) is not Decimal:
                    raise ExpressionError(f"{name}() needs numbers, got {_describe(v)}", column=column)
            return values

        if name == "min":
            return (lambda env: min(numbers(env))), "number"
        if name == "max":
            return (lambda env: max(numbers(env))), "number"
        rounding = ROUND_CEILING if name == "ceil" else ROUND_FLOOR
        return (lambda env: numbers(env)[0].to_integral_value(rounding=rounding)), "number"

    def round_call(self, node: ast.Call, column: int | None) -> Fn:
        x, t = self.compile(node.args[0])
        if t not in (None, "number"):
            raise self.error(node.args[0], f"round() needs a number, not {_type_name(t)}")
        digits = 0
        if len(node.args) == 2:
            nd = node.args[1]
            value = self.constant(nd) if isinstance(nd, ast.Constant) else None
            if type(value) is not Decimal or value != value.to_integral_value() or not 0 <= value <= MAX_ROUND_DIGITS:
                raise self.error(nd, f"the digits of round() must be a whole number from 0 to {MAX_ROUND_DIGITS}")
            digits = int(value)
        quantum = Decimal(1).scaleb(-digits)

        def round_(env: Env) -> Decimal:
            v = x(env)
            if type(v) is not Decimal:
                raise ExpressionError(f"round() needs a number, got {_describe(v)}", column=column)
            return v.quantize(quantum, rounding=ROUND_HALF_UP)

        return round_
