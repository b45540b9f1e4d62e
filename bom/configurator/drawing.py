"""The product's picture: a drawing described in the catalog file, drawn for a configuration.

A catalog's `drawing:` section (docs/CATALOG.md, "Drawings") is a canvas and a list of shapes
whose sizes, positions, colours and visibility are expressions of the catalog's expression
language (bom.expressions) over the options. `read_drawing` checks it at publish, collecting
every problem with its path (`drawing.shapes[3].fill: ...`); `Drawing.draw(env)` evaluates it for
one configuration into plain elements, and bom.configurator.svg writes them as inline SVG.

Drawing never fails: a shape that reads an option without a value, or whose value cannot be
computed, is left out (the picture shows what is known so far).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from graphlib import CycleError, TopologicalSorter
from typing import Any

from bom.configurator.decimals import to_decimal
from bom.configurator.i18n import pick, text_problems, tr
from bom.configurator.model import Option, Problem, value_kind
from bom.expressions import Env, Expression, ExpressionError, NameInfo, parse

COLOUR = re.compile(r"^(?:#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|none)$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_SHAPES = 400
MAX_REPEAT = 200  # copies of one shape; a larger count draws this many
MAX_POINTS = 200
# The numbers one picture may compute, whatever its repeats: past it the remaining shapes are left
# out, so that no drawing can make a page slow (the demo products need a few hundred).
MAX_NUMBERS = 20000
# Coordinates are clamped to this size and written with at most 2 decimals.
MAX_COORDINATE = 1e7

GEOMETRY: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # shape: (required numbers, optional numbers)
    "rect": (("x", "y", "width", "height"), ("rx",)),
    "circle": (("cx", "cy", "r"), ()),
    "ellipse": (("cx", "cy", "rx", "ry"), ()),
    "line": (("x1", "y1", "x2", "y2"), ()),
    "polygon": ((), ()),
    "polyline": ((), ()),
    "path": ((), ()),
    "text": (("x", "y"), ("size", "rotate")),
}
SHAPES = tuple(GEOMETRY)
COMMON = ("shape", "fill", "stroke", "stroke_width", "dash", "opacity", "when", "repeat", "index", "caption")
SPECIFIC = {"polygon": ("points",), "polyline": ("points",), "path": ("d",), "text": ("text", "anchor", "weight")}
REQUIRED_SPECIFIC = {"polygon": ("points",), "polyline": ("points",), "path": ("d",), "text": ("text",)}
ANCHORS = ("start", "middle", "end")
WEIGHTS = ("normal", "bold")
# Path commands and how many numbers each takes (SVG's, absolute upper case, relative lower case).
PATH_ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}
TOP_FIELDS = ("width", "height", "shapes", "background", "caption", "let", "defaults")

Paint = Callable[[Env], str]
Number = Callable[[Env], Decimal]
Template = tuple[str | Expression, ...]  # parts: literal text or an expression


class _Skip(Exception):
    """This shape (or copy of it) cannot be drawn for this configuration: leave it out."""


@dataclass(frozen=True, eq=False)
class Shape:
    kind: str
    path: str
    numbers: tuple[tuple[str, Expression], ...] = ()
    points: tuple[tuple[Expression, Expression], ...] = ()
    commands: tuple[tuple[str, tuple[Expression, ...]], ...] = ()
    text: Template = ()
    anchor: str = "start"
    weight: str = "normal"
    fill: Paint | None = None
    stroke: Paint | None = None
    stroke_width: Expression | None = None
    dash: Expression | None = None
    opacity: Expression | None = None
    when: Expression | None = None
    repeat: Expression | None = None
    index: str = "i"
    caption: Template = ()

    @cached_property
    def cost(self) -> int:
        """How many numbers one copy computes (at least 1)."""
        return 1 + len(self.numbers) + 2 * len(self.points) + sum(len(a) for _, a in self.commands)


@dataclass(frozen=True)
class Element:
    """One drawn shape: its kind, its attributes (already SVG-safe strings) and text."""

    kind: str
    attributes: tuple[tuple[str, str], ...]
    text: str = ""


@dataclass(frozen=True, eq=False)
class Drawing:
    """A checked drawing; `draw` evaluates it for one configuration."""

    width: Expression
    height: Expression
    shapes: tuple[Shape, ...]
    background: str | None = None
    caption: Template = ()
    lets: tuple[tuple[str, Expression], ...] = ()
    defaults: dict[str, object] = field(default_factory=dict)
    labels: dict[str, Option] = field(default_factory=dict)

    def draw(self, env: Mapping[str, object], assumed: frozenset[str] = frozenset()) -> Picture | None:
        """The picture for `env` (option key -> typed value), or None when the canvas itself
        cannot be sized (an option it reads has no value). The values of `assumed` (the drawing's
        `defaults`) shape the picture but are never spoken: texts and captions that read them are
        left out, so the picture never states a value the customer has not chosen."""
        values = self.with_lets(env)
        known = self.with_lets({k: v for k, v in env.items() if k not in assumed}) if assumed else values
        try:
            width, height = _positive(self.width.evaluate(values)), _positive(self.height.evaluate(values))
        except (ExpressionError, _Skip):
            return None
        elements: list[Element] = []
        captions: list[str] = []
        budget = MAX_NUMBERS
        for shape in self.shapes:
            try:
                if shape.when is not None and shape.when.evaluate(values) is not True:
                    continue
                count = 1 if shape.repeat is None else _count(shape.repeat.evaluate(values))
            except (ExpressionError, _Skip):
                continue
            drawn = 0
            count = min(count, budget // shape.cost)
            budget -= count * shape.cost
            for i in range(count):
                if shape.repeat is not None:
                    values[shape.index] = known[shape.index] = Decimal(i)
                try:
                    elements.append(_element(shape, values, known, self))
                    drawn += 1
                except (ExpressionError, _Skip):
                    continue
            if shape.repeat is not None:
                values.pop(shape.index, None)
                known.pop(shape.index, None)
            if drawn and shape.caption:
                text = self.fill_in(shape.caption, {**known, "n": Decimal(drawn)})
                if text and text not in captions:
                    captions.append(text)
        return Picture(
            width=_coordinate(width),
            height=_coordinate(height),
            background=self.background,
            title=self.fill_in(self.caption, known) if self.caption else "",
            description=captions,
            elements=elements,
        )

    def with_lets(self, env: Mapping[str, object]) -> dict[str, object]:
        values = dict(env)
        for name, expression in self.lets:
            # One that cannot be computed is left without a value: what reads it is left out.
            with suppress(ExpressionError):
                values[name] = expression.evaluate(values)
        return values

    def fill_in(self, template: Template, env: Mapping[str, object]) -> str:
        """The template's text with its placeholders filled in; '' when one has no value."""
        out: list[str] = []
        for part in template:
            if isinstance(part, str):
                out.append(part)
                continue
            try:
                value = part.evaluate(env)
            except ExpressionError:
                return ""
            out.append(self.shown(part, value))
        return "".join(out)

    def shown(self, expression: Expression, value: object) -> str:
        """A value as the customer reads it: a choice by its label, yes/no, numbers plainly."""
        if isinstance(value, bool):
            return tr("yes") if value else tr("no")
        if isinstance(value, Decimal):
            return _plain(value)
        option = self.labels.get(expression.source.strip())
        if option is not None:
            return option.choice_labels.get(str(value), str(value))
        return str(value)


