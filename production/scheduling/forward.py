"""Forward list scheduling: jobs in priority order, each operation as early as its predecessors
and its work center's stations allow, on the work center's working calendar.

This is the first, simple scheduler: no setup sequencing and no backfilling of gaps yet.

place_operations is the scheduler, over integers (microseconds since the epoch) and flat rows, as
production_replan feeds it the whole open queue; schedule_forward is the same over Jobs, Ops and
datetimes, for small questions (a ship date) and the tests.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from production.scheduling.calendar import ONE_US, ShiftCalendar, WorkingWindows, from_us, to_us

PENDING, IN_PROGRESS, DONE = "pending", "in_progress", "done"


@dataclass(frozen=True)
class Op:
    id: Hashable
    work_center: Hashable
    minutes: float
    predecessors: tuple[Hashable, ...] = ()
    status: str = PENDING  # pending | in_progress | done
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


# One operation for place_operations: (id, work center, duration in microseconds, status,
# started at, finished at, predecessor ids), instants in microseconds since the epoch.
OpRow = tuple[Hashable, Hashable, int, str, int | None, int | None, Sequence[Hashable]]


def place_operations(
    rows: Iterable[OpRow],
    *,
    windows: Mapping[Hashable, WorkingWindows],
    capacities: Mapping[Hashable, int],
    now: int,
    free_at: Mapping[Hashable, Sequence[int]] | None = None,
) -> tuple[list[int], list[int]]:
    """Place operations in the order given (jobs in priority order, each job's operations in a
    topological order); returns their starts and ends, in that order.

    Each operation goes to its work center's station that frees first, no earlier than `now`
    and than its predecessors' ends, at the next working instant. Done operations keep their
    actual times and hold no station; operations in progress hold a station from their start
    until their remaining time has run. `free_at` may give the stations' starting loads.
    """
    loads = free_at or {}
    stations: dict[Hashable, list[int]] = {}
    for wc in windows:
        initial = list(loads.get(wc, ()))
        count = max(1, capacities.get(wc, 1))
        stations[wc] = [max(now, initial[i]) if i < len(initial) else now for i in range(count)]
    starts: list[int] = []
    ends: list[int] = []
    end_of: dict[Hashable, int] = {}
    for op_id, wc, duration, status, started_at, finished_at, predecessors in rows:
        if status == DONE:
            end = now if finished_at is None else finished_at
            start = end if started_at is None else started_at
        else:
            free = stations[wc]
            station = 0 if len(free) == 1 else free.index(min(free))
            if status == IN_PROGRESS and started_at is not None:
                start = started_at
                end = windows[wc].add(start, duration)
                if end < now:
                    end = now
            else:
                ready = free[station] if free[station] > now else now
                for before in predecessors:
                    before_end = end_of.get(before)
                    if before_end is not None and before_end > ready:
                        ready = before_end
                cal = windows[wc]
                k, start = cal.next_instant(ready)
                end = start + duration
                if end > cal.ends[k]:  # runs past the window's end, into the next working days
                    end = cal.finish(k, start, duration)
            if end > free[station]:
                free[station] = end
        end_of[op_id] = end
        starts.append(start)
        ends.append(end)
    return starts, ends


def earliest_instant(now: int, rows: Iterable[OpRow]) -> int:
    """The earliest instant the scheduler looks at: `now`, or an operation in progress's start."""
    return min([now] + [r[4] for r in rows if r[3] == IN_PROGRESS and r[4] is not None])


def laid_out(calendars: Mapping[Hashable, ShiftCalendar], first: int) -> dict[Hashable, WorkingWindows]:
    """Each work center's working windows from `first` on; work centers on the same calendar share them."""
    shared: dict[ShiftCalendar, WorkingWindows] = {}
    for cal in set(calendars.values()):
        shared[cal] = WorkingWindows(cal, first)
    return {wc: shared[cal] for wc, cal in calendars.items()}


def schedule_forward(
    jobs: Sequence[Job],
    *,
    calendars: Mapping[Hashable, ShiftCalendar],
    capacities: Mapping[Hashable, int],
    now: datetime,
    free_at: Mapping[Hashable, Sequence[datetime]] | None = None,
) -> dict[Hashable, Placement]:
    """Place every operation of `jobs` (highest priority first); returns {op id: Placement}, in
    each work center's time zone (place_operations, over datetimes)."""
    rows: list[OpRow] = [
        (
            op.id,
            op.work_center,
            timedelta(minutes=op.minutes) // ONE_US,
            op.status,
            None if op.started_at is None else to_us(op.started_at),
            None if op.finished_at is None else to_us(op.finished_at),
            op.predecessors,
        )
        for job in jobs
        for op in job.ops
    ]
    first = earliest_instant(to_us(now), rows)
    windows = laid_out(calendars, first)
    starts, ends = place_operations(
        rows,
        windows=windows,
        capacities=capacities,
        now=to_us(now),
        free_at={wc: [to_us(t) for t in times] for wc, times in (free_at or {}).items()},
    )
    return {
        row[0]: Placement(start=from_us(start).astimezone(tz), end=from_us(end).astimezone(tz))
        for row, start, end in zip(rows, starts, ends, strict=True)
        for tz in (calendars[row[1]].tz,)
    }
