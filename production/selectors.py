"""Reads of the shop floor: the queue, work-center load, and ship-date estimates."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bom.selectors import routing_names
from config.errors import NotFound
from inventory.models import Item, PurchaseOrder
from production.models import MaterialRequirement, Operation, ProductionOrder, WorkCenter
from production.scheduling import Job, Op, ShiftCalendar, schedule_forward

LOAD_CACHE_KEY = "production:work-center-free-at"
LOAD_CACHE_SECONDS = 30


def factory_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def calendar_of(work_center: WorkCenter) -> ShiftCalendar:
    return ShiftCalendar(
        tz=factory_tz(), shift_start=work_center.shift_start, minutes_per_day=work_center.minutes_per_day
    )


def work_center_facts(codes: Any) -> dict[str, dict[str, Any]]:
    """What the catalog needs to know of work centers (registered with bom.ports)."""
    return {
        wc.code: {"name": wc.name, "power_kw": str(wc.power_kw)}
        for wc in WorkCenter.objects.filter(code__in=list(codes))
    }


def queue_list() -> QuerySet[ProductionOrder]:
    """Open production orders in planned sequence, with the operations needed to show the next one."""
    return (
        ProductionOrder.objects.filter(status__in=ProductionOrder.OPEN_STATUSES)
        .select_related("order_line__order", "order_line__product_version__product")
        .prefetch_related(
            Prefetch("operations", queryset=Operation.objects.select_related("work_center").order_by("sequence"))
        )
        .order_by("-priority", "promised_date", "created_at", "id")
    )


def next_operation(po: ProductionOrder) -> Operation | None:
    """The first operation not done, in routing order (uses the prefetched operations)."""
    return next((op for op in po.operations.all() if op.status != Operation.Status.DONE), None)


def work_center_list() -> QuerySet[WorkCenter]:
    open_ops = Q(
        operations__status__in=[Operation.Status.PENDING, Operation.Status.IN_PROGRESS],
        operations__production_order__status__in=ProductionOrder.OPEN_STATUSES,
    )
    return (
        WorkCenter.objects.annotate(
            open_operations=Count("operations", filter=open_ops),
            open_minutes=Sum("operations__run_minutes", filter=open_ops, default=Decimal(0))
            + Sum("operations__setup_minutes", filter=open_ops, default=Decimal(0)),
        )
        .annotate(days_of_work=F("open_minutes") / (F("capacity") * F("minutes_per_day")))
        .order_by("code")
    )


def work_center_loads(work_centers: Sequence[WorkCenter], *, days: int = 10) -> dict[int, list[dict[str, Any]]]:
    """Planned minutes per working day for the next `days` working days, against what each work
    center's stations have; one query for all of them."""
    tz = factory_tz()
    per_day: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    rows = Operation.objects.filter(
        work_center__in=list(work_centers),
        status__in=[Operation.Status.PENDING, Operation.Status.IN_PROGRESS],
        production_order__status__in=ProductionOrder.OPEN_STATUSES,
        planned_start__isnull=False,
    ).values_list("work_center_id", "planned_start", "setup_minutes", "run_minutes")
    for wc_id, start, setup, run in rows:
        if start is not None:  # filtered above; the type does not know
            per_day[(wc_id, start.astimezone(tz).date())] += setup + run
    loads: dict[int, list[dict[str, Any]]] = {}
    for wc in work_centers:
        cal = calendar_of(wc)
        day = timezone.now().astimezone(tz).date()
        load: list[dict[str, Any]] = []
        while len(load) < days:
            if day.weekday() in cal.workdays:
                load.append({
                    "date": day.isoformat(),
                    "planned_minutes": str(per_day.get((wc.pk, day), Decimal(0))),
                    "available_minutes": str(wc.capacity * wc.minutes_per_day),
                })  # fmt: skip
            day += timedelta(days=1)
        loads[wc.pk] = load
    return loads


def work_center_operations(work_center: WorkCenter) -> QuerySet[Operation]:
    """A station's open operations, in planned order."""
    return (
        Operation.objects.filter(
            work_center=work_center,
            status__in=[Operation.Status.PENDING, Operation.Status.IN_PROGRESS],
            production_order__status__in=ProductionOrder.OPEN_STATUSES,
        )
        .select_related("production_order", "work_center")
        .order_by("planned_start", "production_order__priority", "id")
    )


def _work_center_free_at() -> dict[str, datetime]:
    """When each work center's planned load ends (cached briefly: configure asks on every click)."""
    cached = cache.get(LOAD_CACHE_KEY)
    if cached is None:
        rows = (
            Operation.objects.filter(
                status__in=[Operation.Status.PENDING, Operation.Status.IN_PROGRESS],
                production_order__status__in=ProductionOrder.OPEN_STATUSES,
            )
            .values("work_center__code")
            .annotate(end=Max("planned_end"))
        )
        cached = {row["work_center__code"]: row["end"] for row in rows if row["end"] is not None}
        cache.set(LOAD_CACHE_KEY, cached, LOAD_CACHE_SECONDS)
    return cached


