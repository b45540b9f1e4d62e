"""Forward list scheduling: jobs in priority order, each operation as early as its predecessors
and its work center's stations allow, on the work center's working calendar.

This is the first, simple scheduler: no setup sequencing and no backfilling of gaps yet.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from production.scheduling.calendar import ShiftCalendar


@dataclass(frozen=True)
class Op:
    id: Hashable
    work_center: Hashable
    minutes: float
    predecessors: tuple[Hashable, ...] = ()
    status: str = "pending"  # pending | in_progress | done
    started_at: datetime | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True)
class Job:
    id: Hashable
    ops: Sequence[Op]  # in a topological order


@dataclass(frozen=True)
class Placement:
    start: datetime
    end: datetime


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
    """Place every operation of `jobs` (highest priority first); returns {op id: Placement}.

    Done operations keep their actual times; operations in progress hold a station from their
    start until their remaining time has run. `free_at` may give the stations' starting loads.
    """
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
                end = max(center.calendar.add_working_minutes(start, op.minutes), now)
            else:
                ready = max([now, station.free_at] + [placed[p].end for p in op.predecessors if p in placed])
                start = center.calendar.next_working_instant(ready)
                end = center.calendar.add_working_minutes(start, op.minutes)
            station.free_at = max(station.free_at, end)
            placed[op.id] = Placement(start=start, end=end)
    return placed
