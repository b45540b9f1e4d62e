"""Queries and time per order placement and per release, for BOMs of 10, 100 and 300 lines and
the demo products. Placement sends its release task to the real Redis broker (as in production);
the release is then measured on its own, as the worker runs it: RELEASES orders placed first, then
each released in turn (its after-commit sends to the broker included).

Baseline, measured in the same run: inserting one bare Order row (the floor of any placement).
Prints JSON.
"""

import json
import uuid
from decimal import Decimal

from common import setup_django, timed

SIZES = (10, 100, 300)
RELEASES = 40


def main() -> dict:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bom.models import Product
    from bom.selectors import engine_for, version_get_published
    from bom.services import version_create_from_definition, version_publish
    from config.celery import app as celery_app
    from inventory.services import item_ensure
    from orders.demo import CABINET, SUIT
    from orders.models import Order
    from orders.services import order_place, order_release

    celery_app.conf.task_always_eager = False  # the release goes to the broker, as in production
    customer, _ = get_user_model().objects.get_or_create(username="bench-customer")
    specs = {"mtm-suit": dict(SUIT), "custom-cabinet": dict(CABINET)}
    for size in SIZES:
        slug = f"bench-{size}"
        for i in range(size):
            item_ensure(sku=f"BENCH-{i:04d}", name=f"Part {i}", uom="pcs", decimals=0, co2e_kg=Decimal("0.1"),
                        opening_stock=Decimal("1000000"))  # fmt: skip
        if not Product.objects.filter(slug=slug).exists():
            definition = {
                "slug": slug, "name": slug, "currency": "CNY", "base_price": "100.00",
                "options": [{"key": "size", "label": "Size", "type": "number", "min": "1", "max": "10", "step": "1"}],
                "bom": [{"key": f"l{i}", "item": f"BENCH-{i:04d}", "quantity": "size + 1"} for i in range(size)],
                "routing": [{"key": "make", "name": "Make", "work_center": "CAB-ASSY", "setup_minutes": "5",
                             "run_minutes": "size * 2"}],
            }  # fmt: skip
            version_publish(version=version_create_from_definition(definition=definition))
        specs[slug] = {"size": 3}

    def place(slug: str) -> Order:
        order, _ = order_place(
            customer=customer,
            lines=[{"product": slug, "spec": specs[slug], "quantity": 1}],
            idempotency_key=str(uuid.uuid4()),
        )
        return order

    baseline = timed(
        lambda: Order.objects.create(
            number=str(uuid.uuid4())[:20], customer=customer, currency="CNY", total=Decimal("1")
        )
    )
    figures: dict = {"benchmark": "order_placement", "baseline_bare_order_insert": baseline, "products": {}}
    for slug in specs:
        engine = engine_for(version_get_published(slug=slug))
        bom_lines = len(engine.configure(specs[slug])["bom"])
        with CaptureQueriesContext(connection) as placing:
            order = place(slug)
        with CaptureQueriesContext(connection) as releasing:
            order_release(order_id=order.pk)
        placement = timed(lambda slug=slug: place(slug), min_seconds=1.0, min_runs=20)
        placement["ratio_to_baseline"] = round(placement["p50_ms"] / baseline["p50_ms"], 2)
        waiting = iter([place(slug) for _ in range(RELEASES)])
        release = timed(lambda waiting=waiting: order_release(order_id=next(waiting).pk), min_seconds=0,
                        min_runs=RELEASES)  # fmt: skip
        figures["products"][slug] = {
            "bom_lines": bom_lines,
            "placement_queries": len(placing.captured_queries),
            "release_queries": len(releasing.captured_queries),
            "placement": placement,
            "release": release,
        }
    return figures


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
