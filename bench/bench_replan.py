"""Re-planning 200 and 2,000 open production orders: production_replan's time and rows written
when nothing changed and when one order's priority changed, beside a full rewrite in the same run.

The orders: one demo suit is placed and released through the services (a real order line with
its BOM and routing snapshot, its production order and operations); it is then copied in bulk
(orders, lines, production orders, operations and their predecessor links) up to the count, all
planned and open. The plan starts from a first replan of the lot (every operation written).

- unchanged: production_replan() again; nothing moved, so only its PlanRun row is written.
- one priority: the middle order of the queue gets a higher priority (alternately 1 and 0, so
  every run changes something), then production_replan(): it writes the operations that moved
  (the raised order's, and those of every order it overtook).
- baseline, full rewrite: the competent simple alternative, the same read and the same scheduler
  (production.services.replan_schedule), then every operation's planned times and every order's
  planned finish written, as if nothing were compared: as production_replan writes, in one
  statement with an UPDATE from arrays per table and the PlanRun (full_rewrite_baseline), and with
  Django's bulk_update in batches of 500 (full_rewrite_bulk_update, what production_replan used
  before its UPDATE from arrays).

Every plan is made from the same `now` (the start of the run): a plan made later would move every
operation that could start within a shift, the time having moved on.

Rows written: operations and production orders updated, plus the PlanRun row (ours). Each case
runs RUNS times; times are medians. Prints JSON.

`--profile`: instead of the figures, where production_replan's time goes at the largest size, on
stderr: cProfile of an unchanged re-plan and of one after a priority change (top functions by own
time), each statement's time as the client saw it, and PostgreSQL's EXPLAIN ANALYZE of its reads.
"""

import cProfile
import io
import json
import pstats
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from common import setup_django

SIZES = (200, 2000)
RUNS = 5