def _work_centers_by_code() -> dict[str, WorkCenter]:
    cached = cache.get("production:work-centers")
    if cached is None:
        cached = {wc.code: wc for wc in WorkCenter.objects.all()}
        cache.set("production:work-centers", cached, LOAD_CACHE_SECONDS)
    return cached


def estimate_ship_date(routing: Sequence[Mapping[str, Any]], quantity: int = 1) -> date | None:
    """When a new job with this routing would ship if it joined the back of the current queue."""
    if not routing:
        return None
    centers = _work_centers_by_code()
    codes = {op["work_center"] for op in routing}
    if not codes <= set(centers):
        return None
    free_at = _work_center_free_at()
    now = timezone.now()
    ops = [
        Op(
            id=op["key"],
            work_center=op["work_center"],
            minutes=float(Decimal(op["setup_minutes"]) + Decimal(op["run_minutes"]) * quantity),
            predecessors=tuple(op.get("after", ())),
        )
        for op in routing
    ]
    placed = schedule_forward(
        [Job(id="new", ops=ops)],
        calendars={code: calendar_of(centers[code]) for code in codes},
        capacities=dict.fromkeys(codes, 1),
        now=now,
        free_at={code: [free_at[code]] for code in codes if code in free_at},
    )
    finish = max(p.end for p in placed.values())
    return ship_date_after(finish)


def ship_date_after(finish: datetime) -> date:
    """Ship on the next working day after the last operation ends."""
    cal = ShiftCalendar(tz=factory_tz())
    return cal.next_working_day(finish.astimezone(cal.tz).date())


def shortage_list() -> list[dict[str, Any]]:
    """Purchase suggestions: for each item that waiting production orders lack, the quantity short
    net of free stock and open purchase orders, when it is first needed (the planned start of the
    operation that consumes it, else the promise), and the production orders it would unblock."""
    lacking = list(
        MaterialRequirement.objects.filter(
            production_order__status=ProductionOrder.Status.AWAITING_MATERIAL, reserved__lt=F("quantity")
        )
        .select_related("production_order")
        .order_by("-production_order__priority", "production_order__promised_date", "production_order_id")
    )
    if not lacking:
        return []
    item_ids = {r.item_id for r in lacking}
    items = Item.objects.in_bulk(item_ids)
    on_order: dict[int, Decimal] = defaultdict(Decimal)
    for purchase in PurchaseOrder.objects.filter(item_id__in=item_ids, status__in=PurchaseOrder.OPEN_STATUSES):
        on_order[purchase.item_id] += items[purchase.item_id].to_stock_units(purchase.open_quantity)
    starts = {
        (op["production_order_id"], op["key"]): op["planned_start"]
        for op in Operation.objects.filter(production_order_id__in={r.production_order_id for r in lacking}).values(
            "production_order_id", "key", "planned_start"
        )
    }
    tz = factory_tz()
    per_item: dict[int, dict[str, Any]] = {}
    for req in lacking:
        entry = per_item.setdefault(req.item_id, {"needed": Decimal(0), "dates": [], "orders": []})
        entry["needed"] += req.quantity - req.reserved
        start = starts.get((req.production_order_id, req.operation_key))
        entry["dates"].append(start.astimezone(tz).date() if start else req.production_order.promised_date)
        if req.production_order.number not in entry["orders"]:
            entry["orders"].append(req.production_order.number)
    rows = []
    for item_id, entry in per_item.items():
        item = items[item_id]
        short = entry["needed"] - item.available - on_order[item_id]
        if short <= 0:
            continue
        purchase_units = _ceil(short / item.purchase_factor)
        dates = [d for d in entry["dates"] if d is not None]
        rows.append({
            "sku": item.sku, "name": item.name, "uom": item.uom,
            "short_quantity": _qty(short, item.decimals), "needed": _qty(entry["needed"], item.decimals),
            "available": _qty(item.available, item.decimals), "on_order": _qty(on_order[item_id], item.decimals),
            "needed_by": min(dates) if dates else None, "production_orders": entry["orders"],
            "suggested_purchase": {"quantity": str(purchase_units), "uom": item.purchase_uom or item.uom},
        })  # fmt: skip
    rows.sort(key=lambda row: (row["needed_by"] or date.max, row["sku"]))
    return rows


def _qty(value: Decimal, decimals: int) -> str:
    return str(value.quantize(Decimal(1).scaleb(-decimals)))


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)


def production_order_for_traveler(*, number: str) -> ProductionOrder:
    """A production order with all a traveler prints. Raises NotFound."""
    po = (
        ProductionOrder.objects.select_related("order_line__order", "order_line__product_version")
        .prefetch_related(
            Prefetch("operations", queryset=Operation.objects.select_related("work_center").order_by("sequence")),
            Prefetch("materials", queryset=MaterialRequirement.objects.select_related("item").order_by("item__sku")),
        )
        .filter(number=number)
        .first()
    )
    if po is None:
        raise NotFound(_("There is no such production order."))
    return po


