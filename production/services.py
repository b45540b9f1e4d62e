"""Writes of production: creating production orders from order lines, reserving their material,
shop-floor actions, cancellation, re-allocation and re-planning.

Production may not import orders (dependencies point orders -> production -> inventory); it takes
order-line ids and plain snapshots, and tells orders what happened through production.signals.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from config.errors import DomainError, InvalidInput, InvalidTransition, NotFound
from inventory import services as stock
from inventory.selectors import item_ids_by_sku
from production import signals
from production.models import MaterialRequirement, Operation, ProductionOrder, WorkCenter
from production.scheduling import Job, Op, schedule_forward
from production.selectors import LOAD_CACHE_KEY, calendar_of, ship_date_after

Status = ProductionOrder.Status


def production_order_number(order_line_id: int) -> str:
    """One production order per order line, so the line's id names it."""
    return f"PO-{order_line_id:06d}"


def material_lock(*, boms: Iterable[Sequence[Mapping[str, Any]]]) -> None:
    """Lock the stock rows of every item these BOM snapshots use, in primary-key order, at once."""
    skus = {line["item"] for bom in boms for line in bom}
    stock.stock_lock(item_ids=list(item_ids_by_sku(skus).values()))


def production_order_create(
    *,
    order_line_id: int,
    product: str,
    quantity: int,
    bom: Sequence[Mapping[str, Any]],
    routing: Sequence[Mapping[str, Any]],
    promised_date: Any = None,
) -> tuple[ProductionOrder, bool]:
    """Create the production order of an order line, with its operations and material, and try to
    reserve the material (all or nothing). Idempotent: returns (existing, False) if it exists.

    Runs inside the caller's transaction, which must hold a lock on the order.
    """
    existing = ProductionOrder.objects.filter(order_line_id=order_line_id).first()
    if existing is not None:
        return existing, False
    po = ProductionOrder.objects.create(
        number=production_order_number(order_line_id),
        order_line_id=order_line_id,
        product=product,
        quantity=quantity,
        status=Status.AWAITING_MATERIAL,
        promised_date=promised_date,
    )
    _operations_create(po, routing, quantity)
    requirements = _requirements_create(po, bom, quantity)
    _reserve(po, requirements)
    return po, True


def _operations_create(po: ProductionOrder, routing: Sequence[Mapping[str, Any]], quantity: int) -> None:
    codes = {op["work_center"] for op in routing}
    centers = {wc.code: wc for wc in WorkCenter.objects.filter(code__in=codes)}
    missing = codes - set(centers)
    if missing:
        raise DomainError(f"Unknown work centers: {', '.join(sorted(missing))}.", code="unknown_work_center")
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


def _requirements_create(
    po: ProductionOrder, bom: Sequence[Mapping[str, Any]], quantity: int
) -> list[MaterialRequirement]:
    needed: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in bom:
        needed[(line["item"], line.get("operation") or "")] += Decimal(line["quantity"]) * quantity
    ids = item_ids_by_sku({sku for sku, _ in needed})
    missing = {sku for sku, _ in needed} - set(ids)
    if missing:
        raise DomainError(f"Unknown items: {', '.join(sorted(missing))}.", code="unknown_item")
    return MaterialRequirement.objects.bulk_create(
        MaterialRequirement(production_order=po, item_id=ids[sku], operation_key=op_key, quantity=qty)
        for (sku, op_key), qty in sorted(needed.items())
        if qty > 0
    )


def _reserve(po: ProductionOrder, requirements: Iterable[MaterialRequirement]) -> bool:
    """Reserve what the production order still lacks, all or nothing; True when it has it all."""
    outstanding: dict[int, Decimal] = defaultdict(Decimal)
    for req in requirements:
        outstanding[req.item_id] += req.quantity - req.reserved
    short = stock.stock_reserve(quantities=outstanding, source=po.number)
    if short:
        return False
    MaterialRequirement.objects.filter(production_order=po).update(reserved=F("quantity"))
    ProductionOrder.objects.filter(pk=po.pk).update(status=Status.PLANNED)
    po.status = Status.PLANNED
    return True


def material_allocate_waiting() -> list[str]:
    """Give waiting production orders their material in planning priority (priority, then the
    oldest promise, then placement time); returns those served.

    Each production order is served in its own transaction, all or nothing; safe to run twice.
    """
    served = []
    waiting = (
        ProductionOrder.objects.filter(status=Status.AWAITING_MATERIAL)
        .order_by(F("promised_date").asc(nulls_last=True), "created_at", "id")
        .values_list("pk", flat=True)
    )
    for po_id in list(waiting):
        with transaction.atomic():
            po = ProductionOrder.objects.select_for_update().get(pk=po_id)
            if po.status != Status.AWAITING_MATERIAL:
                continue
            if _reserve(po, po.materials.all()):
                served.append(po.number)
                signals.material_allocated.send(sender=ProductionOrder, order_line_id=po.order_line_id)
    return served


def _locked_operation(operation_id: int) -> tuple[Operation, ProductionOrder]:
    op = Operation.objects.filter(pk=operation_id).values("production_order_id").first()
    if op is None:
        raise NotFound("There is no such operation.")
    po = ProductionOrder.objects.select_for_update().get(pk=op["production_order_id"])
    operation = Operation.objects.select_related("work_center").get(pk=operation_id)
    return operation, po


