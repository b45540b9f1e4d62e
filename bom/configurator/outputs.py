"""What a valid configuration turns into: its price, exploded BOM, routing and footprint."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal
from typing import Any

from bom.configurator.decimals import fmt, quantize
from bom.configurator.i18n import tr
from bom.configurator.model import BomLine, Item, Operation, Option, PriceAdder, WorkCenter
from bom.expressions import Expression, ExpressionError, MissingValue

ZERO = Decimal(0)
HUNDRED = Decimal(100)
SIXTY = Decimal(60)
CENT = "0.01"
# The labels of the price breakdown's own lines (an option's and an adder's come from the catalog).
BASE_PRICE = "Base price"
ROUNDING = "Rounding"

# The largest values a configuration may carry, so that what it turns into fits the fields that
# store it: a price in an order line's unit price (12 digits, 2 decimals), a BOM quantity per unit
# well inside a stock quantity (below 10^12) for any order quantity, minutes per unit well inside
# a production operation's setup (below 10^6) and run minutes (below 10^8, for the whole quantity).
MAX_PRICE = Decimal("9999999999.99")
MAX_QUANTITY = Decimal(10) ** 9
MAX_MINUTES = Decimal(10) ** 5


class BuildError(Exception):
    """A formula of the definition fails on a configuration: `path` names it (`bom[3].quantity`),
    `expression` is the formula (None when the failure is the whole price's)."""

    def __init__(self, path: str, message: str, expression: Expression | None) -> None:
        self.path = path
        self.message = message
        self.expression = expression
        super().__init__(f"{path}: {message}")


def _holds(when: Expression | None, env: Mapping[str, object], path: str) -> bool:
    if when is None:
        return True
    try:
        return when.evaluate(env) is True
    except MissingValue:
        return False  # reads an option that does not apply or is not set: the line is not needed
    except ExpressionError as exc:
        raise BuildError(path, str(exc), when) from None


def _amount(
    expression: Expression, env: Mapping[str, object], path: str, *, limit: Decimal, negative_ok: bool = False
) -> Decimal:
    try:
        value = expression.evaluate(env)
    except ExpressionError as exc:
        raise BuildError(path, str(exc), expression) from None
    if not isinstance(value, Decimal) or isinstance(value, bool):
        raise BuildError(path, f"gives {value!r}, not a number", expression)
    if value < 0 and not negative_ok:
        raise BuildError(path, f"gives a negative number ({fmt(value)})", expression)
    return _within(value, limit, path, expression)


def _within(value: Decimal, limit: Decimal, path: str, expression: Expression | None) -> Decimal:
    if value.copy_abs() >= limit:
        raise BuildError(path, f"gives {large(value)}, too large (it must stay below {fmt(limit)})", expression)
    return value


def large(value: Decimal) -> str:
    """A value too large for its field, readable: 10000000099, or 5.905e+28."""
    return fmt(value.quantize(Decimal("0.01"))) if value.adjusted() < 15 else f"{value:.3e}"


def price(
    base_price: Decimal, options: tuple[Option, ...], adders: tuple[PriceAdder, ...], env: Mapping[str, object]
) -> Decimal:
    """Base price, plus the price delta of each chosen choice, plus each adder whose `when` holds,
    rounded to 0.01. Raises BuildError for a price below zero or too large for an order line."""
    return priced(base_price, options, adders, env)[0]


def priced(
    base_price: Decimal, options: tuple[Option, ...], adders: tuple[PriceAdder, ...], env: Mapping[str, object]
) -> tuple[Decimal, list[dict[str, str]]]:
    """The price (as `price`) and its breakdown, from the same parts: `[{"label", "amount"}]`, the
    base price, each chosen choice's non-zero delta, each adder that applies with a non-zero
    amount, each amount rounded to 0.01, and a "Rounding" line when those do not add up to the
    rounded price. The amounts always add up to the price exactly. Raises BuildError as `price`."""
    parts = price_parts(base_price, options, adders, env)
    total = _total(parts)
    rows: list[dict[str, str]] = []
    listed = ZERO
    for index, (label, amount) in enumerate(parts):
        shown = quantize(amount, CENT)
        if not shown:
            if index:
                continue  # a part that rounds to nothing is left to the rounding line
            shown = abs(shown)  # a base price of -0.00 -> 0.00
        rows.append({"label": label, "amount": str(shown)})
        listed += shown
    if total != listed:
        rows.append({"label": tr(ROUNDING), "amount": str(total - listed)})
    return total, rows


def _total(parts: list[tuple[str, Decimal]]) -> Decimal:
    unrounded = sum((amount for _label, amount in parts), ZERO)
    total = quantize(_within(unrounded, MAX_PRICE + Decimal(CENT), "price", None), CENT)
    if not total:
        total = abs(total)  # -0.00 -> 0.00
    if total < 0:
        # publishing refuses a catalog whose price can go below zero (analysis); this is the
        # engine's own guard, so that no negative price is ever answered as valid
        raise BuildError("price", f"the price is negative ({total})", None)
    return total


def price_total(
    base_price: Decimal, options: tuple[Option, ...], adders: tuple[PriceAdder, ...], env: Mapping[str, object]
) -> Decimal:
    """The price before rounding and checks."""
    return sum((amount for _label, amount in price_parts(base_price, options, adders, env)), ZERO)


def price_parts(
    base_price: Decimal, options: tuple[Option, ...], adders: tuple[PriceAdder, ...], env: Mapping[str, object]
) -> list[tuple[str, Decimal]]:
    """What the price adds up, before rounding: ("Base price", base), ("<Option>: <choice>", delta)
    for each chosen choice with a non-zero delta, (label, amount) for each adder whose `when` holds
    and whose amount is not zero."""
    parts = [(tr(BASE_PRICE), base_price)]
    for option in options:
        if option.type == "choice" and option.key in env:
            for choice in option.choices:
                if choice.value == env[option.key] and choice.price_delta:
                    parts.append((tr("{label}: {value}", label=option.label, value=choice.label), choice.price_delta))
    for adder in adders:
        if _holds(adder.when, env, f"prices[{adder.index}].when"):
            amount = _amount(adder.amount, env, f"prices[{adder.index}].amount", limit=MAX_PRICE, negative_ok=True)
            if amount:
                parts.append((adder.label, amount))
    return parts


def explode_bom(
    lines: tuple[BomLine, ...], items: Mapping[str, Item], env: Mapping[str, object]
) -> tuple[list[dict[str, Any]], Decimal]:
    """Item lines (`lines` in pre-order) with quantities after scrap, rounded to each item's
    decimals, always up (issuing less than a line needs would leave the job short); and their CO2e."""
    multiplier: dict[str, Decimal] = {}
    out: list[dict[str, Any]] = []
    co2e = ZERO
    for line in lines:
        if line.parent is not None and line.parent not in multiplier:
            continue  # its sub-assembly is not in this configuration
        if not _holds(line.when, env, f"bom[{line.index}].when"):
            continue
        path = f"bom[{line.index}].quantity"
        quantity = _amount(line.quantity, env, path, limit=MAX_QUANTITY)
        if line.parent is not None:
            quantity = _within(quantity * multiplier[line.parent], MAX_QUANTITY, path, line.quantity)
        if line.assembly is not None:
            multiplier[line.key] = quantity
            continue
        if not quantity:
            continue
        assert line.item is not None
        item = items[line.item]
        needed = _within(quantity * (1 + line.scrap_pct / HUNDRED), MAX_QUANTITY, path, line.quantity)
        rounded = needed.quantize(Decimal(1).scaleb(-item.decimals), rounding=ROUND_CEILING)
        co2e += rounded * item.co2e_kg
        out.append(
            {
                "item": item.sku,
                "name": item.name,
                "quantity": str(rounded),
                "uom": item.uom,
                "level": line.level,
                "parent": line.parent,
                "operation": line.operation,
            }
        )
    return out, co2e


def plan_routing(
    operations: tuple[Operation, ...], centers: Mapping[str, WorkCenter], env: Mapping[str, object]
) -> tuple[list[dict[str, Any]], Decimal]:
    """The operations that apply (`operations` in topological order) and their energy in kWh.

    A dropped operation is bypassed: its successors inherit its predecessors. Predecessors implied
    by others are left out, so `after` lists only the direct ones.
    """
    by_key = {op.key: op for op in operations}
    kept = {op.key for op in operations if _holds(op.when, env, f"routing[{op.index}].when")}
    inherited: dict[str, set[str]] = {}

    def through(key: str) -> set[str]:
        if key in kept:
            return {key}
        if key not in inherited:
            inherited[key] = set().union(*(through(before) for before in by_key[key].after))
        return inherited[key]

    ancestors: dict[str, set[str]] = {}
    out: list[dict[str, Any]] = []
    energy = ZERO
    for op in operations:
        if op.key not in kept:
            continue
        direct = set().union(*(through(before) for before in op.after))
        ancestors[op.key] = direct.union(*(ancestors[d] for d in direct))
        after = [d for d in direct if not any(d in ancestors[other] for other in direct if other != d)]
        after.sort(key=lambda k: by_key[k].index)
        setup = quantize(
            _amount(op.setup_minutes, env, f"routing[{op.index}].setup_minutes", limit=MAX_MINUTES), "0.01"
        )
        run = quantize(_amount(op.run_minutes, env, f"routing[{op.index}].run_minutes", limit=MAX_MINUTES), "0.01")
        energy += (setup + run) / SIXTY * centers[op.work_center].power_kw
        out.append(
            {
                "key": op.key,
                "name": op.name,
                "work_center": op.work_center,
                "setup_minutes": fmt(setup),
                "run_minutes": fmt(run),
                "after": after,
                "setup_family": _family(op, env),
            }
        )
    return out, energy


def _family(op: Operation, env: Mapping[str, object]) -> str | None:
    if op.setup_family is None:
        return None
    try:
        value = op.setup_family.evaluate(env)
    except MissingValue:
        return None
    except ExpressionError as exc:
        raise BuildError(f"routing[{op.index}].setup_family", str(exc), op.setup_family) from None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return fmt(value)
    return str(value)


def footprint(materials_co2e_kg: Decimal, energy_kwh: Decimal, grid_co2e_kg_per_kwh: Decimal) -> dict[str, str]:
    total = materials_co2e_kg + energy_kwh * grid_co2e_kg_per_kwh
    return {
        "co2e_kg": str(quantize(total, "0.1")),
        "materials_co2e_kg": str(quantize(materials_co2e_kg, "0.1")),
        "energy_kwh": str(quantize(energy_kwh, "0.01")),
    }