def reserved_by_item() -> dict[int, Decimal]:
    """What production orders hold of each item: reserved minus consumed over their requirements
    (closed orders hold nothing). Registered with inventory.ports for `inventory_check`."""
    rows = MaterialRequirement.objects.values("item_id").annotate(held=Sum(F("reserved") - F("consumed")))
    return {row["item_id"]: row["held"] for row in rows if row["held"]}


def operation_names(*, production_order_ids: Iterable[int], language: str) -> dict[tuple[int, str], str]:
    """What the pages call the operations of these production orders, in `language` (a catalog
    language): each one's routing name in the version its order was made from, by (production
    order id, operation key). Two queries, however many orders."""
    orders_of: dict[int, list[int]] = defaultdict(list)
    rows = ProductionOrder.objects.filter(pk__in=set(production_order_ids)).values_list(
        "pk", "order_line__product_version_id"
    )
    for po_id, version_id in rows:
        orders_of[version_id].append(po_id)
    names = routing_names(version_ids=orders_of.keys(), language=language) if orders_of else {}
    return {(po_id, key): name for (version_id, key), name in names.items() for po_id in orders_of[version_id]}


def operation_start_refusal(
    operation: Operation, po: ProductionOrder, names: Mapping[tuple[int, str], str] | None = None
) -> tuple[str, str] | None:
    """Why this operation cannot start now, as (code, message for the operator), or None when it
    can. operation_start asks under its lock; the station page asks to show Start or the reason,
    naming the operations before it as `names` says (operation_names; their stored names otherwise)."""
    if po.status == ProductionOrder.Status.CANCELLED:
        return "order_cancelled", _("The order of this operation was cancelled.")
    if operation.status != Operation.Status.PENDING:
        return "already_started", _("This operation has already been started.")
    if po.status == ProductionOrder.Status.AWAITING_MATERIAL:
        return "material_missing", _("The material for this order is not all reserved yet.")
    open_before = sorted(
        (names or {}).get((p.production_order_id, p.key), p.name)
        for p in operation.predecessors.all()
        if p.status != Operation.Status.DONE
    )
    if open_before:
        return "predecessors_open", _("Finish %(operations)s first.") % {"operations": _(", ").join(open_before)}
    return None


GANTT_DAYS = 5
GANTT_MAX_BARS = 1500


def gantt(*, now: datetime | None = None, days: int = GANTT_DAYS) -> dict[str, Any]:
    """The plan at a glance: per work center, its operations placed over the next `days` days from
    the start of today (factory time), as bars with their position in the window (0..1), what was
    done as planned or as it really ran, and each day's planned minutes against the center's
    capacity. Late production orders are marked."""
    tz = factory_tz()
    now = (now or timezone.now()).astimezone(tz)
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=days)
    span = (end - start).total_seconds()
    ops = list(
        Operation.objects.filter(
            production_order__status__in=ProductionOrder.OPEN_STATUSES + (ProductionOrder.Status.DONE,),
            planned_start__lt=end,
            planned_end__gt=start,
        )
        .select_related("production_order", "work_center")
        .order_by("work_center__code", "planned_start")[:GANTT_MAX_BARS]
    )
    centers = {wc.pk: wc for wc in WorkCenter.objects.all()}
    rows: dict[int, dict[str, Any]] = {
        pk: {"center": wc, "bars": [], "load": [0.0] * days}
        for pk, wc in sorted(centers.items(), key=lambda i: i[1].code)
    }
    for op in ops:
        po = op.production_order
        begin = op.started_at or op.planned_start
        finish = op.finished_at or op.planned_end
        if begin is None or finish is None:
            continue
        if op.status == Operation.Status.IN_PROGRESS:
            finish = max(finish, now)  # still running: it lasts at least until now
        left = max(0.0, (begin - start).total_seconds() / span)
        right = min(1.0, (finish - start).total_seconds() / span)
        late = bool(po.planned_finish and po.promised_date and ship_date_after(po.planned_finish) > po.promised_date)
        rows[op.work_center_id]["bars"].append(
            {"op": op, "po": po, "x": round(left * 100, 3), "w": round(max(right - left, 0.002) * 100, 3), "late": late}
        )
        day = int((max(begin, start) - start).total_seconds() // 86400)
        if 0 <= day < days:
            rows[op.work_center_id]["load"][day] += float(op.duration_minutes)
    for row in rows.values():
        capacity = row["center"].capacity * row["center"].minutes_per_day
        row["load"] = [
            {"minutes": round(m), "percent": round(100 * m / capacity) if capacity else 0} for m in row["load"]
        ]
    return {
        "days": [(start + timedelta(days=i)).date() for i in range(days)],
        "rows": list(rows.values()),
        "now_x": round((now - start).total_seconds() / span * 100, 3),
        "truncated": len(ops) == GANTT_MAX_BARS,
    }
