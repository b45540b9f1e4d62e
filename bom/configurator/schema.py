"""Reading a product definition (docs/CATALOG.md) into the engine's parts, collecting problems.

Every check that does not need a search lives here: fields and types, keys, number grids, text
patterns, expressions (parsed against the options), references between parts, items and work
centers against the resources, and cycles (conditions, BOM parents, routing). The reader never
stops at the first problem: an author fixes a catalog in one round.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import networkx as nx

from bom.configurator.causes import root_causes_first
from bom.configurator.decimals import fmt, to_decimal
from bom.configurator.drawing import Drawing, read_drawing
from bom.configurator.i18n import EN, pick, text_problems
from bom.configurator.limits import Limits, size_problems
from bom.configurator.model import (
    ANY_TEXT,
    UNSET,
    BomLine,
    Choice,
    Item,
    Operation,
    Option,
    PriceAdder,
    Problem,
    Rule,
    WorkCenter,
    value_kind,
)
from bom.expressions import MAX_LITERAL, MAX_LITERAL_PLACES, Expression, ExpressionError, NameInfo, parse

OPTION_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
BOM_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
CHOICE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_KEY_LENGTH = 60
# Decimals as the version's fields store them: prices with 2 decimals below 10^10 (12 digits),
# number options' min, max, step and default with 4 decimals below 10^10 (14 digits).
MONEY_LIMIT = Decimal(10) ** 10
GRID_BOUNDS: dict[str, Any] = {"places": 4, "limit": Decimal(10) ** 10}
MAX_GRID_POINTS = 10001
DEFAULT_MAX_LENGTH = 200
TYPES = ("choice", "number", "text", "boolean")

TOP_REQUIRED = ("slug", "name", "currency", "base_price", "options")
TOP_OPTIONAL = ("description", "rules", "prices", "bom", "routing", "drawing")
OPTION_COMMON = ("key", "label", "type", "group", "required", "when", "help", "default")
OPTION_BY_TYPE = {
    "choice": ("choices",),
    "number": ("unit", "min", "max", "step"),
    "text": ("max_length", "allowed", "allowed_label"),
    "boolean": (),
}
ALL_TYPE_FIELDS = tuple(name for fields in OPTION_BY_TYPE.values() for name in fields)


@dataclass
class Definition:
    """A definition's parts after reading; `problems` is empty when they are all sound."""

    slug: str = ""
    name: str = ""
    description: str = ""
    currency: str = ""
    base_price: Decimal = Decimal(0)
    options: list[Option] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    prices: list[PriceAdder] = field(default_factory=list)
    bom: list[BomLine] = field(default_factory=list)
    routing: list[Operation] = field(default_factory=list)
    items: dict[str, Item] = field(default_factory=dict)
    work_centers: dict[str, WorkCenter] = field(default_factory=dict)
    grid_co2e_kg_per_kwh: Decimal = Decimal(0)
    drawing: Drawing | None = None
    problems: list[Problem] = field(default_factory=list)
    # Whether the options and rules are sound enough to search for configurations.
    searchable: bool = True


def read_definition(
    definition: Mapping[str, Any], resources: Mapping[str, Any], language: str = EN, limits: Limits | None = None
) -> Definition:
    """Read and check `definition` against `resources`; problems are collected, not raised.
    Customer-facing texts are read in `language` (English where they have no translation). A
    definition past `limits` is not read: its size is its one problem."""
    too_big = size_problems(definition, limits) if limits is not None else []
    if too_big:
        return Definition(problems=too_big, searchable=False)
    return _Reader(resources, language).read(definition)


