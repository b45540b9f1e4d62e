"""production_replan plans exactly what the replan before it (tests/production/old_scheduler.py)
planned, on a varied queue: two products, priorities and promises, operations done and in
progress, an order waiting for material, stations in parallel, a night shift and a
round-the-clock work center, an order with no operation; and when nothing moved it writes nothing
but its PlanRun. What moved is updated in place: heap-only updates, no index touched."""

from datetime import time, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.services import order_place, order_release
from production import services
from production.models import Operation, PlanRun, ProductionOrder, WorkCenter
from production.services import operation_finish, operation_start, production_replan
from tests.factories import cabinet_spec, suit_spec
from tests.production.old_scheduler import replan_oracle
from tests.production.test_query_counts_replan import long_routing_orders

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def varied_queue(customer, operator):
    """Eight suits and four cabinets released; priorities, promises and statuses varied."""
    pos = []
    for i in range(12):
        line = {"product": "mtm-suit", "spec": suit_spec(), "quantity": 1 + i % 2}
        if i % 3 == 2:
            line = {"product": "custom-cabinet", "spec": cabinet_spec(), "quantity": 1}
        order, _ = order_place(customer=customer, lines=[line], idempotency_key=None)
        order_release(order_id=order.pk)
        pos.append(ProductionOrder.objects.get(order_line__order=order))
    today = timezone.localdate()
    for i, po in enumerate(pos):
        ProductionOrder.objects.filter(pk=po.pk).update(
            priority=(i * 7) % 3 - 1, promised_date=None if i % 4 == 0 else today + timedelta(days=(i * 5) % 9)
        )
    first_ops = [po.operations.order_by("sequence").first() for po in pos]
    for op in first_ops[:4]:
        operation_start(operation_id=op.pk, user=operator)
    for op in first_ops[:2]:
        operation_finish(operation_id=op.pk, user=operator)
    ProductionOrder.objects.filter(pk=pos[-1].pk).update(status=ProductionOrder.Status.AWAITING_MATERIAL)
    # one with a planned finish but no operation left: its finish is to be cleared
    Operation.objects.filter(production_order=pos[7]).delete()
    ProductionOrder.objects.filter(pk=pos[7].pk).update(planned_finish=timezone.now())
    centers = WorkCenter.objects.filter(operations__production_order__in=pos).distinct().order_by("code")
    night, always, parallel = list(centers)[:3]
    WorkCenter.objects.filter(pk=night.pk).update(shift_start=time(22, 0), minutes_per_day=480)
    WorkCenter.objects.filter(pk=always.pk).update(shift_start=time(0, 0), minutes_per_day=1440)
    WorkCenter.objects.filter(pk=parallel.pk).update(capacity=2)
    return pos


def stored() -> tuple[dict[int, tuple], dict[int, object]]:
    open_ops = Operation.objects.filter(production_order__status__in=ProductionOrder.OPEN_STATUSES)
    open_pos = ProductionOrder.objects.filter(status__in=ProductionOrder.OPEN_STATUSES)
    return (
        {pk: (start, end) for pk, start, end in open_ops.values_list("pk", "planned_start", "planned_end")},
        dict(open_pos.values_list("pk", "planned_finish")),
    )


@pytest.mark.parametrize("days, minutes", [(0, 0), (2, 17), (5, 601), (-1, 333)])
def test_the_replan_plans_what_the_old_replan_planned(varied_queue, days, minutes):
    # given a varied queue and a moment (with microseconds) from which to plan it
    now = timezone.now() + timedelta(days=days, minutes=minutes, microseconds=123)
    expected_operations, expected_orders = replan_oracle(now=now)
    # when it is re-planned
    moved = production_replan(now=now)
    # then every open operation and production order has the old replan's times
    operations, orders = stored()
    assert operations == expected_operations
    assert orders == expected_orders and orders[varied_queue[7].pk] is None
    assert moved == PlanRun.objects.latest("finished_at").operations_moved > 0


def test_nothing_moved_writes_nothing_but_the_plan_run(varied_queue):
    # given a planned queue
    now = timezone.now()
    production_replan(now=now)
    before = stored()
    # when it is planned again from the same moment
    with CaptureQueriesContext(connection) as ctx:
        moved = production_replan(now=now)
    # then nothing moved, and only the PlanRun was written
    assert moved == 0 and stored() == before
    writes = [q["sql"] for q in ctx.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(writes) == 1 and "INSERT INTO production_planrun" in writes[0]
    assert PlanRun.objects.latest("finished_at").operations_moved == 0


def test_the_portable_write_writes_what_the_postgresql_write_writes(varied_queue):
    # given a varied queue and what the old replan would plan for it
    now = timezone.now() + timedelta(days=1, minutes=5)
    expected = replan_oracle(now=now)
    # when its plan is written through the ORM (as on SQLite)
    plan = services.replan_schedule(now=now)
    run = PlanRun(started_at=timezone.now(), orders=0, operations=0, operations_moved=len(plan.moved_operations))
    services._plan_times_write_portable(operations=plan.moved_operations, orders=plan.moved_orders, run=run)
    # then the stored times are the same, and the run is recorded
    assert stored() == expected
    assert PlanRun.objects.latest("finished_at").operations_moved == len(plan.moved_operations) > 0


def test_the_portable_read_reads_what_the_postgresql_read_reads(varied_queue):
    # given a planned queue
    production_replan(now=timezone.now() + timedelta(hours=3))
    # when read through the ORM (as on SQLite) and through PostgreSQL's integer read
    # then both give the same orders, operations, instants and durations
    assert services._replan_read_portable() == services._replan_read()


def updates_of(table: str) -> tuple[int, int]:
    """This transaction's (updates, heap-only updates) of a table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_moved_operations_are_updated_in_place():
    # given 40 orders of 30 steps, the last of which goes to the front of the queue and back
    # again, re-planned each time (and committed, as every re-plan is), so that all move each time
    long_routing_orders(40)
    now = timezone.now()
    last = ProductionOrder.objects.filter(product="long-routing").order_by("-pk").first()
    for priority in (0, 1, 0, 1):
        ProductionOrder.objects.filter(pk=last.pk).update(priority=priority)
        production_replan(now=now)
    # when it goes back once more
    ProductionOrder.objects.filter(pk=last.pk).update(priority=0)
    with transaction.atomic():
        before = updates_of("production_operation")
        moved = production_replan(now=now)
        after = updates_of("production_operation")
    # then nearly every operation's new version stayed on its page (a heap-only update, no index
    # entry), as the pages' free room allows (migration 0004, fillfactor 70; at 100, few do)
    updates, heap_only = (a - b for a, b in zip(after, before, strict=True))
    assert updates == moved == 1200
    assert heap_only >= 0.9 * updates
