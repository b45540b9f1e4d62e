"""The scheduler as it was before it ran on integers (commit 6a0c7d1): the oracle the new one is
checked against. ShiftCalendar's datetime arithmetic and schedule_forward, copied unchanged but for
names; production_replan's read of the queue, the same."""

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F

from production.models import Operation, ProductionOrder, WorkCenter
from production.scheduling import Job, Op, Placement, ShiftCalendar
from production.selectors import calendar_of


def _day_window(calendar: ShiftCalendar, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, calendar.shift_start, tzinfo=calendar.tz)
    return start, start + timedelta(minutes=calendar.minutes_per_day)


def next_working_instant(calendar: ShiftCalendar, moment: datetime) -> datetime:
    local = moment.astimezone(calendar.tz)
    day = local.date()
    for _ in range(14):
        if day.weekday() in calendar.workdays:
            start, end = _day_window(calendar, day)
            if local < end:
                return max(local, start)
        day += timedelta(days=1)
        local = datetime.combine(day, time(0, 0), tzinfo=calendar.tz)
    raise ValueError("calendar has no working day")


def add_working_minutes(calendar: ShiftCalendar, moment: datetime, minutes: float) -> datetime:
    current = next_working_instant(calendar, moment)
    remaining = timedelta(minutes=minutes)
    while True:
        _, end = _day_window(calendar, current.date())
        available = end - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = next_working_instant(calendar, end)


@dataclass
class _Station:
    free_at: datetime


@dataclass
class _Center:
    calendar: ShiftCalendar
    stations: list[_Station] = field(default_factory=list)


def schedule_forward(
    jobs: Sequence[Job],
    *,
    calendars: Mapping[Hashable, ShiftCalendar],
    capacities: Mapping[Hashable, int],
    now: datetime,
    free_at: Mapping[Hashable, Sequence[datetime]] | None = None,
) -> dict[Hashable, Placement]:
    loads = free_at or {}

    def stations_of(wc: Hashable) -> list[_Station]:
        initial = list(loads.get(wc, ()))
        count = max(1, capacities.get(wc, 1))
        return [_Station(free_at=max(now, initial[i]) if i < len(initial) else now) for i in range(count)]

    centers = {wc: _Center(calendar=cal, stations=stations_of(wc)) for wc, cal in calendars.items()}
    placed: dict[Hashable, Placement] = {}
    for job in jobs:
        for op in job.ops:
            center = centers[op.work_center]
            if op.status == "done":
                end = op.finished_at or now
                placed[op.id] = Placement(start=op.started_at or end, end=end)
                continue
            station = min(center.stations, key=lambda s: s.free_at)
            if op.status == "in_progress" and op.started_at is not None:
                start = op.started_at
                end = max(add_working_minutes(center.calendar, start, op.minutes), now)
            else:
                ready = max([now, station.free_at] + [placed[p].end for p in op.predecessors if p in placed])
                start = next_working_instant(center.calendar, ready)
                end = add_working_minutes(center.calendar, start, op.minutes)
            station.free_at = max(station.free_at, end)
            placed[op.id] = Placement(start=start, end=end)
    return placed


def replan_oracle(*, now: datetime) -> tuple[dict[int, tuple[datetime, datetime]], dict[int, Any]]:
    """What the old production_replan planned: {operation id: (start, end)}, {order id: finish}."""
    centers = {wc.pk: wc for wc in WorkCenter.objects.all()}
    pos = list(
        ProductionOrder.objects.filter(status__in=ProductionOrder.OPEN_STATUSES)
        .order_by("-priority", F("promised_date").asc(nulls_last=True), "created_at", "id")
        .values_list("pk", flat=True)
    )
    predecessors: dict[int, list[int]] = defaultdict(list)
    for op_id, before_id in Operation.predecessors.through.objects.filter(
        from_operation__production_order__status__in=ProductionOrder.OPEN_STATUSES
    ).values_list("from_operation_id", "to_operation_id"):
        predecessors[op_id].append(before_id)
    ops_of: dict[int, list[Op]] = defaultdict(list)
    for op_id, po_id, wc_id, setup, run, status, started_at, finished_at in (
        Operation.objects.filter(production_order__status__in=ProductionOrder.OPEN_STATUSES)
        .order_by("production_order_id", "sequence")
        .values_list("pk", "production_order_id", "work_center_id", "setup_minutes", "run_minutes", "status",
                     "started_at", "finished_at")
    ):  # fmt: skip
        ops_of[po_id].append(
            Op(
                id=op_id, work_center=wc_id, minutes=float(setup + run), predecessors=tuple(predecessors[op_id]),
                status=status, started_at=started_at, finished_at=finished_at,
            )
        )  # fmt: skip
    jobs = [Job(id=po_id, ops=ops_of[po_id]) for po_id in pos]
    placed = schedule_forward(
        jobs,
        calendars={pk: calendar_of(wc) for pk, wc in centers.items()},
        capacities={pk: wc.capacity for pk, wc in centers.items()},
        now=now,
    )
    operations = {cast_int(op.id): (placed[op.id].start, placed[op.id].end) for job in jobs for op in job.ops}
    orders = {cast_int(job.id): max((placed[op.id].end for op in job.ops), default=None) for job in jobs}
    return operations, orders


def cast_int(value: Hashable) -> int:
    assert isinstance(value, int)
    return value