@dataclass(frozen=True)
class Picture:
    width: str
    height: str
    background: str | None
    title: str
    description: list[str]
    elements: list[Element]


# -- drawing -------------------------------------------------------------------------------------


def _positive(value: object) -> Decimal:
    if type(value) is not Decimal or value <= 0:
        raise _Skip
    return value


def _count(value: object) -> int:
    if type(value) is not Decimal:
        raise _Skip
    return max(0, min(MAX_REPEAT, int(value)))


def _plain(value: Decimal, limit: float = 1e15) -> str:
    """A number as a text shows it: at most 2 decimals, no trailing zeros (never 1E+2), within
    +-limit (a drawing needs no exactness: a float is several times faster than quantizing)."""
    number = max(-limit, min(limit, float(value)))
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _coordinate(value: object) -> str:
    """A number as SVG writes it: at most 2 decimals, no trailing zeros, within +-10^7."""
    if type(value) is not Decimal:
        raise _Skip
    return _plain(value, MAX_COORDINATE)


def _colour(paint: Paint, env: Env) -> str:
    value = paint(env)
    if not isinstance(value, str) or not COLOUR.match(value):
        raise _Skip  # only a colour that matches the strict pattern is ever written
    return value


def _element(shape: Shape, env: Env, known: Env, drawing: Drawing) -> Element:
    attributes: list[tuple[str, str]] = [(name, _coordinate(e.evaluate(env))) for name, e in shape.numbers]
    if shape.kind == "text" and any(name == "rotate" for name, _ in attributes):
        at = dict(attributes)
        attributes = [(n, v) for n, v in attributes if n != "rotate"]
        attributes.append(("transform", f"rotate({at['rotate']} {at['x']} {at['y']})"))
    if shape.kind in ("polygon", "polyline"):
        points = " ".join(f"{_coordinate(x.evaluate(env))},{_coordinate(y.evaluate(env))}" for x, y in shape.points)
        attributes.append(("points", points))
    elif shape.kind == "path":
        parts = []
        for command, arguments in shape.commands:
            parts.append(" ".join([command, *(_coordinate(a.evaluate(env)) for a in arguments)]))
        attributes.append(("d", " ".join(parts)))
    for name, paint in (("fill", shape.fill), ("stroke", shape.stroke)):
        if paint is not None:
            attributes.append((name, _colour(paint, env)))
    for name, expression in (
        ("stroke-width", shape.stroke_width),
        ("stroke-dasharray", shape.dash),
        ("opacity", shape.opacity),
    ):
        if expression is not None:
            attributes.append((name, _coordinate(expression.evaluate(env))))
    text = ""
    if shape.kind == "text":
        text = drawing.fill_in(shape.text, known)
        if not text:
            raise _Skip
        if shape.anchor != "start":
            attributes.append(("text-anchor", shape.anchor))
        if shape.weight != "normal":
            attributes.append(("font-weight", shape.weight))
    return Element(shape.kind, tuple(attributes), text)


