"""Writes of production: creating production orders from order lines, reserving their material,
shop-floor actions, cancellation, re-allocation and re-planning.

Production may not import orders (dependencies point orders -> production -> inventory); it takes
order-line ids and plain snapshots, and tells orders what happened through production.signals.
"""

import gc
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from config.errors import DomainError, InvalidInput, InvalidTransition, NotFound
from config.transactions import retry_on_conflict
from inventory import services as stock
from outbox.services import outbox_enqueue
from production import signals
from production.allocation import Demand, allocate
from production.models import MaterialRequirement, Operation, PlanRun, ProductionOrder, WorkCenter
from production.scheduling import (
    earliest_instant,
    from_us,
    laid_out,
    place_operations,
    to_us,
)
from production.scheduling.calendar import US_PER_MINUTE
from production.selectors import LOAD_CACHE_KEY, calendar_of, operation_start_refusal

Status = ProductionOrder.Status
logger = logging.getLogger(__name__)


REPLAN_TASK = "production.replan"
PLAN_RUNS_KEPT_DAYS = 7
ALLOCATE_TASK = "production.allocate_material"


def replan_request() -> None:
    """Re-plan the queue after the caller's transaction commits. Requests coalesce: however many
    arrive, at most one re-plan waits while another runs (production.tasks.replan_task)."""
    outbox_enqueue(task=REPLAN_TASK, coalesce_key=REPLAN_TASK)


def allocation_request() -> None:
    """Give waiting production orders what stock there is, after the caller's transaction commits
    (coalesced like re-plans; the periodic sweep catches anything missed)."""
    outbox_enqueue(task=ALLOCATE_TASK, coalesce_key=ALLOCATE_TASK)


def production_order_number(order_line_id: int) -> str:
    """One production order per order line, so the line's id names it."""
    return f"PO-{order_line_id:06d}"


def material_lock(*, boms: Iterable[Sequence[Mapping[str, Any]]]) -> dict[int, Any]:
    """Lock the stock rows of every item these BOM snapshots use, in primary-key order, at once;
    returns them by id with their levels, for production_order_create to reserve from."""
    return stock.stock_levels_locked_by_sku(skus={line["item"] for bom in boms for line in bom})


def production_order_create(
    *,
    order_line_id: int,
    product: str,
    quantity: int,
    bom: Sequence[Mapping[str, Any]],
    routing: Sequence[Mapping[str, Any]],
    promised_date: Any = None,
    locked: Mapping[int, Any] | None = None,
) -> tuple[ProductionOrder, bool]:
    """Create the production order of an order line, with its operations and material, and try to
    reserve the material (all or nothing). Idempotent: returns (existing, False) if it exists.
    `locked`: material_lock's answer for this BOM in this transaction (else the items are locked
    here); the reservations made are added to its levels.

    Runs inside the caller's transaction, which must hold a lock on the order. The reservation is
    decided first, so each row is inserted as it ends: one INSERT per table, nothing updated after.
    """
    existing = ProductionOrder.objects.filter(order_line_id=order_line_id).first()
    if existing is not None:
        return existing, False
    if locked is None:
        locked = material_lock(boms=[bom])
    po = ProductionOrder(
        number=production_order_number(order_line_id),
        order_line_id=order_line_id,
        product=product,
        quantity=quantity,
        status=Status.AWAITING_MATERIAL,
        promised_date=promised_date,
    )
    requirements = _requirements(bom, quantity, locked)
    _reserve(po, requirements, locked)
    po.save(force_insert=True)
    _operations_create(po, routing, quantity)
    for req in requirements:
        req.production_order = po
    MaterialRequirement.objects.bulk_create(requirements)
    return po, True


