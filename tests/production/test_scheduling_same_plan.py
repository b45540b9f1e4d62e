"""The integer scheduler (place_operations on WorkingWindows) places every operation exactly where
the datetime scheduler it replaced did (tests/production/old_scheduler.py), on random queues over
varied calendars: night shifts past midnight, round-the-clock days, odd working weeks, stations in
parallel, operations done and in progress, time zones with and without daylight saving."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from production.scheduling import Job, Op, ShiftCalendar, WorkingWindows, schedule_forward, to_us
from tests.production import old_scheduler

SHANGHAI, BERLIN, UTC = ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Berlin"), ZoneInfo("UTC")


def calendars_for(rng: random.Random, tz: ZoneInfo, dst: bool) -> list[ShiftCalendar]:
    """Varied working days; in a zone with daylight saving, only shifts clear of its 02:00-03:00 changes."""
    shifts = [(time(8, 0), 480), (time(6, 30), 600), (time(9, 15, 30), 45)]
    if not dst:
        shifts += [(time(22, 0), 480), (time(0, 0), 1440), (time(18, 0), 1200), (time(23, 59), 90)]
    weeks = [frozenset({0, 1, 2, 3, 4}), frozenset({0, 1, 2, 3, 4, 5, 6}), frozenset({5, 6}), frozenset({2})]
    return [
        ShiftCalendar(tz=tz, shift_start=start, minutes_per_day=minutes, workdays=rng.choice(weeks))
        for start, minutes in shifts
    ]


def random_queue(rng: random.Random, now: datetime, centers: list[str]) -> list[Job]:
    jobs = []
    for j in range(rng.randint(1, 40)):
        ops: list[Op] = []
        for i in range(rng.randint(0, 8)):
            # minutes as the Decimal columns give them: to 0.01, mostly short, a few days long
            minutes = float(Decimal(rng.randint(0, rng.choice([3_000, 60_000, 300_000]))) / 100)
            before = tuple(rng.sample([op.id for op in ops], k=min(len(ops), rng.randint(0, 2))))
            status = rng.choice(["pending"] * 6 + ["in_progress", "done"])
            started = now - timedelta(minutes=rng.randint(0, 5000), microseconds=rng.randint(0, 999_999))
            finished = started + timedelta(minutes=rng.randint(1, 300)) if status == "done" else None
            ops.append(
                Op(
                    id=f"{j}.{i}", work_center=rng.choice(centers), minutes=minutes, predecessors=before,
                    status=status, started_at=started if status != "pending" else None, finished_at=finished,
                )
            )  # fmt: skip
        jobs.append(Job(id=j, ops=ops))
    return jobs


@pytest.mark.parametrize("tz", [SHANGHAI, UTC, BERLIN], ids=str)
@pytest.mark.parametrize("seed", range(40))
def test_the_integer_scheduler_places_every_operation_where_the_old_one_did(seed, tz):
    # given a random queue over random calendars, capacities and station loads
    rng = random.Random(seed)
    now = datetime(2026, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59),
                   rng.randint(0, 59), rng.randint(0, 999_999), tzinfo=rng.choice([UTC, tz]))  # fmt: skip
    cals = calendars_for(rng, tz, dst=tz is BERLIN)
    centers = {f"WC{i}": cal for i, cal in enumerate(cals)}
    capacities = {wc: rng.randint(1, 3) for wc in centers}
    free_at = {wc: [now + timedelta(minutes=rng.randint(-60, 3000))] for wc in centers if rng.random() < 0.3}
    jobs = random_queue(rng, now, list(centers))
    # when both schedulers place it
    args = {"calendars": centers, "capacities": capacities, "now": now, "free_at": free_at}
    new = schedule_forward(jobs, **args)
    old = old_scheduler.schedule_forward(jobs, **args)
    # then every operation starts and ends at the same instants (compared as such: Python never
    # finds a time of the autumn's repeated hour equal to one in another zone)
    assert new.keys() == old.keys()
    assert {k: (to_us(p.start), to_us(p.end)) for k, p in new.items()} == {
        k: (to_us(p.start), to_us(p.end)) for k, p in old.items()
    }


@pytest.mark.parametrize("start, minutes", [(time(8, 0), 480), (time(22, 0), 480), (time(0, 0), 1440)])
def test_working_windows_answer_as_the_calendar_does_at_every_quarter_hour(start, minutes):
    # given a calendar and its windows, laid out from a Saturday
    cal = ShiftCalendar(tz=SHANGHAI, shift_start=start, minutes_per_day=minutes)
    first = datetime(2026, 11, 28, 0, 0, tzinfo=SHANGHAI)
    windows = WorkingWindows(cal, to_us(first))
    # when asked at every quarter hour of three weeks, for work of up to three days
    for step in range(3 * 7 * 24 * 4):
        moment = first + timedelta(minutes=15 * step, microseconds=step)
        work = (step * 37) % (3 * 1440)
        # then they answer what the calendar answers
        assert windows.next_instant(to_us(moment))[1] == to_us(old_scheduler.next_working_instant(cal, moment))
        assert windows.add(to_us(moment), work * 60_000_000) == to_us(
            old_scheduler.add_working_minutes(cal, moment, work)
        )