# -- reading -------------------------------------------------------------------------------------


def read_drawing(
    value: object, options: list[Option], names: Mapping[str, NameInfo], language: str
) -> tuple[Drawing | None, list[Problem]]:
    """Check a catalog's `drawing:` section; its customer-facing texts are read in `language`."""
    reader = _Reader(options, names, language)
    drawing = reader.read(value)
    return (drawing if not reader.problems else None), reader.problems


class _Reader:
    def __init__(self, options: list[Option], names: Mapping[str, NameInfo], language: str) -> None:
        self.options = {o.key: o for o in options}
        self.names: dict[str, NameInfo] = dict(names)
        self.language = language
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def fields(self, entry: object, path: str, allowed: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(entry, Mapping):
            self.problem(path, f"must be a mapping of fields, not {value_kind(entry)}")
            return None
        for name in entry:
            if name not in allowed:
                self.problem(f"{path}.{name}", f"unknown field (known: {', '.join(allowed)})")
        return {str(k): v for k, v in entry.items() if v is not None and v != "" and k in allowed}

    def expr(self, value: object, path: str, expect: str | None, names: Mapping[str, NameInfo]) -> Expression | None:
        if isinstance(value, bool):
            value = "True" if value else "False"
        elif isinstance(value, (int, float, Decimal)):
            value = str(value)
        if not isinstance(value, str):
            self.problem(path, f"must be an expression (text), not {value_kind(value)}")
            return None
        try:
            expression = parse(value, names=names)
        except ExpressionError as exc:
            self.problem(path, str(exc))
            return None
        if expect is not None and expression.type not in (None, expect):
            wanted = {"boolean": "a condition (true/false)", "number": "a number", "text": "text"}[expect]
            got = {"boolean": "true/false", "number": "a number", "text": "text"}[expression.type]
            self.problem(path, f"must be {wanted}, but it gives {got}")
            return None
        return expression

    def read(self, value: object) -> Drawing | None:
        top = self.fields(value, "drawing", TOP_FIELDS)
        if top is None:
            return None
        for name in ("width", "height", "shapes"):
            if name not in top:
                self.problem(f"drawing.{name}", "this field is required")
        defaults = self.read_defaults(top.get("defaults"))
        lets = self.read_lets(top.get("let"))
        width = self.expr(top["width"], "drawing.width", "number", self.names) if "width" in top else None
        height = self.expr(top["height"], "drawing.height", "number", self.names) if "height" in top else None
        background = None
        if "background" in top:
            background = top["background"] if isinstance(top["background"], str) else None
            if background is None or not COLOUR.match(background):
                self.problem("drawing.background", _bad_colour(top["background"]))
        caption = self.template(top["caption"], "drawing.caption", self.names) if "caption" in top else ()
        shapes: list[Shape] = []
        entries = top.get("shapes", [])
        if not isinstance(entries, list):
            self.problem("drawing.shapes", f"must be a list, not {value_kind(entries)}")
            entries = []
        if len(entries) > MAX_SHAPES:
            self.problem("drawing.shapes", f"at most {MAX_SHAPES} shapes ({len(entries)} given)")
        for i, entry in enumerate(entries[:MAX_SHAPES]):
            shape = self.read_shape(entry, f"drawing.shapes[{i}]")
            if shape is not None:
                shapes.append(shape)
        if width is None or height is None or self.problems:
            return None
        choices = {k: o for k, o in self.options.items() if o.type == "choice"}
        return Drawing(width, height, tuple(shapes), background, caption or (), lets, defaults, choices)

    def read_defaults(self, value: object) -> dict[str, object]:
        """Values the picture assumes for options that have none yet (not their default)."""
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.problem("drawing.defaults", f"must be a mapping of option keys to values, not {value_kind(value)}")
            return {}
        out: dict[str, object] = {}
        for key, raw in value.items():
            path = f"drawing.defaults.{key}"
            option = self.options.get(str(key))
            if option is None:
                self.problem(path, f"unknown option '{key}'{_did_you_mean(str(key), self.options)}")
                continue
            typed = _typed(option, raw)
            if typed is None:
                self.problem(path, f"{raw!r} is not a value of '{key}'")
                continue
            out[option.key] = typed
        return out

    def read_lets(self, value: object) -> tuple[tuple[str, Expression], ...]:
        if value is None:
            return ()
        if not isinstance(value, Mapping):
            self.problem("drawing.let", f"must be a mapping of names to expressions, not {value_kind(value)}")
            return ()
        sources: dict[str, object] = {}
        reads: dict[str, set[str]] = {}
        for name, source in value.items():
            path = f"drawing.let.{name}"
            if not isinstance(name, str) or not NAME.match(name):
                self.problem(path, "a name is lower-case letters, digits and _, starting with a letter")
                continue
            if name in self.names:
                self.problem(path, f"'{name}' is an option key; choose another name")
                continue
            sources[name] = source
            try:
                reads[name] = set(parse(str(source), names=None).names) & set(value) if source is not None else set()
            except ExpressionError:
                reads[name] = set()
        try:
            order = list(TopologicalSorter({n: reads[n] - {n} for n in sources}).static_order())
        except CycleError as exc:
            cycle = exc.args[1]
            self.problem(f"drawing.let.{cycle[0]}", "the names read each other in a cycle: " + " -> ".join(cycle))
            return ()
        lets: list[tuple[str, Expression]] = []
        for name in order:
            if name not in sources:
                continue
            expression = self.expr(sources[name], f"drawing.let.{name}", None, self.names)
            if expression is None or expression.type is None:
                continue
            self.names[name] = NameInfo(expression.type)  # type: ignore[arg-type]
            lets.append((name, expression))
        return tuple(lets)

    def template(self, value: object, path: str, names: Mapping[str, NameInfo]) -> Template:
        """A customer-facing text with `{expression}` placeholders (`{{` and `}}` for braces)."""
        if isinstance(value, Mapping):
            problems = text_problems(value)
            for sub, message in problems:
                self.problem(f"{path}{sub}", message)
            if problems:
                return ()
            for language, text in value.items():  # every language is checked, one is kept
                if language != self.language:
                    self.template_parts(text, f"{path}.{language}", names)
            return self.template_parts(pick(value, self.language), path, names)
        if not isinstance(value, str):
            self.problem(path, f"must be text or a mapping of languages to text, not {value_kind(value)}")
            return ()
        return self.template_parts(value, path, names)

    def template_parts(self, text: str, path: str, names: Mapping[str, NameInfo]) -> Template:
        parts: list[str | Expression] = []
        for piece in re.split(r"(\{\{|\}\}|\{[^{}]*\})", text):
            if piece in ("{{", "}}"):
                parts.append(piece[0])
            elif piece.startswith("{") and piece.endswith("}"):
                expression = self.expr(piece[1:-1], path, None, names)
                if expression is None:
                    return ()
                parts.append(expression)
            elif "{" in piece or "}" in piece:
                self.problem(path, "an unmatched { or }: write {{ and }} for braces in the text")
                return ()
            elif piece:
                parts.append(piece)
        return tuple(parts)

    def read_shape(self, entry: object, path: str) -> Shape | None:
        kind = entry.get("shape") if isinstance(entry, Mapping) else None
        if not isinstance(kind, str) or kind not in GEOMETRY:
            if isinstance(entry, Mapping):
                self.problem(f"{path}.shape", f"{kind!r} is not one of: {', '.join(SHAPES)}")
            else:
                self.problem(path, f"must be a mapping of fields, not {value_kind(entry)}")
            return None
        required, optional = GEOMETRY[kind]
        fields = self.fields(entry, path, COMMON + required + optional + SPECIFIC.get(kind, ()))
        if fields is None:
            return None
        before = len(self.problems)
        for name in required + REQUIRED_SPECIFIC.get(kind, ()):
            if name not in fields:
                self.problem(f"{path}.{name}", "this field is required")
        names = self.names
        index = fields.get("index", "i")
        if "repeat" in fields or "index" in fields:
            if not isinstance(index, str) or not NAME.match(index):
                self.problem(f"{path}.index", "a name is lower-case letters, digits and _, starting with a letter")
            elif index in self.names:
                self.problem(f"{path}.index", f"'{index}' is already a name (an option or a let); choose another")
            else:
                names = {**self.names, index: NameInfo("number")}
        repeat = self.expr(fields["repeat"], f"{path}.repeat", "number", self.names) if "repeat" in fields else None
        when = self.expr(fields["when"], f"{path}.when", "boolean", names) if "when" in fields else None
        numbers = tuple(
            (name.replace("_", "-"), e)
            for name in required + optional
            if name in fields and (e := self.expr(fields[name], f"{path}.{name}", "number", names)) is not None
        )
        if kind == "text":
            numbers = tuple(("font-size" if n == "size" else n, e) for n, e in numbers)
        shape = Shape(
            kind,
            path,
            numbers=numbers,
            points=self.read_points(fields.get("points"), f"{path}.points", names) if "points" in fields else (),
            commands=self.read_commands(fields.get("d"), f"{path}.d", names) if "d" in fields else (),
            text=self.template(fields["text"], f"{path}.text", names) if "text" in fields else (),
            anchor=self.word(fields, "anchor", ANCHORS, path) or "start",
            weight=self.word(fields, "weight", WEIGHTS, path) or "normal",
            fill=self.paint(fields["fill"], f"{path}.fill", names) if "fill" in fields else None,
            stroke=self.paint(fields["stroke"], f"{path}.stroke", names) if "stroke" in fields else None,
            stroke_width=self.optional_number(fields, "stroke_width", path, names),
            dash=self.optional_number(fields, "dash", path, names),
            opacity=self.optional_number(fields, "opacity", path, names),
            when=when,
            repeat=repeat,
            index=index if isinstance(index, str) else "i",
            caption=self.template(fields["caption"], f"{path}.caption", {**names, "n": NameInfo("number")})
            if "caption" in fields
            else (),
        )
        return shape if len(self.problems) == before else None

    def optional_number(
        self, fields: dict[str, Any], name: str, path: str, names: Mapping[str, NameInfo]
    ) -> Expression | None:
        return self.expr(fields[name], f"{path}.{name}", "number", names) if name in fields else None

    def word(self, fields: dict[str, Any], name: str, allowed: tuple[str, ...], path: str) -> str | None:
        value = fields.get(name)
        if value is None:
            return None
        if value not in allowed:
            self.problem(f"{path}.{name}", f"{value!r} is not one of: {', '.join(allowed)}")
            return None
        return str(value)

    def read_points(
        self, value: object, path: str, names: Mapping[str, NameInfo]
    ) -> tuple[tuple[Expression, Expression], ...]:
        if not isinstance(value, list) or not 2 <= len(value) <= MAX_POINTS:
            self.problem(path, f"must be a list of 2 to {MAX_POINTS} points, each [x, y]")
            return ()
        points = []
        for j, point in enumerate(value):
            if not isinstance(point, list) or len(point) != 2:
                self.problem(f"{path}[{j}]", "a point is a list of two expressions, [x, y]")
                continue
            x = self.expr(point[0], f"{path}[{j}][0]", "number", names)
            y = self.expr(point[1], f"{path}[{j}][1]", "number", names)
            if x is not None and y is not None:
                points.append((x, y))
        return tuple(points)

    def read_commands(
        self, value: object, path: str, names: Mapping[str, NameInfo]
    ) -> tuple[tuple[str, tuple[Expression, ...]], ...]:
        if not isinstance(value, list) or not value or len(value) > MAX_POINTS:
            self.problem(path, f"must be a list of 1 to {MAX_POINTS} commands, like [M, x, y]")
            return ()
        commands = []
        for j, entry in enumerate(value):
            letter = entry[0] if isinstance(entry, list) and entry else None
            if not isinstance(letter, str) or letter.upper() not in PATH_ARITY:
                self.problem(f"{path}[{j}]", f"a command is a list starting with one of {', '.join(PATH_ARITY)}")
                continue
            arity = PATH_ARITY[letter.upper()]
            assert isinstance(entry, list)
            if len(entry) - 1 != arity:
                self.problem(f"{path}[{j}]", f"{letter} takes {arity} numbers ({len(entry) - 1} given)")
                continue
            arguments = [self.expr(a, f"{path}[{j}][{k + 1}]", "number", names) for k, a in enumerate(entry[1:])]
            if all(a is not None for a in arguments):
                commands.append((letter, tuple(a for a in arguments if a is not None)))
        return tuple(commands)

    def paint(self, value: object, path: str, names: Mapping[str, NameInfo]) -> Paint | None:
        """A colour: `"#1f2a44"` or `none`; `{by: option, colors: {value: colour}, default: colour}`;
        or an expression whose every result is a colour (`'#fff' if finish == 'white' else '#222'`)."""
        if isinstance(value, str) and COLOUR.match(value.strip()):
            colour = value.strip()
            return lambda env: colour
        if isinstance(value, Mapping):
            return self.colour_map(value, path, names)
        if isinstance(value, str) and value.strip().startswith("#"):
            self.problem(path, _bad_colour(value))  # meant as a colour, not an expression
            return None
        expression = self.expr(value, path, "text", names)
        if expression is None:
            return None
        assert expression.tree is not None
        for leaf in _results(expression.tree):
            if not isinstance(leaf, ast.Constant) or not isinstance(leaf.value, str):
                self.problem(path, "must give a colour in every case: write each colour as text ('#1f2a44')")
                return None
            if not COLOUR.match(leaf.value):
                self.problem(path, _bad_colour(leaf.value))
                return None
        return expression.evaluate

    def colour_map(self, value: Mapping[str, Any], path: str, names: Mapping[str, NameInfo]) -> Paint | None:
        fields = self.fields(value, path, ("by", "colors", "default"))
        if fields is None:
            return None
        if "by" not in fields or "colors" not in fields:
            self.problem(path, "a colour mapping needs 'by' (an option or expression) and 'colors'")
            return None
        by = self.expr(fields["by"], f"{path}.by", "text", names)
        colors = fields["colors"]
        if not isinstance(colors, Mapping) or not colors:
            self.problem(f"{path}.colors", "must be a mapping of values to colours")
            return None
        option = self.options.get(by.source.strip()) if by is not None else None
        table: dict[str, str] = {}
        for key, colour in colors.items():
            if option is not None and option.type == "choice" and str(key) not in option.values:
                hint = _did_you_mean(str(key), option.values)
                self.problem(f"{path}.colors.{key}", f"'{key}' is not a value of '{option.key}'{hint}")
            elif not isinstance(colour, str) or not COLOUR.match(colour):
                self.problem(f"{path}.colors.{key}", _bad_colour(colour))
            else:
                table[str(key)] = colour
        default = fields.get("default")
        if default is not None and (not isinstance(default, str) or not COLOUR.match(default)):
            self.problem(f"{path}.default", _bad_colour(default))
        if by is None:
            return None
        evaluate = by.evaluate

        def mapped(env: Env) -> str:
            try:
                found = table.get(str(evaluate(env)), default)
            except ExpressionError:
                found = default  # the option has no value yet: the default colour, if any
            if found is None:
                raise _Skip
            return found

        return mapped


def _typed(option: Option, raw: object) -> object | None:
    """`raw` as a value of the option (a grid number as the grid holds it), or None."""
    if option.type == "number":
        number = to_decimal(raw)
        return next((v for v in option.values if v == number), None) if number is not None else None
    if option.type == "boolean":
        return raw if isinstance(raw, bool) else None
    if option.type == "choice":
        return raw if isinstance(raw, str) and raw in option.values else None
    return raw if isinstance(raw, str) and len(raw) <= (option.max_length or 0) else None


def _results(node: ast.expr) -> list[ast.expr]:
    """The sub-expressions an expression's value can come from (through `x if c else y`)."""
    if isinstance(node, ast.IfExp):
        return _results(node.body) + _results(node.orelse)
    return [node]


def _bad_colour(value: object) -> str:
    return f"{value!r} is not a colour: write '#rgb', '#rrggbb' (quoted in YAML), or none"


def _did_you_mean(name: str, known: Any) -> str:
    import difflib

    close = difflib.get_close_matches(name, [str(k) for k in known], n=1)
    return f"; did you mean '{close[0]}'?" if close else ""
