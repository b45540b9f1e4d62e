"""200 orders from 10 concurrent clients against scarce stock.

Ten threads, each with its own PostgreSQL connection, start together; each places 20 orders (of
one or two lines) one after another, and each placement releases itself in the same thread right
after it commits (tasks run in-process). So at most 10 orders are placed or released at the same
moment, 200 in all. Their BOMs use the same 8 items in random orders. Then: no client sees an
error (no deadlock), every order is released with one production order per line, no unit is
promised twice, and the stock left over could serve none of the waiting orders."""

import random
import threading
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F, Sum

from bom.services import version_create_from_definition, version_publish
from inventory.models import Item
from inventory.services import item_ensure
from orders.models import Order
from orders.services import order_place
from production.models import MaterialRequirement, ProductionOrder
from production.services import material_allocate_waiting
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("demo_tx")
CLIENTS, ORDERS_PER_CLIENT, ITEMS, PRODUCTS = 10, 20, 8, 12


def scarce_catalog(rng: random.Random) -> list[str]:
    skus = [f"SCARCE-{i}" for i in range(ITEMS)]
    for sku in skus:
        item_ensure(sku=sku, name=sku, uom="pcs", decimals=0, co2e_kg=Decimal("1"), opening_stock=Decimal("60"))
    slugs = []
    for p in range(PRODUCTS):
        used = rng.sample(skus, rng.randint(3, 6))  # a random subset, in a random order
        definition = {
            "slug": f"scarce-{p}", "name": f"Scarce {p}", "currency": "CNY", "base_price": "100",
            "options": [{"key": "size", "label": "Size", "type": "number", "min": "1", "max": "3", "step": "1"}],
            "bom": [{"key": f"l{i}", "item": sku, "quantity": "size"} for i, sku in enumerate(used)],
            "routing": [{"key": "make", "name": "Make", "work_center": "CAB-ASSY", "run_minutes": "10"}],
        }  # fmt: skip
        version_publish(version=version_create_from_definition(definition=definition))
        slugs.append(definition["slug"])
    return slugs


def test_200_orders_from_10_concurrent_clients_against_scarce_stock():
    rng = random.Random(20261128)
    slugs = scarce_catalog(rng)
    customers = [UserFactory() for _ in range(CLIENTS)]
    plans = [
        [[{"product": rng.choice(slugs), "spec": {"size": rng.randint(1, 3)}, "quantity": 1}
          for _ in range(rng.randint(1, 2))] for _ in range(ORDERS_PER_CLIENT)]
        for _ in range(CLIENTS)
    ]  # fmt: skip
    failures: list[BaseException] = []
    start = threading.Barrier(CLIENTS)

    def client(customer, orders):
        try:
            start.wait()
            for lines in orders:  # each placement releases itself after commit (tasks run in-process)
                order_place(customer=customer, lines=lines, idempotency_key=None)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(c, p)) for c, p in zip(customers, plans, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)

    # no error reached any client, and nothing is lost: every order is released, one PO per line
    assert failures == []
    assert Order.objects.filter(customer__in=customers).count() == CLIENTS * ORDERS_PER_CLIENT
    assert not Order.objects.filter(customer__in=customers, status="submitted").exists()
    lines = sum(len(lines) for orders in plans for lines in orders)
    assert ProductionOrder.objects.filter(product__startswith="scarce-").count() == lines
    # no unit is promised twice: levels within on hand, and equal to what production orders hold
    scarce = Item.objects.filter(sku__startswith="SCARCE-")
    held = dict(
        MaterialRequirement.objects.filter(item__in=scarce).values("item_id").annotate(r=Sum("reserved"))
        .values_list("item_id", "r")
    )  # fmt: skip
    for item in scarce:
        assert 0 <= item.reserved <= item.on_hand
        assert item.reserved == held.get(item.pk, Decimal(0))
    assert scarce.filter(reserved__gt=0).exists()
    # and what is left could not serve any waiting order (as much was allocated as stock allows)
    free = {item.pk: item.available for item in scarce}
    lacking = defaultdict(dict)
    for req in MaterialRequirement.objects.filter(
        production_order__status="awaiting_material", reserved__lt=F("quantity"), item__in=scarce
    ):
        lacking[req.production_order_id][req.item_id] = req.quantity - req.reserved
    assert lacking, "the stock was meant to run short"
    assert all(any(free[item] < need for item, need in needs.items()) for needs in lacking.values())
    assert material_allocate_waiting() == []
