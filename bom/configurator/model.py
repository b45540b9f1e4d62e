"""The compiled parts of a product definition: plain, immutable data the engine works on."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bom.expressions import Expression

# An option left without a value in a search branch (optional, or not applicable).
UNSET = object()
# The value a search gives an unset required text option: some text the customer will type.
# Rules and conditions may not read required text options, so it is never compared.
ANY_TEXT = "\x00any text"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a product definition: where (`rules[3].expr`) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


# A refusal's message shows at most this many problems, then how many more there are (`problems`
# keeps them all).
PROBLEMS_SHOWN = 50


def problem_lines(problems: list[Any]) -> str:
    """The problems as "- ..." lines, at most PROBLEMS_SHOWN of them and a count of the rest."""
    lines = [f"- {p}" for p in problems[:PROBLEMS_SHOWN]]
    if len(problems) > PROBLEMS_SHOWN:
        lines.append(f"- ... and {len(problems) - PROBLEMS_SHOWN} more problems")
    return "\n".join(lines)


class CatalogError(ValueError):
    """The product definition cannot be compiled; `problems` lists everything found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("invalid product definition:\n" + problem_lines(problems))


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    price_delta: Decimal


@dataclass(frozen=True, eq=False)
class Option:
    index: int
    key: str
    label: str
    type: str  # choice | number | text | boolean
    required: bool
    group: str = ""
    help: str = ""
    when: Expression | None = None
    choices: tuple[Choice, ...] = ()
    default: object = None  # typed: str, Decimal or bool
    unit: str = ""
    min: Decimal | None = None
    max: Decimal | None = None
    step: Decimal | None = None
    max_length: int | None = None
    allowed: re.Pattern[str] | None = None
    allowed_source: str = ""
    allowed_label: str = ""
    # The full domain in display order (choices, (True, False), or the number grid) ...
    values: tuple[object, ...] = ()
    # ... and in the order a search tries them (default first; min, max, midpoint for numbers).
    search_values: tuple[object, ...] = ()
    choice_labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Rule:
    index: int
    key: str
    expr: Expression
    message: str


@dataclass(frozen=True, eq=False)
class PriceAdder:
    index: int
    key: str
    label: str
    when: Expression | None
    amount: Expression


@dataclass(frozen=True, eq=False)
class BomLine:
    index: int
    key: str
    parent: str | None
    item: str | None
    assembly: str | None
    quantity: Expression
    when: Expression | None
    scrap_pct: Decimal
    operation: str | None
    level: int = 1


@dataclass(frozen=True, eq=False)
class Operation:
    index: int
    key: str
    name: str
    work_center: str
    setup_minutes: Expression
    run_minutes: Expression
    after: tuple[str, ...]
    when: Expression | None
    setup_family: Expression | None


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    uom: str
    decimals: int
    co2e_kg: Decimal


@dataclass(frozen=True)
class WorkCenter:
    code: str
    name: str
    power_kw: Decimal


def value_kind(value: object) -> str:
    """A value's kind in an author's words: 'a mapping', 'a list', 'true/false', 'a number', 'text'."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float, Decimal)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "nothing" if value is None else type(value).__name__