def _operations_create(po: ProductionOrder, routing: Sequence[Mapping[str, Any]], quantity: int) -> None:
    codes = {op["work_center"] for op in routing}
    centers = {wc.code: wc for wc in WorkCenter.objects.filter(code__in=codes)}
    missing = codes - set(centers)
    if missing:
        raise DomainError(
            _("Unknown work centers: %(codes)s.") % {"codes": ", ".join(sorted(missing))}, code="unknown_work_center"
        )
    ops = Operation.objects.bulk_create(
        Operation(
            production_order=po,
            sequence=i,
            key=op["key"],
            name=op["name"],
            work_center=centers[op["work_center"]],
            setup_minutes=Decimal(op["setup_minutes"]),
            run_minutes=(Decimal(op["run_minutes"]) * quantity).quantize(Decimal("0.01")),
            setup_family=str(op.get("setup_family") or ""),
        )
        for i, op in enumerate(routing)
    )
    by_key = {op.key: op for op in ops}
    Through = Operation.predecessors.through
    Through.objects.bulk_create(
        Through(from_operation_id=by_key[spec["key"]].pk, to_operation_id=by_key[before].pk)
        for spec in routing
        for before in spec.get("after", ())
    )


def _requirements(
    bom: Sequence[Mapping[str, Any]], quantity: int, items: Mapping[int, Any]
) -> list[MaterialRequirement]:
    """The material rows of a BOM snapshot (unsaved, nothing reserved), its items found among the
    locked `items`; raises DomainError (unknown_item) when one is gone."""
    needed: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in bom:
        needed[(line["item"], line.get("operation") or "")] += Decimal(line["quantity"]) * quantity
    ids = {item.sku: pk for pk, item in items.items()}
    missing = {sku for sku, _ in needed} - set(ids)
    if missing:
        raise DomainError(_("Unknown items: %(skus)s.") % {"skus": ", ".join(sorted(missing))}, code="unknown_item")
    return [
        MaterialRequirement(item_id=ids[sku], operation_key=op_key, quantity=qty)
        for (sku, op_key), qty in sorted(needed.items())
        if qty > 0
    ]


def _starving_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=settings.ALLOCATION_EARMARK_AFTER_HOURS)


def _earmarked(item_ids: Iterable[int]) -> dict[int, Decimal]:
    """What starving waiting orders still lack of these items: stock newer orders may not take."""
    rows = (
        MaterialRequirement.objects.filter(
            item_id__in=list(item_ids),
            production_order__status=Status.AWAITING_MATERIAL,
            production_order__created_at__lt=_starving_cutoff(),
            reserved__lt=F("quantity"),
        )
        .values("item_id")
        .annotate(lacking=Sum(F("quantity") - F("reserved")))
    )
    return {row["item_id"]: row["lacking"] for row in rows}


def _reserve(po: ProductionOrder, requirements: Sequence[MaterialRequirement], items: Mapping[int, Any]) -> bool:
    """Reserve the material of a new production order (not yet inserted), all or nothing, leaving
    alone what starving orders are owed, from `items` locked by the caller (material_lock); True
    when it has it all, and then its rows say so (reserved, status planned) for their INSERT."""
    wanted: dict[int, Decimal] = defaultdict(Decimal)
    for req in requirements:
        wanted[req.item_id] += req.quantity
    if wanted:
        holdback = _earmarked(wanted)  # read under the items' locks
        if stock.stock_reserve(quantities=wanted, source=po.number, holdback=holdback, locked=items):
            return False
    for req in requirements:
        req.reserved = req.quantity
    po.status = Status.PLANNED  # new: none of its operations has started
    return True


