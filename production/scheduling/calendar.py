"""Working time of a work center: one working window a day, Monday to Friday, in factory time."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache


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
