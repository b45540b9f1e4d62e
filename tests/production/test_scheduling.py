"""The pure scheduler and its working calendar (no database)."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from production.scheduling import Job, Op, ShiftCalendar, schedule_forward

TZ = ZoneInfo("Asia/Shanghai")
CAL = ShiftCalendar(tz=TZ, shift_start=time(8, 0), minutes_per_day=480)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)  # 2026-11-23 is a Monday


def test_work_outside_the_shift_starts_at_the_next_shift():
    assert CAL.next_working_instant(at(23, 6)) == at(23, 8)
    assert CAL.next_working_instant(at(23, 17)) == at(24, 8)
    # Saturday evening -> Monday morning
    assert CAL.next_working_instant(at(28, 20)) == at(30, 8)


def test_working_minutes_carry_over_nights_and_weekends():
    # given Friday 15:00 with one working hour left that day
    friday = at(27, 15)
    # when 3 hours of work start then
    end = CAL.add_working_minutes(friday, 180)
    # then it ends Monday at 10:00
    assert end == at(30, 10)


def test_operations_follow_predecessors_and_share_a_single_station():
    # given two jobs whose operations meet on one station
    jobs = [
        Job(
            id="a",
            ops=[
                Op(id="a1", work_center="CUT", minutes=60),
                Op(id="a2", work_center="SEW", minutes=60, predecessors=("a1",)),
            ],
        ),
        Job(id="b", ops=[Op(id="b1", work_center="CUT", minutes=30)]),
    ]
    # when scheduled from Monday 08:00
    placed = schedule_forward(jobs, calendars={"CUT": CAL, "SEW": CAL}, capacities={"CUT": 1, "SEW": 1}, now=at(23, 8))
    # then a2 waits for a1, and b1 waits for the cutting station
    assert placed["a1"].start == at(23, 8) and placed["a1"].end == at(23, 9)
    assert placed["a2"].start == at(23, 9)
    assert placed["b1"].start == at(23, 9) and placed["b1"].end == at(23, 9, 30)


def test_parallel_stations_run_operations_side_by_side():
    jobs = [Job(id=i, ops=[Op(id=i, work_center="SEW", minutes=120)]) for i in range(3)]
    placed = schedule_forward(jobs, calendars={"SEW": CAL}, capacities={"SEW": 2}, now=at(23, 8))
    assert [placed[i].start for i in range(3)] == [at(23, 8), at(23, 8), at(23, 10)]


def test_done_and_running_operations_keep_their_times():
    jobs = [
        Job(
            id="a",
            ops=[
                Op(id="a1", work_center="CUT", minutes=60, status="done", started_at=at(23, 8), finished_at=at(23, 9)),
                Op(
                    id="a2",
                    work_center="CUT",
                    minutes=60,
                    predecessors=("a1",),
                    status="in_progress",
                    started_at=at(23, 9),
                ),
                Op(id="a3", work_center="CUT", minutes=60, predecessors=("a2",)),
            ],
        )
    ]
    placed = schedule_forward(jobs, calendars={"CUT": CAL}, capacities={"CUT": 1}, now=at(23, 9, 30))
    assert placed["a1"].end == at(23, 9)
    assert placed["a2"].start == at(23, 9) and placed["a2"].end == at(23, 10)
    assert placed["a3"].start == at(23, 10)
