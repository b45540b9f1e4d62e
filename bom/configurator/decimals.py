"""Reading and writing the decimal strings of definitions, specs and answers."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_DECIMAL_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def to_decimal(value: object) -> Decimal | None:
    """A finite Decimal from an int, a float (through its shortest repr) or a decimal string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        value = str(value)  # 98.5 -> "98.5", never the binary expansion
        if value in ("nan", "inf", "-inf"):
            return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        text = value.strip()
        if "e" in text.lower():
            try:
                number = Decimal(text)
            except InvalidOperation:
                return None
            return number if number.is_finite() else None
        if not _DECIMAL_TEXT.match(text):
            return None
        return Decimal(text)
    return None


def fmt(value: Decimal) -> str:
    """Plain notation without trailing zeros: 80, 98.5, 0.001 (never 1E+2)."""
    if not value:
        return "0"
    return format(value.normalize(), "f")


def quantize(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)