class _Reader:
    def __init__(self, resources: Mapping[str, Any], language: str = EN) -> None:
        self.resources = resources if isinstance(resources, Mapping) else {}
        self.language = language
        self.out = Definition()
        self.names: dict[str, NameInfo] = {}
        self.operation_keys: set[str] = set()
        # Keys whose definition is refused, by what a problem calls them ("name": an option,
        # "parent": a BOM line), with the definition's path: what reads them is not checked.
        self.refused: dict[tuple[str, str], str] = {}

    # -- helpers ---------------------------------------------------------------------------

    def problem(self, path: str, message: str) -> None:
        self.out.problems.append(Problem(path, message))

    def fields(
        self, entry: object, path: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict[str, Any] | None:
        """The entry's fields with None dropped (None means absent); unknown/missing reported."""
        if not isinstance(entry, Mapping):
            self.problem(path, f"must be a mapping of fields, not {value_kind(entry)}")
            return None
        present = {str(k): v for k, v in entry.items() if v is not None and v != ""}
        for name, value in entry.items():
            if name in required or name in optional:
                continue
            if value is None:
                # `{help: Around the chest, under the arms.}` reads as help "Around the chest" and
                # a field "under the arms." without a value: an unquoted comma cut the text.
                self.problem(
                    f"{path}.{name}",
                    "unknown field without a value; if it is the end of a text cut at a comma, quote the text",
                )
            else:
                self.problem(f"{path}.{name}", "unknown field")
        for name in required:
            if name not in present:
                self.problem(f"{path}.{name}", "this field is required")
        return present

    def text(self, entry: dict[str, Any], name: str, path: str, default: str = "") -> str:
        value = entry.get(name, default)
        if not isinstance(value, str):
            self.problem(f"{path}.{name}", f"must be text, not {value_kind(value)}")
            return default
        return value

    def shown(self, entry: dict[str, Any], name: str, path: str, default: str = "") -> str:
        """A customer-facing text: plain (English) or `{en: ..., zh-Hans: ...}`, in the reader's language."""
        value = entry.get(name, default)
        if isinstance(value, Mapping):
            problems = text_problems(value)
            for sub, message in problems:
                self.problem(f"{path}.{name}{sub}", message)
            return default if problems else pick(value, self.language)
        return self.text(entry, name, path, default)

    def key(self, entry: dict[str, Any], path: str, pattern: re.Pattern[str], seen: set[str]) -> str | None:
        value = entry.get("key")
        if value is None:
            return None
        if not isinstance(value, str) or not pattern.match(value) or len(value) > MAX_KEY_LENGTH:
            hint = (
                "lower-case letters, digits and _, starting with a letter"
                if pattern is OPTION_KEY
                else "letters, digits, _ and -, starting with a letter"
            )
            self.problem(f"{path}.key", f"{value!r} is not a valid key ({hint})")
            return None
        if value in seen:
            self.problem(f"{path}.key", f"duplicate key '{value}'")
            return None
        seen.add(value)
        return value

    def decimal(
        self,
        value: object,
        path: str,
        *,
        minimum: Decimal | None = None,
        places: int = MAX_LITERAL_PLACES,
        limit: Decimal = MAX_LITERAL,
    ) -> Decimal | None:
        """A decimal of at most `places` decimal places, below `limit` in size: what the version's
        field stores (so `1e-999999999` or `1e30` is a problem here, not an overflow later)."""
        number = to_decimal(value)
        if number is None:
            self.problem(path, f'{value!r} is not a decimal number (write it as a string, like "0.38")')
            return None
        if number.copy_abs() >= limit:
            self.problem(path, f"{value} is too large (it must stay below {fmt(limit)})")
            return None
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -places and number != number.quantize(Decimal(1).scaleb(-places)):
            self.problem(path, f"{value} has more than {places} decimal places")
            return None
        if minimum is not None and number < minimum:
            self.problem(path, f"must be at least {fmt(minimum)}")
            return None
        return number

    def expr(self, value: object, path: str, expect: str | None) -> Expression | None:
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, bool):
            value = "True" if value else "False"
        if not isinstance(value, str):
            self.problem(path, f"must be an expression (text), not {value_kind(value)}")
            return None
        try:
            expression = parse(value, names=self.names)
        except ExpressionError as exc:
            self.problem(path, str(exc))
            return None
        if expect is not None and expression.type not in (None, expect):
            wanted = {"boolean": "a condition (true/false)", "number": "a number"}[expect]
            got = {"boolean": "true/false", "number": "a number", "text": "text"}[expression.type]
            self.problem(path, f"must be {wanted}, but it gives {got}")
            return None
        return expression

    def entries(self, definition: Mapping[str, Any], name: str) -> list[Any]:
        value = definition.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(name, f"must be a list, not {value_kind(value)}")
            return []
        return value

    # -- the definition --------------------------------------------------------------------

    def read(self, definition: Mapping[str, Any]) -> Definition:
        out = self.out
        top = self.fields(definition, "definition", TOP_REQUIRED, TOP_OPTIONAL)
        if top is None:
            out.searchable = False
            return out
        slug = self.text(top, "slug", "definition")
        if slug and not SLUG.match(slug):
            self.problem("slug", f"{slug!r} is not a valid slug (lower-case letters, digits and -)")
        out.slug = slug
        out.name = self.shown(top, "name", "definition")
        out.description = self.shown(top, "description", "definition")
        out.currency = self.text(top, "currency", "definition")
        if out.currency and not CURRENCY.match(out.currency):
            self.problem("currency", f"{out.currency!r} is not a currency code like CNY")
        if "base_price" in top:
            out.base_price = self.decimal(
                top["base_price"], "base_price", minimum=Decimal(0), places=2, limit=MONEY_LIMIT
            ) or Decimal(0)

        before = len(out.problems)
        self.read_options(self.entries(top, "options"))
        self.read_rules(self.entries(top, "rules"))
        out.searchable = len(out.problems) == before
        self.read_prices(self.entries(top, "prices"))
        self.read_routing(self.entries(top, "routing"))
        self.read_bom(self.entries(top, "bom"))
        self.read_grid()
        if "drawing" in top:
            out.drawing, problems = read_drawing(top["drawing"], out.options, self.names, self.language)
            out.problems.extend(problems)
        out.problems = root_causes_first(out.problems, self.refused)
        return out

    # -- options ---------------------------------------------------------------------------

    def read_options(self, entries: list[Any]) -> None:
        if not entries:
            self.problem("options", "a product needs at least one option")
        seen: set[str] = set()
        raw: list[tuple[int, dict[str, Any], str, str]] = []
        for i, entry in enumerate(entries):
            path = f"options[{i}]"
            type_ = entry.get("type") if isinstance(entry, Mapping) else None
            # An unknown type's fields are not "unknown fields" too: the type is the one problem.
            extra = OPTION_BY_TYPE.get(type_, ALL_TYPE_FIELDS) if isinstance(type_, str) else ALL_TYPE_FIELDS
            fields = self.fields(entry, path, ("key", "label", "type"), OPTION_COMMON + extra)
            if fields is None:
                continue
            if "type" in fields and fields["type"] not in TYPES:
                self.problem(f"{path}.type", f"{fields['type']!r} is not one of: {', '.join(TYPES)}")
                continue
            key = self.key(fields, path, OPTION_KEY, seen)
            if key is None or "type" not in fields:
                continue
            raw.append((i, fields, path, key))
            info = self.option_domain_info(fields)
            self.names[key] = info
        for i, entry in enumerate(entries):
            key = entry.get("key") if isinstance(entry, Mapping) else None
            if isinstance(key, str) and key not in self.names:
                self.refused.setdefault(("name", key), f"options[{i}]")

        options: list[Option] = []
        for _, fields, path, key in raw:
            option = self.read_option(len(options), fields, path, key)
            if option is not None:
                options.append(option)
        self.out.options = options
        paths = {key: path for _, _, path, key in raw}
        self.check_when_cycles(options, paths)
        self.check_text_reads(options, [(f"{paths[o.key]}.when", o.when) for o in options if o.when])

    def option_domain_info(self, fields: dict[str, Any]) -> NameInfo:
        values: tuple[str, ...] = ()
        if fields["type"] == "choice" and isinstance(fields.get("choices"), list):
            values = tuple(str(c.get("value")) for c in fields["choices"] if isinstance(c, Mapping))
        return NameInfo(fields["type"], values)

    def read_option(self, index: int, fields: dict[str, Any], path: str, key: str) -> Option | None:
        type_ = fields["type"]
        label = self.shown(fields, "label", path)
        required = fields.get("required", type_ in ("choice", "number"))
        if not isinstance(required, bool):
            self.problem(f"{path}.required", "must be true or false")
            required = type_ in ("choice", "number")
        when = self.expr(fields["when"], f"{path}.when", "boolean") if "when" in fields else None
        common: dict[str, Any] = {
            "index": index,
            "key": key,
            "label": label,
            "type": type_,
            "required": required,
            "group": self.shown(fields, "group", path),
            "help": self.shown(fields, "help", path),
            "when": when,
        }
        specific = getattr(self, f"read_{type_}")(fields, path)
        if specific is None:
            return None
        option = Option(**common, **specific)
        if "default" in fields:
            default = self.read_default(option, fields["default"], f"{path}.default")
            if default is None:
                return option
            option = Option(
                **{
                    **common,
                    **specific,
                    "default": default,
                    "search_values": _default_first(specific["search_values"], default),
                }
            )
        return option

    def read_choice(self, fields: dict[str, Any], path: str) -> dict[str, Any] | None:
        entries = fields.get("choices")
        if not isinstance(entries, list) or not entries:
            self.problem(f"{path}.choices", "a choice option needs a non-empty list of choices")
            return None
        choices: list[Choice] = []
        seen: set[str] = set()
        for j, entry in enumerate(entries):
            cpath = f"{path}.choices[{j}]"
            cf = self.fields(entry, cpath, ("value", "label"), ("price_delta",))
            if cf is None or "value" not in cf:
                continue
            value = cf["value"]
            if not isinstance(value, str) or not CHOICE_VALUE.match(value) or len(value) > MAX_KEY_LENGTH:
                self.problem(f"{cpath}.value", f"{value!r} is not a valid value (letters, digits, _ . -)")
                continue
            if value in seen:
                self.problem(f"{cpath}.value", f"duplicate value '{value}'")
                continue
            seen.add(value)
            delta = self.decimal(
                cf.get("price_delta", "0"), f"{cpath}.price_delta", places=2, limit=MONEY_LIMIT
            ) or Decimal(0)
            choices.append(Choice(value, self.shown(cf, "label", cpath, value), delta))
        if not choices:
            return None
        values = tuple(c.value for c in choices)
        search = values + ((UNSET,) if fields.get("required") is False else ())
        return {
            "choices": tuple(choices),
            "values": values,
            "search_values": search,
            "choice_labels": {c.value: c.label for c in choices},
        }

    def read_number(self, fields: dict[str, Any], path: str) -> dict[str, Any] | None:
        for name in ("min", "max"):
            if name not in fields:
                self.problem(f"{path}.{name}", "a number option needs a minimum and a maximum")
        low = self.decimal(fields["min"], f"{path}.min", **GRID_BOUNDS) if "min" in fields else None
        high = self.decimal(fields["max"], f"{path}.max", **GRID_BOUNDS) if "max" in fields else None
        step = self.decimal(fields.get("step", "1"), f"{path}.step", **GRID_BOUNDS)
        unit = self.shown(fields, "unit", path)
        if low is None or high is None or step is None:
            return None
        ok = True
        if step <= 0:
            self.problem(f"{path}.step", "must be more than 0")
            ok = False
        if low > high:
            self.problem(f"{path}.min", f"the minimum {fmt(low)} is more than the maximum {fmt(high)}")
            ok = False
        if not ok:
            return None
        points = (high - low) / step
        if points != points.to_integral_value():
            self.problem(
                f"{path}.max", f"the range {fmt(low)}..{fmt(high)} is not a whole number of steps of {fmt(step)}"
            )
            return None
        if points + 1 > MAX_GRID_POINTS:
            self.problem(
                f"{path}.step", f"{int(points) + 1} possible values; at most {MAX_GRID_POINTS} (use a larger step)"
            )
            return None
        grid = tuple(low + k * step for k in range(int(points) + 1))
        middle = grid[len(grid) // 2]
        first = [low, high, middle]
        search: list[object] = []
        for value in first + list(grid):
            if value not in search:
                search.append(value)
        if fields.get("required") is False:
            search.append(UNSET)
        return {"unit": unit, "min": low, "max": high, "step": step, "values": grid, "search_values": tuple(search)}

    def read_text(self, fields: dict[str, Any], path: str) -> dict[str, Any] | None:
        max_length = fields.get("max_length", DEFAULT_MAX_LENGTH)
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            self.problem(f"{path}.max_length", "must be a whole number of at least 1")
            max_length = DEFAULT_MAX_LENGTH
        allowed_source = self.text(fields, "allowed", path)
        allowed_label = self.shown(fields, "allowed_label", path)
        allowed = None
        if allowed_source:
            if re.search(r"(?<!\\)[\[\]]", allowed_source):
                self.problem(f"{path}.allowed", "escape [ and ] inside the character class (\\[ \\])")
            else:
                try:
                    allowed = re.compile(f"[{allowed_source}]*")
                except re.error as exc:
                    self.problem(f"{path}.allowed", f"not a valid character class: {exc}")
            if not allowed_label:
                self.problem(f"{path}.allowed_label", "say in words which characters are allowed (customers see it)")
        required = fields.get("required") is True
        return {
            "max_length": max_length,
            "allowed": allowed,
            "allowed_source": allowed_source,
            "allowed_label": allowed_label,
            "search_values": (ANY_TEXT,) if required else ("",),
        }

    def read_boolean(self, fields: dict[str, Any], path: str) -> dict[str, Any] | None:
        return {"values": (True, False), "search_values": (True, False)}

    def read_default(self, option: Option, value: object, path: str) -> object | None:
        if option.type == "boolean":
            if not isinstance(value, bool):
                self.problem(path, "must be true or false")
                return None
            return value
        if option.type == "choice":
            if value not in option.values:
                self.problem(path, f"{value!r} is not one of: {', '.join(map(str, option.values))}")
                return None
            return value
        if option.type == "number":
            number = self.decimal(value, path, **GRID_BOUNDS)
            if number is None:
                return None
            assert option.min is not None and option.max is not None and option.step is not None
            if not option.min <= number <= option.max or (number - option.min) % option.step:
                self.problem(path, f"{fmt(number)} is not one of the option's values")
                return None
            return number
        if (
            not isinstance(value, str)
            or len(value) > (option.max_length or 0)
            or (option.allowed is not None and not option.allowed.fullmatch(value))
        ):
            self.problem(path, "not a valid text for this option")
            return None
        return value

    def check_when_cycles(self, options: list[Option], paths: dict[str, str]) -> None:
        graph = nx.DiGraph()
        for option in options:
            graph.add_node(option.key)
            if option.when is not None:
                graph.add_edges_from((name, option.key) for name in option.when.names)
        while not nx.is_directed_acyclic_graph(graph):
            cycle = nx.find_cycle(graph)
            keys = _rotated([u for u, _ in cycle], list(paths))
            self.problem(
                f"{paths[keys[0]]}.when", "conditions depend on each other in a cycle: " + " -> ".join(keys + [keys[0]])
            )
            graph.remove_edges_from(cycle)

    def check_text_reads(self, options: list[Option], exprs: list[tuple[str, Expression | None]]) -> None:
        required_text = {o.key for o in options if o.type == "text" and o.required}
        for path, expression in exprs:
            if expression is None:
                continue
            for name in sorted(expression.names & required_text):
                self.problem(
                    path,
                    f"'{name}' is a required text option: rules and option conditions cannot "
                    "read it (its values cannot be enumerated); make it optional",
                )

    # -- rules and prices ------------------------------------------------------------------

    def read_rules(self, entries: list[Any]) -> None:
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            path = f"rules[{i}]"
            fields = self.fields(entry, path, ("key", "expr", "message"), ())
            if fields is None:
                continue
            key = self.key(fields, path, OPTION_KEY, seen)
            expression = self.expr(fields["expr"], f"{path}.expr", "boolean") if "expr" in fields else None
            message = self.shown(fields, "message", path)
            if key is None or expression is None or not message:
                continue
            if not expression.names:
                self.problem(f"{path}.expr", "reads no option: it is always true or always false")
                continue
            self.check_text_reads(self.out.options, [(f"{path}.expr", expression)])
            self.out.rules.append(Rule(len(self.out.rules), key, expression, message))

    def read_prices(self, entries: list[Any]) -> None:
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            path = f"prices[{i}]"
            fields = self.fields(entry, path, ("key", "label", "amount"), ("when",))
            if fields is None:
                continue
            key = self.key(fields, path, OPTION_KEY, seen)
            when = self.expr(fields["when"], f"{path}.when", "boolean") if "when" in fields else None
            amount = self.expr(fields["amount"], f"{path}.amount", "number") if "amount" in fields else None
            if key is None or amount is None or ("when" in fields and when is None):
                continue
            self.out.prices.append(PriceAdder(i, key, self.shown(fields, "label", path), when, amount))

    # -- routing ---------------------------------------------------------------------------

    def read_routing(self, entries: list[Any]) -> None:
        seen: set[str] = set()
        paths: dict[str, str] = {}
        centers = self.resources.get("work_centers")
        centers = centers if isinstance(centers, Mapping) else {}
        declared = {e["key"] for e in entries if isinstance(e, Mapping) and isinstance(e.get("key"), str)}
        self.operation_keys = declared
        for i, entry in enumerate(entries):
            path = f"routing[{i}]"
            fields = self.fields(
                entry,
                path,
                ("key", "name", "work_center", "run_minutes"),
                ("setup_minutes", "after", "when", "setup_family"),
            )
            if fields is None:
                continue
            key = self.key(fields, path, OPTION_KEY, seen)
            code = self.text(fields, "work_center", path)
            if code and code not in self.out.work_centers:
                center = self.work_center(code, centers, f"{path}.work_center")
                if center is None:
                    code = ""
            setup = self.expr(fields.get("setup_minutes", "0"), f"{path}.setup_minutes", "number")
            run = self.expr(fields["run_minutes"], f"{path}.run_minutes", "number") if "run_minutes" in fields else None
            when = self.expr(fields["when"], f"{path}.when", "boolean") if "when" in fields else None
            family = (
                self.expr(fields["setup_family"], f"{path}.setup_family", None) if "setup_family" in fields else None
            )
            after = fields.get("after", [])
            if not isinstance(after, list) or not all(isinstance(a, str) for a in after):
                self.problem(f"{path}.after", "must be a list of operation keys")
                after = []
            if (
                key is None
                or not code
                or setup is None
                or run is None
                or ("when" in fields and when is None)
                or ("setup_family" in fields and family is None)
            ):
                continue
            paths[key] = path
            self.out.routing.append(
                Operation(i, key, self.shown(fields, "name", path), code, setup, run, tuple(after), when, family)
            )
        keys = {op.key for op in self.out.routing}
        graph = nx.DiGraph()
        for op in self.out.routing:
            graph.add_node(op.key)
            for before in op.after:
                if before not in declared:
                    self.problem(
                        f"{paths[op.key]}.after", f"unknown operation '{before}'" + _did_you_mean(before, declared)
                    )
                elif before in keys:
                    graph.add_edge(before, op.key)
        while not nx.is_directed_acyclic_graph(graph):
            cycle = nx.find_cycle(graph)
            ops = _rotated([u for u, _ in cycle], list(paths))
            self.problem(
                f"{paths[ops[0]]}.after",
                "operations follow each other in a cycle: " + " -> ".join(ops + [ops[0]]),
            )
            graph.remove_edges_from(cycle)

    def work_center(self, code: str, centers: Mapping[str, Any], path: str) -> WorkCenter | None:
        facts = centers.get(code)
        if not isinstance(facts, Mapping):
            self.problem(path, f"unknown work center '{code}'" + _did_you_mean(code, centers))
            return None
        power = to_decimal(facts.get("power_kw", "0"))
        if power is None or power < 0 or not isinstance(facts.get("name"), str):
            self.problem(f"resources.work_centers.{code}", "needs a name and a power_kw of at least 0")
            return None
        center = WorkCenter(code, facts["name"], power)
        self.out.work_centers[code] = center
        return center

    # -- BOM -------------------------------------------------------------------------------

    def read_bom(self, entries: list[Any]) -> None:
        seen: set[str] = set()
        items = self.resources.get("items")
        items = items if isinstance(items, Mapping) else {}
        operations = self.operation_keys
        lines: list[tuple[BomLine, str]] = []
        for i, entry in enumerate(entries):
            path = f"bom[{i}]"
            fields = self.fields(
                entry, path, ("key", "quantity"), ("parent", "item", "assembly", "when", "scrap_pct", "operation")
            )
            if fields is None:
                continue
            key = self.key(fields, path, BOM_KEY, seen)
            sku = self.text(fields, "item", path) or None
            assembly = self.text(fields, "assembly", path) or None
            ok = key is not None
            if (sku is None) == (assembly is None):
                self.problem(path, "give exactly one of 'item' (an inventory SKU) or 'assembly' (a name)")
                ok = False
            if sku is not None and sku not in self.out.items and self.item(sku, items, f"{path}.item") is None:
                ok = False
            quantity = self.expr(fields["quantity"], f"{path}.quantity", "number") if "quantity" in fields else None
            when = self.expr(fields["when"], f"{path}.when", "boolean") if "when" in fields else None
            scrap = self.decimal(
                fields.get("scrap_pct", "0"), f"{path}.scrap_pct", minimum=Decimal(0), places=2, limit=Decimal(10**4)
            )
            if scrap is not None and scrap >= 100:
                self.problem(f"{path}.scrap_pct", "must be less than 100 (percent)")
                scrap = None
            operation = self.text(fields, "operation", path) or None
            if operation is not None and operation not in operations:
                self.problem(
                    f"{path}.operation", f"unknown operation '{operation}'" + _did_you_mean(operation, operations)
                )
                ok = False
            parent = self.text(fields, "parent", path) or None
            if not ok or quantity is None or scrap is None or ("when" in fields and when is None):
                if key is not None:
                    self.refused[("parent", key)] = path
                continue
            assert key is not None
            lines.append((BomLine(i, key, parent, sku, assembly, quantity, when, scrap, operation), path))
        by_key = {line.key: line for line, _ in lines}
        graph = nx.DiGraph()
        for line, path in lines:
            graph.add_node(line.key)
            if line.parent is None:
                continue
            container = by_key.get(line.parent)
            if container is None:
                self.problem(f"{path}.parent", f"unknown parent '{line.parent}'" + _did_you_mean(line.parent, by_key))
            elif container.assembly is None:
                self.problem(f"{path}.parent", f"'{line.parent}' is an item, not a sub-assembly")
            else:
                graph.add_edge(line.parent, line.key)
        paths = {line.key: path for line, path in lines}
        cyclic = False
        while not nx.is_directed_acyclic_graph(graph):
            cyclic = True
            cycle = nx.find_cycle(graph)
            keys = _rotated([u for u, _ in cycle], list(paths))
            self.problem(
                f"{paths[keys[0]]}.parent",
                "sub-assemblies contain each other in a cycle: " + " -> ".join(keys + [keys[0]]),
            )
            graph.remove_edges_from(cycle)
        if cyclic:
            return
        levels: dict[str, int] = {}
        for key in nx.topological_sort(graph):
            parents = list(graph.predecessors(key))
            levels[key] = levels[parents[0]] + 1 if parents else 1
        self.out.bom = [
            BomLine(**{**line.__dict__, "level": levels[line.key]})
            for line, _ in lines
            if line.parent is None or line.parent in graph and graph.has_edge(line.parent, line.key)
        ]

    def item(self, sku: str, items: Mapping[str, Any], path: str) -> Item | None:
        facts = items.get(sku)
        if not isinstance(facts, Mapping):
            self.problem(path, f"unknown item '{sku}'" + _did_you_mean(sku, items))
            return None
        decimals = facts.get("decimals", 0)
        co2e = to_decimal(facts.get("co2e_kg", "0"))
        if (
            isinstance(decimals, bool)
            or not isinstance(decimals, int)
            or not 0 <= decimals <= 6
            or co2e is None
            or co2e < 0
            or not isinstance(facts.get("name"), str)
            or not isinstance(facts.get("uom"), str)
        ):
            self.problem(
                f"resources.items.{sku}", "needs a name, a uom, decimals from 0 to 6 and a co2e_kg of at least 0"
            )
            return None
        item = Item(sku, facts["name"], facts["uom"], decimals, co2e)
        self.out.items[sku] = item
        return item

    def read_grid(self) -> None:
        if not self.out.bom and not self.out.routing:
            return
        value = self.resources.get("grid_co2e_kg_per_kwh")
        if value is None:
            self.problem("resources.grid_co2e_kg_per_kwh", "the grid's CO2e per kWh is required")
            return
        grid = self.decimal(value, "resources.grid_co2e_kg_per_kwh", minimum=Decimal(0))
        if grid is not None:
            self.out.grid_co2e_kg_per_kwh = grid


def _rotated(cycle: list[str], order: list[str]) -> list[str]:
    """The cycle started at its earliest member in the definition, whose field closes the loop."""
    start = min(range(len(cycle)), key=lambda i: order.index(cycle[i]))
    return cycle[start:] + cycle[:start]


def _default_first(values: tuple[object, ...], default: object) -> tuple[object, ...]:
    return (default,) + tuple(v for v in values if v != default or type(v) is not type(default))


def _did_you_mean(name: str, known: Any) -> str:
    import difflib

    close = difflib.get_close_matches(name, [str(k) for k in known], n=1)
    return f"; did you mean '{close[0]}'?" if close else ""