def main(profile: bool = False) -> dict:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from orders.models import Order, OrderLine
    from orders.services import order_place, order_release
    from production import services as production_services
    from production.models import Operation, PlanRun, ProductionOrder
    from production.scheduling import from_us

    production_replan = production_services.production_replan

    NOW = timezone.now()  # every plan from the same moment: a later one would move what is in a shift
    customer, _ = get_user_model().objects.get_or_create(username="bench-replan")
    suit = {
        "fabric": "wool-navy", "jacket": "sb2", "lapel": "notch", "vents": "center", "lining": "navy",
        "with_trousers": True, "pleats": "flat", "height_cm": 180, "chest_cm": 100, "waist_cm": 86,
        "sleeve_cm": 64, "jacket_length_cm": 76, "inseam_cm": 82,
    }  # fmt: skip
    order, _ = order_place(
        customer=customer,
        lines=[{"product": "mtm-suit", "spec": suit, "quantity": 1}],
        idempotency_key=str(uuid.uuid4()),
    )
    order_release(order_id=order.pk)
    line = OrderLine.objects.get(order=order)
    template = ProductionOrder.objects.get(order_line=line)
    template_ops = list(template.operations.order_by("sequence"))
    template_links = [
        (link.from_operation_id, link.to_operation_id)
        for link in Operation.predecessors.through.objects.filter(from_operation__production_order=template)
    ]

    def grow_to(count: int) -> None:
        """Copy the template production order (with its order and line) until `count` are open."""
        have = ProductionOrder.objects.filter(status__in=ProductionOrder.OPEN_STATUSES).count()
        todo = count - have
        if todo <= 0:
            return
        tag = uuid.uuid4().hex[:6]
        with transaction.atomic():
            orders = Order.objects.bulk_create(
                Order(number=f"R{tag}{i:06d}", customer=customer, currency=order.currency, total=order.total)
                for i in range(todo)
            )
            lines = OrderLine.objects.bulk_create(
                OrderLine(
                    order=o, position=1, product_version_id=line.product_version_id, spec=line.spec,
                    quantity=line.quantity, unit_price=line.unit_price, bom=line.bom, routing=line.routing,
                    footprint=line.footprint,
                )
                for o in orders
            )  # fmt: skip
            pos = ProductionOrder.objects.bulk_create(
                ProductionOrder(
                    number=f"P{tag}{i:06d}", order_line=ol, product=template.product, quantity=template.quantity,
                    status=ProductionOrder.Status.PLANNED, promised_date=template.promised_date,
                )
                for i, ol in enumerate(lines)
            )  # fmt: skip
            ops = Operation.objects.bulk_create(
                Operation(
                    production_order=po, sequence=op.sequence, key=op.key, name=op.name,
                    work_center_id=op.work_center_id, setup_minutes=op.setup_minutes, run_minutes=op.run_minutes,
                    setup_family=op.setup_family,
                )
                for po in pos
                for op in template_ops
            )  # fmt: skip
            width = len(template_ops)
            index = {op.pk: i for i, op in enumerate(template_ops)}
            Through = Operation.predecessors.through
            Through.objects.bulk_create(
                Through(from_operation_id=ops[n * width + index[a]].pk, to_operation_id=ops[n * width + index[b]].pk)
                for n in range(len(pos))
                for a, b in template_links
            )

    def full_rewrite() -> int:
        """The baseline: production_replan's read and scheduler, then every row written, as
        production_replan writes the moved ones (one statement: an UPDATE from arrays per table,
        and the PlanRun)."""
        plan = production_services.replan_schedule(now=NOW)
        run = PlanRun(started_at=timezone.now(), orders=len(plan.orders), operations=len(plan.operations),
                      operations_moved=len(plan.operations))  # fmt: skip
        production_services._plan_times_write(operations=plan.operations, orders=plan.orders, run=run)
        return len(plan.operations) + len(plan.orders) + 1

    def full_rewrite_orm() -> int:
        """The same, written with Django's bulk_update in batches of 500 (CASE WHEN per batch)."""
        plan = production_services.replan_schedule(now=NOW)
        with transaction.atomic():
            Operation.objects.bulk_update(
                [Operation(pk=pk, planned_start=from_us(start), planned_end=from_us(end))
                 for pk, start, end in plan.operations],
                ["planned_start", "planned_end"],
                batch_size=500,
            )  # fmt: skip
            ProductionOrder.objects.bulk_update(
                [ProductionOrder(pk=pk, planned_finish=None if finish is None else from_us(finish))
                 for pk, finish in plan.orders],
                ["planned_finish"],
                batch_size=500,
            )  # fmt: skip
        return len(plan.operations) + len(plan.orders)

    def finishes() -> dict[int, Any]:
        return dict(
            ProductionOrder.objects.filter(status__in=ProductionOrder.OPEN_STATUSES).values_list("pk", "planned_finish")
        )

    def ours() -> tuple[int, int, float]:
        """production_replan(now=NOW); (rows written, statements, seconds of the call alone)."""
        before = finishes()
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            moved = production_replan(now=NOW)
            seconds = time.perf_counter() - t0
        after = finishes()
        pos_moved = sum(before[pk] != after[pk] for pk in after)
        return moved + pos_moved + 1, len(queries.captured_queries), seconds  # + its PlanRun row

    def measure(prepare: Callable[[int], None], run: Callable[[], Any]) -> dict[str, Any]:
        times, rows, statements = [], [], []
        for i in range(RUNS):
            prepare(i)
            t0 = time.perf_counter()
            result = run()
            times.append(time.perf_counter() - t0)
            if isinstance(result, tuple):
                rows.append(result[0])
                statements.append(result[1])
                times[-1] = result[2]
            else:
                rows.append(result)
        figures: dict[str, Any] = {
            "runs": RUNS,
            "median_s": round(statistics.median(times), 4),
            "min_s": round(min(times), 4),
            "rows_written": int(statistics.median(rows)),
        }
        if statements:
            figures["statements"] = int(statistics.median(statements))
        return figures

    def profiled(middle: int) -> None:
        """cProfile, statement times and EXPLAIN ANALYZE of production_replan, unchanged and after
        a priority change, on stderr."""
        out = sys.stderr
        for case, priority in (("unchanged", 0), ("one priority changed", 1)):
            ProductionOrder.objects.filter(pk=middle).update(priority=0)
            production_replan(now=NOW)
            ProductionOrder.objects.filter(pk=middle).update(priority=priority)
            profiler = cProfile.Profile()
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                profiler.runcall(production_replan, now=NOW)
                seconds = time.perf_counter() - t0
            out.write(f"\n===== {case}: {seconds:.3f} s under cProfile =====\n")
            stats = io.StringIO()
            pstats.Stats(profiler, stream=stats).sort_stats("tottime").print_stats(25)
            out.write(stats.getvalue())
            out.write("----- statements (client-side seconds) -----\n")
            for query in queries.captured_queries:
                out.write(f"{query['time']:>8}  {' '.join(query['sql'].split())[:160]}\n")
            out.write("----- EXPLAIN ANALYZE of the reads -----\n")
            with connection.cursor() as cursor:
                for query in queries.captured_queries:
                    if query["sql"].lstrip().upper().startswith("SELECT"):
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                        out.write(" ".join(query["sql"].split())[:160] + "\n")
                        out.write("\n".join(row[0] for row in cursor.fetchall()) + "\n\n")
        ProductionOrder.objects.filter(pk=middle).update(priority=0)
        production_replan(now=NOW)

    results: dict[str, Any] = {"benchmark": "replan", "now": NOW.isoformat(), "sizes": {}}
    for size in SIZES if not profile else SIZES[-1:]:
        grow_to(size)
        production_replan(now=NOW)  # the first plan: every operation gets its times
        queue = list(
            ProductionOrder.objects.filter(status__in=ProductionOrder.OPEN_STATUSES)
            .order_by("-priority", F("promised_date").asc(nulls_last=True), "created_at", "id")
            .values_list("pk", flat=True)
        )
        middle = queue[len(queue) // 2]
        operations = Operation.objects.filter(production_order__status__in=ProductionOrder.OPEN_STATUSES).count()
        if profile:
            profiled(middle)
            continue

        def nothing(i: int, middle: int = middle) -> None:
            ProductionOrder.objects.filter(pk=middle).update(priority=0)
            production_replan(now=NOW)  # settle, so that the timed run finds nothing to move

        def raise_one(i: int, middle: int = middle) -> None:
            ProductionOrder.objects.filter(pk=middle).update(priority=1 - i % 2)

        unchanged = measure(nothing, ours)
        one_priority = measure(raise_one, ours)
        baseline = measure(lambda i: None, full_rewrite)
        baseline_orm = measure(lambda i: None, full_rewrite_orm)
        ProductionOrder.objects.filter(pk=middle).update(priority=0)
        production_replan(now=NOW)
        results["sizes"][str(size)] = {
            "open_production_orders": len(queue),
            "operations": operations,
            "unchanged": unchanged,
            "one_priority_changed": one_priority,
            "full_rewrite_baseline": baseline,
            "full_rewrite_bulk_update": baseline_orm,
            "ratio_full_rewrite_to_unchanged": round(baseline["median_s"] / unchanged["median_s"], 2),
            "ratio_full_rewrite_to_one_priority": round(baseline["median_s"] / one_priority["median_s"], 2),
            "ratio_bulk_update_rewrite_to_unchanged": round(baseline_orm["median_s"] / unchanged["median_s"], 2),
        }
    results["plan_runs_recorded"] = PlanRun.objects.count()
    return results


if __name__ == "__main__":
    print(json.dumps(main(profile="--profile" in sys.argv[1:]), indent=2))
