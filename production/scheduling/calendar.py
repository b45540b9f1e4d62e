"""Working time of a work center: one working window a day, Monday to Friday, in factory time.

ShiftCalendar answers with datetimes; WorkingWindows is the same calendar laid out as integers
(microseconds since the epoch) for the scheduler's inner loop, where a bisect and a few integer
comparisons replace the datetime arithmetic.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
US_PER_MINUTE = 60_000_000


def to_us(moment: datetime) -> int:
    """An aware instant as whole microseconds since the epoch."""
    return (moment - EPOCH) // ONE_US


def from_us(us: int) -> datetime:
    """Microseconds since the epoch as an aware instant (UTC)."""
    return EPOCH + timedelta(microseconds=us)


@dataclass(frozen=True)
class ShiftCalendar:
    tz: tzinfo
    shift_start: time = time(8, 0)
    minutes_per_day: int = 480
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})

    def _day_window(self, day: date) -> tuple[datetime, datetime]:
        return _window(self, day)

    def next_working_instant(self, moment: datetime) -> datetime:
        """The earliest working instant at or after `moment`."""
        local = moment.astimezone(self.tz)
        day = local.date()
        for _ in range(14):
            if day.weekday() in self.workdays:
                start, end = self._day_window(day)
                if local < end:
                    return max(local, start)
            day += timedelta(days=1)
            local = datetime.combine(day, time(0, 0), tzinfo=self.tz)
        raise ValueError("calendar has no working day")

    def add_working_minutes(self, moment: datetime, minutes: float) -> datetime:
        """The instant at which `minutes` of work started at `moment` ends."""
        current = self.next_working_instant(moment)
        remaining = timedelta(minutes=minutes)
        while True:
            _, end = self._day_window(current.date())
            available = end - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self.next_working_instant(end)

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while day.weekday() not in self.workdays:
            day += timedelta(days=1)
        return day


@lru_cache(maxsize=8192)
def _window(calendar: ShiftCalendar, day: date) -> tuple[datetime, datetime]:
    """A day's working window (cached: a re-plan asks for the same few hundred days again and again)."""
    start = datetime.combine(day, calendar.shift_start, tzinfo=calendar.tz)
    return start, start + timedelta(minutes=calendar.minutes_per_day)


class WorkingWindows:
    """A ShiftCalendar's working windows in microseconds since the epoch, one per working day from
    the local day of `first` on, laid out as they are asked for. It answers as the calendar does:
    next_instant and add give what next_working_instant and add_working_minutes give, as integers.

    As in the calendar, an instant belongs to its own local day: a window that runs past midnight
    is no longer open to an instant of the next day, which waits for that day's window.
    """

    FIRST_DAYS = 7  # a week at first (a ship-date estimate needs a few days), then twice as many each time

    def __init__(self, calendar: ShiftCalendar, first: int) -> None:
        if not calendar.workdays:
            raise ValueError("calendar has no working day")
        self.calendar = calendar
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.midnights: list[int] = []  # the end of each window's local day
        self._day = from_us(first).astimezone(calendar.tz).date()
        self.first = to_us(datetime.combine(self._day, time(0, 0), tzinfo=calendar.tz))
        self._days = 0
        self.extend()

    def extend(self) -> None:
        """Lay out the windows of as many days again as are laid out (FIRST_DAYS the first time)."""
        cal = self.calendar
        more = self._days or self.FIRST_DAYS
        self._days += more
        for _ in range(more):
            day, self._day = self._day, self._day + timedelta(days=1)
            if day.weekday() in cal.workdays:
                start, end = _window(cal, day)
                self.starts.append(to_us(start))
                self.ends.append(to_us(end))
                self.midnights.append(to_us(datetime.combine(self._day, time(0, 0), tzinfo=cal.tz)))

    def next_instant(self, moment: int) -> tuple[int, int]:
        """(window index, the earliest working instant at or after `moment`)."""
        if moment < self.first:
            raise ValueError("instant before the first laid-out day")
        ends = self.ends
        k = bisect_right(ends, moment)
        while k == len(ends):
            self.extend()
            k = bisect_right(ends, moment)
        if moment >= self.midnights[k]:  # the window started the day before: wait for today's
            k += 1
            if k == len(ends):
                self.extend()
        start = self.starts[k]
        return k, moment if moment > start else start

    def add(self, moment: int, duration: int) -> int:
        """The instant at which `duration` microseconds of work started at `moment` ends."""
        return self.finish(*self.next_instant(moment), duration)

    def finish(self, k: int, start: int, duration: int) -> int:
        """The end of `duration` microseconds of work from `start`, a working instant of window k
        (as next_instant gives them)."""
        ends = self.ends
        while True:
            available = ends[k] - start
            if duration <= available:
                return start + duration
            duration -= available
            k += 1
            if k == len(ends):
                self.extend()
            start = self.starts[k]
