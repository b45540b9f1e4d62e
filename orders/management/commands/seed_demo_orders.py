"""Demo orders in every state, so that `make run` starts with a factory at work: orders waiting
for material, in production, late, done, shipped and cancelled.

Every order goes through the product's services (placed, released, started, finished, shipped,
cancelled, rushed by a planner), never a raw write, so stock, reservations and the plan stay
consistent (`manage.py inventory_check` passes). Each order is placed with its own fixed
idempotency key: running the command again finds the orders already placed and adds none.
Needs `seed_demo` first (the catalog, stock and the users alice, pat and oscar).
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orders.demo import CABINET, CASHMERE_JACKET, FRIDGE_BASIC, FRIDGE_FLAGSHIP, SUIT
from orders.models import Order
from orders.services import order_cancel, order_place, order_release, order_ship
from production.models import Operation, ProductionOrder
from production.selectors import ship_date_after
from production.services import operation_finish, operation_start, production_order_set_priority, production_replan

# The namespace of the demo orders' idempotency keys: uuid5(KEYS, scenario name).
KEYS = uuid.UUID("6d1c2f0e-8f7a-4c1b-9a3e-5b2d7c4e9f10")
RUSH_PRIORITY = 10


@dataclass(frozen=True)
class Scenario:
    """One demo order and what happens to it after its release."""

    name: str
    customer: str
    product: str
    spec: dict[str, Any]
    quantity: int = 1
    # done: operations finished, in routing order; start: then start the next one.
    # None finishes them all (completed).
    done: int | None = 0
    start: bool = False
    ship: bool = False
    cancel: bool = False
    rush: bool = False


# In this order: the first suit is promised against an empty queue, then a planner rushes a
# larger order ahead of it, so its planned finish slips past its promise (late); the orders placed
# after the rush are promised with it in the queue. The cashmere ones use up the short cashmere
# cloth (9.50 m: a suit takes about 3.1 m, a jacket alone 1.8 m), so that the last two wait for it.
SCENARIOS = [
    Scenario("navy-suit-late", "alice", "mtm-suit", SUIT),
    Scenario("navy-uniforms-rush", "mei", "mtm-suit", SUIT, quantity=4, rush=True),
    Scenario("cashmere-suit-shipped", "alice", "mtm-suit", {**SUIT, "fabric": "cashmere-grey"}, done=None, ship=True),
    Scenario("oak-cabinet-shipped", "bob", "custom-cabinet", CABINET, done=None, ship=True),
    Scenario("basic-fridge-completed", "mei", "refrigerator", FRIDGE_BASIC, done=None),
    Scenario(
        "walnut-cabinet-completed", "alice", "custom-cabinet", {**CABINET, "material": "walnut-veneer"}, done=None
    ),
    Scenario(
        "cashmere-suit-in-production",
        "bob",
        "mtm-suit",
        {**SUIT, "fabric": "cashmere-grey", "chest_cm": 104, "lapel": "peak"},
        done=3,
        start=True,
    ),
    Scenario(
        "white-cabinet-in-production",
        "mei",
        "custom-cabinet",
        {**CABINET, "material": "white-melamine", "width_mm": 600, "handle": "knob-brass"},
        done=2,
        start=True,
    ),
    Scenario("flagship-fridge-in-production", "alice", "refrigerator", FRIDGE_FLAGSHIP, start=True),
    Scenario("cashmere-jacket-planned", "mei", "mtm-suit", {**CASHMERE_JACKET, "chest_cm": 96}),
    Scenario("linen-suit-planned", "mei", "mtm-suit", {**SUIT, "fabric": "linen-sand", "lining": "paisley"}),
    Scenario("silver-fridge-planned", "bob", "refrigerator", {**FRIDGE_FLAGSHIP, "ice_maker": "none"}),
    Scenario("cashmere-jacket-waiting", "alice", "mtm-suit", CASHMERE_JACKET),
    Scenario("cashmere-suit-waiting", "bob", "mtm-suit", {**SUIT, "fabric": "cashmere-grey", "chest_cm": 108}),
    Scenario("charcoal-suit-cancelled", "bob", "mtm-suit", {**SUIT, "fabric": "wool-charcoal"}, cancel=True),
    Scenario(
        "walnut-cabinet-cancelled", "mei", "custom-cabinet", {**CABINET, "material": "walnut-veneer"}, cancel=True
    ),
    Scenario("oak-cabinet-planned", "alice", "custom-cabinet", {**CABINET, "shelves": 6}),
]
CUSTOMERS = ("alice", "bob", "mei")


class Command(BaseCommand):
    help = "Place the demo orders in every state (safe to run again: orders already placed are kept)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_PASSWORD:
            raise CommandError("Set DEMO_PASSWORD to create the demo customers here.")
        users = self._users()
        placed: list[tuple[Scenario, Order]] = []
        new = 0
        for scenario in SCENARIOS:
            order, created = order_place(
                customer=users[scenario.customer],
                lines=[{"product": scenario.product, "spec": scenario.spec, "quantity": scenario.quantity}],
                idempotency_key=str(uuid.uuid5(KEYS, scenario.name)),
            )
            if created:
                new += 1
                self._play(scenario, order, operator=users["oscar"], planner=users["pat"])
            placed.append((scenario, order))
        production_replan()
        self._summary(placed, new)

    def _users(self) -> dict[str, Any]:
        """The demo customers (bob and mei created here, as seed_demo creates alice), the operator
        who works the stations and the planner who ships and rushes."""
        user_model = get_user_model()
        for username in CUSTOMERS:
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            if created:
                user.set_password(settings.DEMO_PASSWORD)
                user.save()
        users = {u.username: u for u in user_model.objects.filter(username__in=[*CUSTOMERS, "oscar", "pat"])}
        if not {"oscar", "pat"} <= set(users):
            raise CommandError("Run `manage.py seed_demo` first: the demo operator and planner are missing.")
        return users

    def _play(self, scenario: Scenario, order: Order, *, operator: Any, planner: Any) -> None:
        # The release runs after the placement commits (in-process tasks); with a broker it may not
        # have yet, and releasing again is a no-op once it has.
        order_release(order_id=order.pk)
        if scenario.cancel:
            order_cancel(order=order, user=order.customer)
            return
        operations = list(
            Operation.objects.filter(production_order__order_line__order=order).order_by(
                "production_order_id", "sequence"
            )
        )
        finish = operations if scenario.done is None else operations[: scenario.done]
        for operation in finish:
            operation_start(operation_id=operation.pk, user=operator)
            operation_finish(operation_id=operation.pk, user=operator)
        if scenario.start and scenario.done is not None and scenario.done < len(operations):
            operation_start(operation_id=operations[scenario.done].pk, user=operator)
        if scenario.ship:
            order_ship(order=order, user=planner)
        if scenario.rush:
            for po in ProductionOrder.objects.filter(order_line__order=order):
                production_order_set_priority(number=po.number, priority=RUSH_PRIORITY, user=planner)

    def _summary(self, placed: list[tuple[Scenario, Order]], new: int) -> None:
        orders = Order.objects.filter(pk__in=[order.pk for _, order in placed])
        statuses = Counter(orders.values_list("status", flat=True))
        pos = list(ProductionOrder.objects.filter(order_line__order__in=orders))
        waiting = sum(po.status == ProductionOrder.Status.AWAITING_MATERIAL for po in pos)
        late = sum(
            bool(po.planned_finish and po.promised_date and ship_date_after(po.planned_finish) > po.promised_date)
            for po in pos
            if po.status in ProductionOrder.OPEN_STATUSES
        )
        if new == 0:
            self.stdout.write(f"The {len(placed)} demo orders are already in place; none added.")
        else:
            self.stdout.write(f"Placed {new} demo orders for {', '.join(CUSTOMERS)}.")
        self.stdout.write(
            "Demo orders: "
            + ", ".join(f"{count} {status.replace('_', ' ')}" for status, count in sorted(statuses.items()))
            + f"; {waiting} waiting for material, {late} late."
        )
