"""Allocating stock to waiting production orders.

1. 1,000 waiting production orders with 10 BOM lines each (10,000 lines) get their stock in one
   run of `material_allocate_waiting`, beside a baseline measured on the same data in the same
   run: the straightforward way, one transaction per production order and one locked read and
   write per BOM line.
2. The queries that one allocation costs for a production order of 10, 100 and 1,000 BOM lines,
   beside the same baseline's.
Prints JSON.
"""

import json
import time
import uuid
from decimal import Decimal

from common import setup_django


def main() -> dict:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from bom.models import Product
    from bom.services import version_create_from_definition, version_publish
    from config.celery import app as celery_app
    from inventory.models import Item, LedgerEntry
    from inventory.services import item_ensure
    from orders.services import order_place, order_release
    from production.models import MaterialRequirement, ProductionOrder
    from production.services import material_allocate_waiting

    celery_app.conf.task_always_eager = False
    customer, _ = get_user_model().objects.get_or_create(username="bench-allocation")

    def product(lines: int) -> str:
        slug = f"alloc-{lines}"
        for i in range(lines):
            item_ensure(sku=f"ALLOC-{i:04d}", name=f"Part {i}", uom="pcs", decimals=0, co2e_kg=Decimal("0"))
        if not Product.objects.filter(slug=slug).exists():
            definition = {
                "slug": slug, "name": slug, "currency": "CNY", "base_price": "10",
                "options": [{"key": "size", "label": "Size", "type": "number", "min": "1", "max": "3", "step": "1"}],
                "bom": [{"key": f"l{i}", "item": f"ALLOC-{i:04d}", "quantity": "size"} for i in range(lines)],
                "routing": [{"key": "make", "name": "Make", "work_center": "CAB-ASSY", "run_minutes": "1"}],
            }  # fmt: skip
            version_publish(version=version_create_from_definition(definition=definition))
        return slug

    def waiting(slug: str, count: int) -> list[int]:
        Item.objects.filter(sku__startswith="ALLOC-").update(on_hand=0, reserved=0)
        ids = []
        for _ in range(count):
            order, _ = order_place(customer=customer, lines=[{"product": slug, "spec": {"size": 1}, "quantity": 1}],
                                   idempotency_key=str(uuid.uuid4()))  # fmt: skip
            order_release(order_id=order.pk)
            ids.append(ProductionOrder.objects.get(order_line__order=order).pk)
        Item.objects.filter(sku__startswith="ALLOC-").update(on_hand=10**6)
        return ids

    def reset(ids: list[int]) -> None:
        MaterialRequirement.objects.filter(production_order_id__in=ids).update(reserved=0)
        ProductionOrder.objects.filter(pk__in=ids).update(status="awaiting_material")
        Item.objects.filter(sku__startswith="ALLOC-").update(reserved=0)

    def naive(ids: list[int]) -> None:
        """Baseline: per production order a transaction, per BOM line a locked read and a write."""
        for po_id in ids:
            with transaction.atomic():
                po = ProductionOrder.objects.select_for_update().get(pk=po_id)
                requirements = list(po.materials.all())
                ok = True
                for req in requirements:
                    item = Item.objects.select_for_update().get(pk=req.item_id)
                    ok = ok and item.available >= req.quantity - req.reserved
                if not ok:
                    continue
                for req in requirements:
                    Item.objects.filter(pk=req.item_id).update(reserved=F("reserved") + req.quantity - req.reserved)
                    LedgerEntry.objects.create(
                        item_id=req.item_id,
                        reason="reservation",
                        reserved_delta=req.quantity - req.reserved,
                        source=po.number,
                    )
                    MaterialRequirement.objects.filter(pk=req.pk).update(reserved=F("quantity"))
                po.status = "planned"
                po.save(update_fields=["status"])

    figures: dict = {"benchmark": "allocation"}
    ids = waiting(product(10), 1000)
    t0 = time.perf_counter()
    served = material_allocate_waiting()
    ours = time.perf_counter() - t0
    assert len(served) == 1000
    reset(ids)
    t0 = time.perf_counter()
    naive(ids)
    baseline = time.perf_counter() - t0
    lines = MaterialRequirement.objects.filter(production_order_id__in=ids).count()
    figures["thousand_orders_ten_thousand_lines"] = {
        "production_orders": len(ids), "bom_lines": lines, "seconds": round(ours, 3),
        "baseline_seconds": round(baseline, 3), "speedup": round(baseline / ours, 1),
    }  # fmt: skip
    ProductionOrder.objects.filter(pk__in=ids).update(status="cancelled")
    queries = {}
    for lines in (10, 100, 1000):
        one = waiting(product(lines), 1)
        with CaptureQueriesContext(connection) as ctx:
            assert len(material_allocate_waiting()) == 1
        reset(one)
        with CaptureQueriesContext(connection) as base:
            naive(one)
        queries[str(lines)] = {"queries": len(ctx.captured_queries), "baseline_queries": len(base.captured_queries)}
        ProductionOrder.objects.filter(pk__in=one).update(status="cancelled")
    figures["queries_per_allocation_by_bom_lines"] = queries
    return figures


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
