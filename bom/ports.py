"""What the catalog needs from the rest of the factory, without importing it.

`bom` imports none of the other apps (PIPELINE.md). Publishing needs the facts of the items and
work centers a version names, and the configurator's answer needs a ship-date estimate from the
production queue; the apps that own those facts register providers here in their `ready()`.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

ItemFacts = Callable[[Iterable[str]], dict[str, dict[str, Any]]]
WorkCenterFacts = Callable[[Iterable[str]], dict[str, dict[str, Any]]]
ShipDateEstimator = Callable[[Sequence[Mapping[str, Any]], int], date | None]

_providers: dict[str, Callable[..., Any]] = {}


def register(
    *,
    item_facts: ItemFacts | None = None,
    work_center_facts: WorkCenterFacts | None = None,
    ship_date_estimator: ShipDateEstimator | None = None,
) -> None:
    for name, fn in (
        ("item_facts", item_facts),
        ("work_center_facts", work_center_facts),
        ("ship_date_estimator", ship_date_estimator),
    ):
        if fn is not None:
            _providers[name] = fn


def item_facts(skus: Iterable[str]) -> dict[str, dict[str, Any]]:
    """{sku: {"name", "uom", "decimals", "co2e_kg"}} for the SKUs that exist."""
    return _providers["item_facts"](skus)


def work_center_facts(codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """{code: {"name", "power_kw"}} for the work centers that exist."""
    return _providers["work_center_facts"](codes)


def estimate_ship_date(routing: Sequence[Mapping[str, Any]], quantity: int = 1) -> date | None:
    """When a new order with this routing would ship, from the current queue."""
    provider = _providers.get("ship_date_estimator")
    return provider(routing, quantity) if provider else None