@transaction.atomic
def operation_start(*, operation_id: int, user: Any) -> Operation:
    """Start an operation. Raises InvalidTransition (409) with code order_cancelled,
    already_started, material_missing or predecessors_open."""
    operation, po = _locked_operation(operation_id)
    if po.status == Status.CANCELLED:
        raise InvalidTransition("The order of this operation was cancelled.", code="order_cancelled")
    if operation.status != Operation.Status.PENDING:
        raise InvalidTransition("This operation has already been started.", code="already_started")
    if po.status == Status.AWAITING_MATERIAL:
        raise InvalidTransition("The material for this order is not all reserved yet.", code="material_missing")
    open_before = list(operation.predecessors.exclude(status=Operation.Status.DONE).values_list("key", flat=True))
    if open_before:
        raise InvalidTransition(f"Finish {', '.join(sorted(open_before))} first.", code="predecessors_open")
    now = timezone.now()
    operation.status = Operation.Status.IN_PROGRESS
    operation.started_at = now
    operation.started_by = user if getattr(user, "is_authenticated", False) else None
    operation.save(update_fields=["status", "started_at", "started_by"])
    if po.status == Status.PLANNED:
        po.status = Status.IN_PROGRESS
        po.save(update_fields=["status"])
        signals.production_started.send(sender=ProductionOrder, order_line_id=po.order_line_id)
    return operation


@transaction.atomic
def operation_finish(*, operation_id: int, user: Any, scrap_quantity: Decimal = Decimal("0")) -> Operation:
    """Finish an operation in progress: backflush its material; the last one completes the
    production order (and, through production_order_done, the customer's order).
    Raises InvalidTransition (409, not_in_progress)."""
    operation, po = _locked_operation(operation_id)
    if operation.status != Operation.Status.IN_PROGRESS or po.status == Status.CANCELLED:
        raise InvalidTransition("Only an operation in progress can be finished.", code="not_in_progress")
    if scrap_quantity < 0:
        raise InvalidInput("scrap_quantity", "Scrap cannot be negative.")
    now = timezone.now()
    operation.status = Operation.Status.DONE
    operation.finished_at = now
    operation.finished_by = user if getattr(user, "is_authenticated", False) else None
    operation.scrap_quantity = scrap_quantity
    operation.save(update_fields=["status", "finished_at", "finished_by", "scrap_quantity"])
    last = not po.operations.exclude(status=Operation.Status.DONE).exists()
    if last:
        po.status = Status.DONE
        po.completed_at = now
        po.save(update_fields=["status", "completed_at"])
        # The customer's order is locked before any item (the lock order of docs/ARCHITECTURE.md).
        signals.production_order_done.send(sender=ProductionOrder, order_line_id=po.order_line_id)
    # Backflush this operation's material; the last operation also takes what no operation names.
    consumed = po.materials.filter(consumed__lt=F("reserved"))
    if not last:
        consumed = consumed.filter(operation_key=operation.key)
    held: dict[int, Decimal] = defaultdict(Decimal)
    for requirement in consumed:
        held[requirement.item_id] += requirement.reserved - requirement.consumed
    stock.stock_consume(quantities=held, source=f"{po.number}/{operation.key}", user=user)
    consumed.update(consumed=F("reserved"))
    return operation


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

    Runs inside the caller's transaction (which holds the order's lock); returns how many it cancelled.
    """
    pos = list(
        ProductionOrder.objects.select_for_update()
        .filter(order_line_id__in=list(order_line_ids))
        .exclude(status__in=[Status.CANCELLED, Status.DONE])
        .order_by("pk")
    )
    for po in pos:
        if po.operations.exclude(status=Operation.Status.PENDING).exists():
            raise InvalidTransition("Production has started.", code="not_cancellable")
        held: dict[int, Decimal] = defaultdict(Decimal)
        for req in po.materials.all():
            held[req.item_id] += req.reserved - req.consumed
        stock.stock_unreserve(quantities=held, source=po.number)
        po.materials.update(reserved=F("consumed"))
        po.status = Status.CANCELLED
        po.save(update_fields=["status"])
    return len(pos)


def production_replan(*, now: datetime | None = None) -> int:
    """Re-run the scheduler over every open production order; returns the operations placed."""
    now = now or timezone.now()
    centers = {wc.pk: wc for wc in WorkCenter.objects.all()}
    pos = list(
        ProductionOrder.objects.filter(status__in=ProductionOrder.OPEN_STATUSES)
        .prefetch_related(
            Prefetch("operations", queryset=Operation.objects.prefetch_related("predecessors").order_by("sequence"))
        )
        .order_by("-priority", F("promised_date").asc(nulls_last=True), "created_at", "id")
    )
    jobs = [
        Job(
            id=po.pk,
            ops=[
                Op(
                    id=op.pk,
                    work_center=op.work_center_id,
                    minutes=float(op.duration_minutes),
                    predecessors=tuple(p.pk for p in op.predecessors.all()),
                    status=op.status,
                    started_at=op.started_at,
                    finished_at=op.finished_at,
                )
                for op in po.operations.all()
            ],
        )
        for po in pos
    ]
    placed = schedule_forward(
        jobs,
        calendars={pk: calendar_of(wc) for pk, wc in centers.items()},
        capacities={pk: wc.capacity for pk, wc in centers.items()},
        now=now,
    )
    changed_ops = []
    for po in pos:
        for op in po.operations.all():
            p = placed[op.pk]
            op.planned_start, op.planned_end = p.start, p.end
            changed_ops.append(op)
        ends = [placed[op.pk].end for op in po.operations.all()]
        po.planned_finish = max(ends) if ends else None
    with transaction.atomic():
        Operation.objects.bulk_update(changed_ops, ["planned_start", "planned_end"], batch_size=500)
        ProductionOrder.objects.bulk_update(pos, ["planned_finish"], batch_size=500)
    cache.delete(LOAD_CACHE_KEY)
    return len(changed_ops)


def promised_date_for(po: ProductionOrder) -> Any:
    """The ship date the current plan gives this production order (None when it has no plan)."""
    return ship_date_after(po.planned_finish) if po.planned_finish else None
