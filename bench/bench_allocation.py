"""Allocating stock to waiting production orders.

1. 1,000 waiting production orders with 10 BOM lines each (10,000 lines) get their stock in one
   run of `material_allocate_waiting`, beside a baseline run on the same data in the same process:
   the best simple alternative, one short transaction per production order (lock it, lock its
   items in one SELECT ... FOR UPDATE in primary-key order, check them, reserve them with one
   UPDATE ... CASE, one bulk insert of ledger rows, one UPDATE of its requirements, its status,
   its customer's event). Both runs must leave the same end state (levels, requirements,
   statuses, ledger rows, order events); the script fails otherwise.
2. The queries of each for one production order of 10, 100 and 1,000 BOM lines.
Prints JSON.
"""

import json
import os
import statistics
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from common import setup_django

State = dict[str, list[tuple[Any, ...]]]
ROUNDS = 3  # the 1,000-order run, each way; the figures are the medians


def main() -> dict:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Case, DecimalField, F, Value, When
    from django.test.utils import CaptureQueriesContext

    from bom.models import Product
    from bom.services import version_create_from_definition, version_publish
    from config.celery import app as celery_app
    from inventory.models import Item, LedgerEntry
    from inventory.services import item_ensure
    from orders.models import OrderEvent
    from orders.services import order_place, order_release
    from production import signals
    from production.models import MaterialRequirement, Operation, ProductionOrder
    from production.services import material_allocate_waiting

    Status = ProductionOrder.Status
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

    def marks() -> tuple[int, int]:
        """The last ledger row and order event before a run: what a run writes comes after them."""
        last = LedgerEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return last, OrderEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def end_state(ids: list[int], since: tuple[int, int]) -> State:
        """What a run leaves: levels, requirements, statuses, and the ledger rows and events it wrote."""
        return {
            "items": sorted(Item.objects.filter(sku__startswith="ALLOC-").values_list("pk", "on_hand", "reserved")),
            "requirements": sorted(
                MaterialRequirement.objects.filter(production_order_id__in=ids).values_list("pk", "reserved")
            ),
            "statuses": sorted(ProductionOrder.objects.filter(pk__in=ids).values_list("pk", "status")),
            "ledger": sorted(
                LedgerEntry.objects.filter(pk__gt=since[0]).values_list(
                    "item_id", "reason", "on_hand_delta", "reserved_delta", "source", "user_id"
                )
            ),
            "events": sorted(
                (order_id, kind, json.dumps(params, sort_keys=True))
                for order_id, kind, params in OrderEvent.objects.filter(pk__gt=since[1]).values_list(
                    "order_id", "kind", "params"
                )
            ),
        }

    def reset(ids: list[int], since: tuple[int, int]) -> None:
        """Undo a run: the orders wait again, nothing is reserved, its ledger rows and events go."""
        LedgerEntry.objects.filter(pk__gt=since[0]).delete()
        OrderEvent.objects.filter(pk__gt=since[1]).delete()
        MaterialRequirement.objects.filter(production_order_id__in=ids).update(reserved=0)
        ProductionOrder.objects.filter(pk__in=ids).update(status=Status.AWAITING_MATERIAL)
        Item.objects.filter(sku__startswith="ALLOC-").update(reserved=0)

    def baseline(ids: list[int]) -> None:
        """The best simple alternative: per waiting production order, in the same planning order
        (priority, promise, age), one transaction that locks the order, then its items in one
        SELECT ... FOR UPDATE in primary-key order, and, if they are all available, reserves them
        with one UPDATE ... CASE, one bulk ledger insert, one requirements UPDATE, its status, and
        the event for its customer (the same signal the product sends). No starvation earmarks or
        partial items: the data here needs neither, and they would only cost it more."""
        queue = ProductionOrder.objects.filter(pk__in=ids, status=Status.AWAITING_MATERIAL).order_by(
            "-priority", F("promised_date").asc(nulls_last=True), "created_at", "pk"
        )
        for po_id in list(queue.values_list("pk", flat=True)):
            with transaction.atomic():
                po = ProductionOrder.objects.select_for_update().filter(pk=po_id).first()
                if po is None or po.status != Status.AWAITING_MATERIAL:
                    continue  # served or cancelled meanwhile
                needs: dict[int, Decimal] = defaultdict(Decimal)
                for item_id, quantity, reserved in MaterialRequirement.objects.filter(
                    production_order=po, reserved__lt=F("quantity")
                ).values_list("item_id", "quantity", "reserved"):
                    needs[item_id] += quantity - reserved
                items = Item.objects.select_for_update().filter(pk__in=list(needs)).order_by("pk")
                if any(item.available < needs[item.pk] for item in items):
                    continue  # all or nothing: it waits
                if needs:
                    Item.objects.filter(pk__in=list(needs)).update(
                        reserved=F("reserved")
                        + Case(
                            *[When(pk=pk, then=Value(qty)) for pk, qty in needs.items()],
                            default=Value(Decimal(0)),
                            output_field=DecimalField(max_digits=16, decimal_places=4),
                        )
                    )
                    LedgerEntry.objects.bulk_create(
                        LedgerEntry(item_id=pk, reason=LedgerEntry.Reason.RESERVATION, reserved_delta=qty,
                                    source=po.number)
                        for pk, qty in needs.items()
                    )  # fmt: skip
                    MaterialRequirement.objects.filter(production_order=po).update(reserved=F("quantity"))
                started = Operation.objects.filter(production_order=po).exclude(status=Operation.Status.PENDING)
                ProductionOrder.objects.filter(pk=po.pk).update(
                    status=Status.IN_PROGRESS if started.exists() else Status.PLANNED
                )
                signals.material_allocated.send(sender=ProductionOrder, order_line_ids=[po.order_line_id])

    def timed(fn: Callable[[], object], ids: list[int]) -> tuple[float, State]:
        """Run fn once: its wall time and the end state it left, then undo it."""
        since = marks()
        t0 = time.perf_counter()
        fn()
        seconds = time.perf_counter() - t0
        state = end_state(ids, since)
        reset(ids, since)
        return seconds, state

    def counted(fn: Callable[[], object], ids: list[int]) -> tuple[int, State]:
        """Run fn once, logging its statements (transaction control included, as in the tests):
        how many, and the end state it left, then undo it. Apart from timing, as logging costs time."""
        since = marks()
        connection.queries_log = deque(maxlen=10**6)  # the default keeps only the last 9,000
        with CaptureQueriesContext(connection) as log:
            fn()
        state = end_state(ids, since)
        reset(ids, since)
        return len(log), state

    figures: dict = {"benchmark": "allocation", "load_average_at_start": round(os.getloadavg()[0], 2)}
    ids = waiting(product(10), 1000)

    def ours() -> None:
        assert len(material_allocate_waiting()) == len(ids)

    ours_s, base_s = [], []
    for _ in range(ROUNDS):  # alternate, so that both see the same load on a shared machine
        seconds, ours_state = timed(ours, ids)
        ours_s.append(seconds)
        seconds, base_state = timed(partial(baseline, ids), ids)
        base_s.append(seconds)
        assert ours_state == base_state, "the baseline must leave the same end state as the product"
    assert {status for _, status in ours_state["statuses"]} == {Status.PLANNED}
    assert len(ours_state["ledger"]) == 10 * len(ids)
    ours_queries, state = counted(ours, ids)
    base_queries, base_state = counted(partial(baseline, ids), ids)
    assert state == base_state == ours_state
    lines = MaterialRequirement.objects.filter(production_order_id__in=ids).count()
    ours_p50, base_p50 = statistics.median(ours_s), statistics.median(base_s)
    figures["thousand_orders_ten_thousand_lines"] = {
        "production_orders": len(ids), "bom_lines": lines, "rounds": ROUNDS,
        "seconds": round(ours_p50, 3), "baseline_seconds": round(base_p50, 3),
        "speedup": round(base_p50 / ours_p50, 1),
        "seconds_each_round": [round(x, 3) for x in ours_s],
        "baseline_seconds_each_round": [round(x, 3) for x in base_s],
        "queries": ours_queries, "baseline_queries": base_queries,
    }  # fmt: skip
    ProductionOrder.objects.filter(pk__in=ids).update(status=Status.CANCELLED)
    queries = {}
    for lines in (10, 100, 1000):
        one = waiting(product(lines), 1)
        ours_queries, ours_state = counted(material_allocate_waiting, one)
        base_queries, base_state = counted(partial(baseline, one), one)
        assert ours_state == base_state and len(ours_state["ledger"]) == lines
        queries[str(lines)] = {"queries": ours_queries, "baseline_queries": base_queries}
        ProductionOrder.objects.filter(pk__in=one).update(status=Status.CANCELLED)
    figures["queries_per_allocation_by_bom_lines"] = queries
    figures["load_average_at_end"] = round(os.getloadavg()[0], 2)  # 1-minute: others' work skews the times
    return figures


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
