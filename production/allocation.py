"""Allocation of stock to waiting production orders: pure, no ORM (production.services calls it).
Orders and items are named by their ids.

Orders are served in planning priority, all or nothing, except that items which allow partial
reservation are given out as far as they go. A newer order may take stock that an older one
cannot use yet (it needs more than there is), but not forever: once an order has waited past the
starvation limit, what it still lacks is earmarked, and orders behind it may not take it.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Demand:
    order: int
    needs: Mapping[int, Decimal]  # item -> quantity still to reserve
    starving: bool = False


@dataclass
class Allocation:
    grants: dict[int, dict[int, Decimal]] = field(default_factory=dict)  # order -> item -> qty
    served: list[int] = field(default_factory=list)  # orders that now have everything

    def grant(self, order: int, item: int, quantity: Decimal) -> None:
        self.grants.setdefault(order, {})[item] = self.grants.get(order, {}).get(item, Decimal(0)) + quantity


def allocate(
    demands: Iterable[Demand], available: Mapping[int, Decimal], partial_items: Iterable[int] = ()
) -> Allocation:
    """Serve `demands` in the order given (highest priority first) from `available`."""
    left = dict(available)
    partial = set(partial_items)
    earmarked: dict[int, Decimal] = defaultdict(Decimal)
    result = Allocation()
    for demand in demands:
        needs = {item: qty for item, qty in demand.needs.items() if qty > 0}
        if not needs:
            result.served.append(demand.order)
            continue
        free = {item: left.get(item, Decimal(0)) - earmarked[item] for item in needs}
        if all(free[item] >= qty for item, qty in needs.items()):
            for item, qty in needs.items():
                left[item] -= qty
                result.grant(demand.order, item, qty)
            result.served.append(demand.order)
            continue
        for item, qty in needs.items():
            granted = Decimal(0)
            if item in partial and free[item] > 0:
                granted = min(free[item], qty)
                left[item] -= granted
                result.grant(demand.order, item, granted)
            if demand.starving and qty > granted:
                earmarked[item] += qty - granted
    return result