@retry_on_conflict
def material_allocate_waiting(*, now: datetime | None = None) -> list[str]:
    """Give waiting production orders the material there is, in planning priority (priority, then
    the oldest promise, then placement time): all or nothing per order, except for items that
    allow partial reservation, and never taking what a starving order is owed (production.allocation).

    One transaction with a fixed number of queries however many orders and lines wait; running it
    twice, or again after it was killed, leaves the same state. Returns the orders served.
    """
    with transaction.atomic():
        ids = list(ProductionOrder.objects.filter(status=Status.AWAITING_MATERIAL).values_list("pk", flat=True))
        if not ids:
            return []
        pos = list(ProductionOrder.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        pos = [po for po in pos if po.status == Status.AWAITING_MATERIAL]
        requirements = list(
            MaterialRequirement.objects.filter(production_order__in=pos, reserved__lt=F("quantity")).order_by("pk")
        )
        items = stock.stock_levels_locked(item_ids=list({r.item_id for r in requirements}))
        needs: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for req in requirements:
            needs[req.production_order_id][req.item_id] += req.quantity - req.reserved
        cutoff = _starving_cutoff(now)
        pos.sort(key=lambda po: (-po.priority, po.promised_date or date.max, po.created_at, po.pk))
        plan = allocate(
            [Demand(po.pk, needs.get(po.pk, {}), starving=po.created_at < cutoff) for po in pos],
            {pk: item.available for pk, item in items.items()},
            partial_items=[pk for pk, item in items.items() if item.allow_partial],
        )
        by_pk = {po.pk: po for po in pos}
        stock.stock_reserve_lines(
            lines=[
                (item, qty, by_pk[po_id].number)
                for po_id, grants in plan.grants.items()
                for item, qty in grants.items()
            ]
        )
        served = set(plan.served)
        MaterialRequirement.objects.filter(production_order_id__in=served).update(reserved=F("quantity"))
        partly = [
            req for req in requirements
            if req.production_order_id not in served and plan.grants.get(req.production_order_id, {}).get(req.item_id)
        ]  # fmt: skip
        _spread_partial_grants(partly, plan.grants)
        started = set(
            Operation.objects.filter(production_order_id__in=served)
            .exclude(status=Operation.Status.PENDING)
            .values_list("production_order_id", flat=True)
        )
        ProductionOrder.objects.filter(pk__in=served - started).update(status=Status.PLANNED)
        ProductionOrder.objects.filter(pk__in=served & started).update(status=Status.IN_PROGRESS)
        if served:
            signals.material_allocated.send(
                sender=ProductionOrder, order_line_ids=[by_pk[pk].order_line_id for pk in plan.served]
            )
            replan_request()
        return [by_pk[pk].number for pk in plan.served]


def _spread_partial_grants(requirements: list[MaterialRequirement], grants: dict[Any, dict[Any, Decimal]]) -> None:
    """Give each partly served order's rows of an item what it was granted of that item, in order."""
    left = {po: dict(items) for po, items in grants.items()}
    for req in requirements:
        give = min(req.quantity - req.reserved, left[req.production_order_id][req.item_id])
        req.reserved += give
        left[req.production_order_id][req.item_id] -= give
    MaterialRequirement.objects.bulk_update(requirements, ["reserved"], batch_size=1000)


def _locked_operation(operation_id: int) -> tuple[Operation, ProductionOrder]:
    op = Operation.objects.filter(pk=operation_id).values("production_order_id").first()
    if op is None:
        raise NotFound(_("There is no such operation."))
    po = ProductionOrder.objects.select_for_update().get(pk=op["production_order_id"])
    operation = Operation.objects.select_related("work_center").get(pk=operation_id)
    return operation, po


@retry_on_conflict
@transaction.atomic
def operation_start(*, operation_id: int, user: Any) -> Operation:
    """Start an operation (and re-plan). Raises InvalidTransition (409) with code order_cancelled,
    already_started, material_missing or predecessors_open."""
    operation, po = _locked_operation(operation_id)
    refusal = operation_start_refusal(operation, po)
    if refusal is not None:
        code, message = refusal
        raise InvalidTransition(message, code=code)
    now = timezone.now()
    operation.status = Operation.Status.IN_PROGRESS
    operation.started_at = now
    operation.started_by = user if getattr(user, "is_authenticated", False) else None
    operation.save(update_fields=["status", "started_at", "started_by"])
    if po.status == Status.PLANNED:
        po.status = Status.IN_PROGRESS
        po.save(update_fields=["status"])
        signals.production_started.send(sender=ProductionOrder, order_line_id=po.order_line_id)
    replan_request()
    return operation


@retry_on_conflict
@transaction.atomic
def operation_finish(
    *, operation_id: int, user: Any, scrap_quantity: Decimal = Decimal("0"), scrap_item: str | None = None
) -> Operation:
    """Finish an operation in progress: backflush its material; the last one completes the
    production order (and, through production_order_done, the customer's order). Re-plans.

    Scrap reported at the operation (of `scrap_item`, by default the operation's main material)
    is taken from free stock; when stock cannot cover it, the operation goes back to pending to be
    redone and the production order waits for the replacement (awaiting_material, a shortage).
    Raises InvalidTransition (409, not_in_progress) and InvalidInput (bad scrap).
    """
    operation, po = _locked_operation(operation_id)
    if operation.status != Operation.Status.IN_PROGRESS or po.status == Status.CANCELLED:
        raise InvalidTransition(_("Only an operation in progress can be finished."), code="not_in_progress")
    source = f"{po.number}/{operation.key}"
    last = not po.operations.exclude(pk=operation.pk).exclude(status=Operation.Status.DONE).exists()
    # What this operation backflushes; the last one also takes what no operation names.
    to_consume = po.materials.filter(consumed__lt=F("reserved"))
    if not last:
        to_consume = to_consume.filter(operation_key=operation.key)
    rows = list(to_consume)
    scrapped_item = _scrap_item(po, operation, scrap_quantity, scrap_item) if scrap_quantity else None
    # Every item this finish may touch, locked once, in primary-key order, before any is changed.
    stock.stock_lock(item_ids=[r.item_id for r in rows] + ([scrapped_item] if scrapped_item else []))
    replan_request()
    if scrapped_item is not None:
        operation.scrap_quantity += scrap_quantity
        scrap_covered = stock.stock_scrap(item_id=scrapped_item, quantity=scrap_quantity, source=source, user=user)
        allocation_request()  # stock moved (or an order now waits): re-allocate, as a receipt does
        if not scrap_covered:
            _await_replacement(po, operation, scrapped_item, scrap_quantity)
            return operation
    now = timezone.now()
    operation.status = Operation.Status.DONE
    operation.finished_at = now
    operation.finished_by = user if getattr(user, "is_authenticated", False) else None
    operation.save(update_fields=["status", "finished_at", "finished_by", "scrap_quantity"])
    held: dict[int, Decimal] = defaultdict(Decimal)
    for requirement in rows:
        held[requirement.item_id] += requirement.reserved - requirement.consumed
    stock.stock_consume(quantities=held, source=source, user=user)
    MaterialRequirement.objects.filter(pk__in=[r.pk for r in rows]).update(consumed=F("reserved"))
    if last:
        po.status = Status.DONE
        po.completed_at = now
        po.save(update_fields=["status", "completed_at"])
        # The customer's order is locked after the items here; safe, because every other writer of
        # that order (cancel) takes this production order's lock first and waits on it.
        signals.production_order_done.send(sender=ProductionOrder, order_line_id=po.order_line_id)
    return operation


def _scrap_item(po: ProductionOrder, operation: Operation, quantity: Decimal, sku: str | None) -> int:
    """The item scrapped at an operation: the one named, or the operation's main material."""
    if quantity < 0:
        raise InvalidInput("scrap_quantity", _("Scrap cannot be negative."))
    rows = po.materials.filter(operation_key=operation.key).select_related("item").order_by("-quantity", "pk")
    if sku:
        rows = rows.filter(item__sku=sku)
    row = rows.first()
    if row is None:
        if sku:
            message = _("Operation %(operation)s uses no %(sku)s, so none can be scrapped.")
        else:
            message = _("Operation %(operation)s uses no material, so none can be scrapped.")
        raise InvalidInput("scrap_quantity", message % {"operation": operation.key, "sku": sku})
    if quantity != quantity.quantize(row.item.quantum):
        raise InvalidInput(
            "scrap_quantity",
            _("%(sku)s is counted in %(uom)s to %(quantum)s.")
            % {"sku": row.item.sku, "uom": row.item.uom, "quantum": row.item.quantum},
        )
    return row.item_id


def _await_replacement(po: ProductionOrder, operation: Operation, item_id: int, quantity: Decimal) -> None:
    """Scrap stock cannot cover: the operation is to be redone once the replacement is reserved."""
    requirement, created = MaterialRequirement.objects.get_or_create(
        production_order=po, item_id=item_id, operation_key=operation.key, kind=MaterialRequirement.Kind.SCRAP,
        defaults={"quantity": quantity},
    )  # fmt: skip
    if not created:
        MaterialRequirement.objects.filter(pk=requirement.pk).update(quantity=F("quantity") + quantity)
    operation.status = Operation.Status.PENDING
    operation.save(update_fields=["status", "scrap_quantity"])
    po.status = Status.AWAITING_MATERIAL
    po.save(update_fields=["status"])


def production_orders_lock(*, order_line_ids: Iterable[int]) -> set[int]:
    """Lock these lines' production orders (in pk order) and return their ids. Callers that also
    lock the customer's order take this lock first, as the shop-floor actions do."""
    return set(
        ProductionOrder.objects.select_for_update()
        .filter(order_line_id__in=list(order_line_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def production_order_ids(*, order_line_ids: Iterable[int]) -> set[int]:
    return set(ProductionOrder.objects.filter(order_line_id__in=list(order_line_ids)).values_list("pk", flat=True))


def production_orders_cancellable(*, order_line_ids: Iterable[int]) -> bool:
    """Whether none of these lines' production has started."""
    return (
        not Operation.objects.filter(
            production_order__order_line_id__in=list(order_line_ids),
        )
        .exclude(status=Operation.Status.PENDING)
        .exists()
    )


def production_orders_cancel(*, order_line_ids: Iterable[int]) -> int:
    """Cancel the production orders of these lines and give back their reserved material.

    Runs inside the caller's transaction (which holds the order's lock); locks every item of every
    production order at once, in primary-key order. Returns how many it cancelled.
    """
    pos = list(
        ProductionOrder.objects.select_for_update()
        .filter(order_line_id__in=list(order_line_ids))
        .exclude(status__in=[Status.CANCELLED, Status.DONE])
        .order_by("pk")
    )
    if not pos:
        return 0
    if Operation.objects.filter(production_order__in=pos).exclude(status=Operation.Status.PENDING).exists():
        raise InvalidTransition(_("Production has started."), code="not_cancellable")
    numbers = {po.pk: po.number for po in pos}
    requirements = MaterialRequirement.objects.filter(production_order__in=pos, reserved__gt=F("consumed"))
    stock.stock_unreserve_lines(
        lines=[(req.item_id, req.reserved - req.consumed, numbers[req.production_order_id]) for req in requirements]
    )
    MaterialRequirement.objects.filter(production_order__in=pos).update(reserved=F("consumed"))
    ProductionOrder.objects.filter(pk__in=list(numbers)).update(status=Status.CANCELLED)
    allocation_request()  # what they held may serve waiting orders; the allocation then re-plans
    return len(pos)


# An operation as the scheduler reads it (production.scheduling.OpRow, with integer ids).
QueueRow = tuple[int, int, int, str, int | None, int | None, Sequence[int]]


@dataclass
class Queue:
    """The open queue as the scheduler reads it: production orders in planning order with their
    stored planned finish, and their operations, each production order's in routing order, as
    the scheduler's rows (production.scheduling.OpRow) with their stored planned start and end.
    Instants are microseconds since the epoch."""

    orders: list[tuple[int, int | None]] = field(default_factory=list)
    operations: dict[int, list[QueueRow]] = field(default_factory=dict)
    planned: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)


# The open queue, read for the scheduler on PostgreSQL: every instant as whole microseconds since
# the epoch (EXTRACT gives numeric, so exactly), every duration as microseconds. The operations and
# links are found from the open orders' ids through their indexes (production_order_id; the links'
# unique (from, to), index-only), not by joining whole tables: an ARRAY(...) of ids leaves the
# planner no row count to prefer a scan by, so the read costs the same however many done orders
# the tables keep (a hash join scanned all of them: 55 and 65 ms instead of 26 and 19 at 18,000).
OPEN_ORDERS_SQL = """
SELECT id, (EXTRACT(EPOCH FROM planned_finish) * 1000000)::bigint
FROM production_productionorder WHERE status = ANY(%s)
ORDER BY priority DESC, promised_date ASC NULLS LAST, created_at, id"""
OPEN_OPERATIONS_SQL = """
SELECT o.id, o.production_order_id, o.work_center_id, ((o.setup_minutes + o.run_minutes) * 60000000)::bigint,
       o.status, (EXTRACT(EPOCH FROM o.started_at) * 1000000)::bigint,
       (EXTRACT(EPOCH FROM o.finished_at) * 1000000)::bigint, (EXTRACT(EPOCH FROM o.planned_start) * 1000000)::bigint,
       (EXTRACT(EPOCH FROM o.planned_end) * 1000000)::bigint
FROM production_operation o WHERE o.production_order_id = ANY(ARRAY(
    SELECT id FROM production_productionorder WHERE status = ANY(%s)
)) ORDER BY o.production_order_id, o.sequence, o.id"""
OPEN_PREDECESSORS_SQL = """
SELECT t.from_operation_id, t.to_operation_id FROM production_operation_predecessors t
WHERE t.from_operation_id = ANY(ARRAY(
    SELECT o.id FROM production_operation o WHERE o.production_order_id = ANY(ARRAY(
        SELECT id FROM production_productionorder WHERE status = ANY(%s)
    ))
))"""
# A plan's moved rows and its PlanRun in one statement (atomic without a transaction): each table's
# rows in one UPDATE from arrays of microseconds, and the runs older than PLAN_RUNS_KEPT_DAYS gone.
# The arrays travel as comma-separated text, one parameter each: psycopg adapts a list element by
# element in Python (35 ms for the 30,000 values of 10,000 moved operations, as profiled).
PLAN_WRITE_SQL = """
WITH expired AS (DELETE FROM production_planrun WHERE finished_at < %s),
moved_operations AS (
    UPDATE production_operation AS o
    SET planned_start = TIMESTAMPTZ 'epoch' + v.s * INTERVAL '1 microsecond',
        planned_end = TIMESTAMPTZ 'epoch' + v.e * INTERVAL '1 microsecond'
    FROM unnest(
        string_to_array(%s, ',')::bigint[], string_to_array(%s, ',')::bigint[], string_to_array(%s, ',')::bigint[]
    ) AS v(id, s, e)
    WHERE o.id = v.id
),
moved_orders AS (
    UPDATE production_productionorder AS p SET planned_finish = TIMESTAMPTZ 'epoch' + v.f * INTERVAL '1 microsecond'
    FROM unnest(string_to_array(%s, ',')::bigint[], string_to_array(%s, ',', '')::bigint[]) AS v(id, f)
    WHERE p.id = v.id
)
INSERT INTO production_planrun (started_at, finished_at, orders, operations, operations_moved)
VALUES (%s, %s, %s, %s, %s) RETURNING id"""


def _replan_read() -> Queue:
    """The open queue in three flat reads, every instant and duration an integer: no model
    instance, no datetime (on PostgreSQL the database converts; elsewhere, Python)."""
    if connection.vendor != "postgresql":
        return _replan_read_portable()
    open_statuses = list(ProductionOrder.OPEN_STATUSES)
    queue = Queue()
    with connection.cursor() as cursor:
        cursor.execute(OPEN_PREDECESSORS_SQL, [open_statuses])
        before: dict[int, list[int]] = defaultdict(list)
        for op_id, before_id in cursor.fetchall():
            before[op_id].append(before_id)
        cursor.execute(OPEN_ORDERS_SQL, [open_statuses])
        queue.orders = cursor.fetchall()
        cursor.execute(OPEN_OPERATIONS_SQL, [open_statuses])
        rows = cursor.fetchall()
    _queue_operations(queue, rows, before)
    return queue


def _replan_read_portable() -> Queue:
    """_replan_read through the ORM, the instants converted in Python (SQLite, the demo's)."""
    open_statuses = ProductionOrder.OPEN_STATUSES
    before: dict[int, list[int]] = defaultdict(list)
    for op_id, before_id in Operation.predecessors.through.objects.filter(
        from_operation__production_order__status__in=open_statuses
    ).values_list("from_operation_id", "to_operation_id"):
        before[op_id].append(before_id)
    us = _us_or_none
    queue = Queue()
    queue.orders = [
        (pk, us(finish))
        for pk, finish in ProductionOrder.objects.filter(status__in=open_statuses)
        .order_by("-priority", F("promised_date").asc(nulls_last=True), "created_at", "id")
        .values_list("pk", "planned_finish")
    ]
    rows = [
        (op_id, po_id, wc_id, int((setup + run) * US_PER_MINUTE), status, us(started), us(finished), us(ps), us(pe))
        for op_id, po_id, wc_id, setup, run, status, started, finished, ps, pe in (
            Operation.objects.filter(production_order__status__in=open_statuses)
            .order_by("production_order_id", "sequence", "id")
            .values_list("pk", "production_order_id", "work_center_id", "setup_minutes", "run_minutes", "status",
                         "started_at", "finished_at", "planned_start", "planned_end")
        )
    ]  # fmt: skip
    _queue_operations(queue, rows, before)
    return queue


def _us_or_none(moment: datetime | None) -> int | None:
    return None if moment is None else to_us(moment)


def _queue_operations(queue: Queue, rows: Iterable[Sequence[Any]], before: Mapping[int, list[int]]) -> None:
    no_predecessors: tuple[int, ...] = ()
    operations = queue.operations
    for op_id, po_id, wc_id, duration, status, started, finished, planned_start, planned_end in rows:
        ops = operations.get(po_id)
        if ops is None:
            ops = operations[po_id] = []
        ops.append((op_id, wc_id, duration, status, started, finished, before.get(op_id, no_predecessors)))
        queue.planned[op_id] = (planned_start, planned_end)


@dataclass
class Plan:
    """The scheduler's plan of the open queue, unwritten: every operation's (id, start, end) and
    every production order's (id, planned finish or None), with which of them moved from what is
    stored. Instants are microseconds since the epoch."""

    operations: list[tuple[int, int, int]]
    orders: list[tuple[int, int | None]]
    moved_operations: list[tuple[int, int, int]]
    moved_orders: list[tuple[int, int | None]]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector while the queue's ~200,000 tuples and integers are
    made (at 2,000 open orders): they hold no cycle, and a full collection they would trigger
    walks every object of the process (60 to 90 ms of a 250 ms re-plan, as profiled)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def replan_schedule(*, now: datetime) -> Plan:
    """Plan every open production order from `now` (production.scheduling.place_operations)."""
    with _collector_paused():
        return _replan_schedule(now)


def _replan_schedule(now: datetime) -> Plan:
    centers = list(WorkCenter.objects.only("capacity", "shift_start", "minutes_per_day"))
    queue = _replan_read()
    rows = [row for po_id, _ in queue.orders for row in queue.operations.get(po_id, ())]
    now_us = to_us(now)
    windows = laid_out({wc.pk: calendar_of(wc) for wc in centers}, earliest_instant(now_us, rows))
    starts, ends = place_operations(
        rows, windows=windows, capacities={wc.pk: wc.capacity for wc in centers}, now=now_us
    )
    operations = [(row[0], start, end) for row, start, end in zip(rows, starts, ends, strict=True)]
    planned = queue.planned
    moved_operations = [op for op in operations if planned[op[0]] != (op[1], op[2])]
    orders: list[tuple[int, int | None]] = []
    moved_orders: list[tuple[int, int | None]] = []
    placed = iter(ends)
    for po_id, stored_finish in queue.orders:
        count = len(queue.operations.get(po_id, ()))
        finish = max(islice(placed, count)) if count else None
        orders.append((po_id, finish))
        if finish != stored_finish:
            moved_orders.append((po_id, finish))
    return Plan(operations=operations, orders=orders, moved_operations=moved_operations, moved_orders=moved_orders)


def _plan_times_write(
    *,
    operations: Sequence[tuple[int, int, int]],
    orders: Sequence[tuple[int, int | None]],
    run: PlanRun,
) -> None:
    """Write operations' planned (start, end), production orders' planned finish and the PlanRun
    record, and forget the runs older than PLAN_RUNS_KEPT_DAYS. On PostgreSQL one statement
    (each table's rows in one UPDATE from arrays, atomic without a transaction); elsewhere, the
    demo's SQLite, bulk_update's batches in a transaction."""
    if connection.vendor != "postgresql":
        _plan_times_write_portable(operations=operations, orders=orders, run=run)
        return
    expired = run.started_at - timedelta(days=PLAN_RUNS_KEPT_DAYS)
    run.finished_at = timezone.now()
    op_ids, starts, ends = zip(*operations, strict=True) if operations else ((), (), ())
    po_ids, finishes = zip(*orders, strict=True) if orders else ((), ())
    with connection.cursor() as cursor:
        cursor.execute(
            PLAN_WRITE_SQL,
            [expired, _csv(op_ids), _csv(starts), _csv(ends), _csv(po_ids), _csv(finishes),
             run.started_at, run.finished_at, run.orders, run.operations, run.operations_moved],
        )  # fmt: skip
        run.pk = cursor.fetchone()[0]


def _plan_times_write_portable(
    *,
    operations: Sequence[tuple[int, int, int]],
    orders: Sequence[tuple[int, int | None]],
    run: PlanRun,
) -> None:
    """_plan_times_write through the ORM, in a transaction (SQLite, the demo's)."""
    with transaction.atomic():
        Operation.objects.bulk_update(
            [Operation(pk=pk, planned_start=from_us(s), planned_end=from_us(e)) for pk, s, e in operations],
            ["planned_start", "planned_end"],
            batch_size=500,
        )
        ProductionOrder.objects.bulk_update(
            [ProductionOrder(pk=pk, planned_finish=_dt_or_none(finish)) for pk, finish in orders],
            ["planned_finish"],
            batch_size=500,
        )
        run.save()
        PlanRun.objects.filter(finished_at__lt=run.started_at - timedelta(days=PLAN_RUNS_KEPT_DAYS)).delete()


def _csv(values: Sequence[int | None]) -> str:
    """Integers as PLAN_WRITE_SQL's comma-separated arrays (None as an empty item: NULL)."""
    if None in values:
        return ",".join("" if v is None else str(v) for v in values)
    return ",".join(map(str, values))


def _dt_or_none(us: int | None) -> datetime | None:
    return None if us is None else from_us(us)


@retry_on_conflict
def production_replan(*, now: datetime | None = None) -> int:
    """Re-run the scheduler over every open production order and write only the operations whose
    planned times moved (in bulk); records the run (PlanRun). Returns the operations it moved."""
    started = timezone.now()
    plan = replan_schedule(now=now or started)
    run = PlanRun(
        started_at=started,
        orders=len(plan.orders),
        operations=len(plan.operations),
        operations_moved=len(plan.moved_operations),
    )
    _plan_times_write(operations=plan.moved_operations, orders=plan.moved_orders, run=run)
    cache.delete(LOAD_CACHE_KEY)
    return len(plan.moved_operations)


# A production order's status as a refusal names it in a sentence.
STATUS_WORDS: dict[str, Any] = {
    Status.AWAITING_MATERIAL: pgettext_lazy("status in a sentence", "awaiting material"),
    Status.PLANNED: pgettext_lazy("status in a sentence", "planned"),
    Status.IN_PROGRESS: pgettext_lazy("status in a sentence", "in progress"),
    Status.DONE: pgettext_lazy("status in a sentence", "done"),
    Status.CANCELLED: pgettext_lazy("status in a sentence", "cancelled"),
}
PRIORITY_MIN, PRIORITY_MAX = -32768, 32767  # what ProductionOrder.priority (smallint) holds


@retry_on_conflict
def production_order_set_priority(*, number: str, priority: int, user: Any) -> ProductionOrder:
    """Give an open production order a new priority, then re-allocate waiting material and re-plan
    the queue after commit (higher goes first in both).

    Raises NotFound, InvalidInput (priority out of range) and InvalidTransition (409, not_open).
    """
    if isinstance(priority, bool) or not isinstance(priority, int) or not PRIORITY_MIN <= priority <= PRIORITY_MAX:
        raise InvalidInput(
            "priority",
            _("Priority is a whole number from %(low)s to %(high)s.") % {"low": PRIORITY_MIN, "high": PRIORITY_MAX},
        )
    with transaction.atomic():
        po = ProductionOrder.objects.select_for_update().filter(number=number).first()
        if po is None:
            raise NotFound(_("There is no such production order."))
        if po.status not in ProductionOrder.OPEN_STATUSES:
            raise InvalidTransition(
                _("%(number)s is %(status)s; only an open order can change priority.")
                % {"number": po.number, "status": STATUS_WORDS[po.status]},
                code="not_open",
            )
        if po.priority == priority:
            return po
        before, po.priority = po.priority, priority
        po.save(update_fields=["priority"])
        logger.info(
            "%s priority %s -> %s by %s", po.number, before, priority, getattr(user, "username", None) or "system"
        )
        allocation_request()  # serves waiting orders in the new priority order
        replan_request()  # the queue's sequence changed even if no material moved
    return po
