"""The scheduler: pure functions over plain data, no ORM (see production.services for the caller)."""

from production.scheduling.calendar import ShiftCalendar, WorkingWindows, from_us, to_us
from production.scheduling.forward import (
    Job,
    Op,
    OpRow,
    Placement,
    earliest_instant,
    laid_out,
    place_operations,
    schedule_forward,
)

__all__ = [
    "Job",
    "Op",
    "OpRow",
    "Placement",
    "ShiftCalendar",
    "WorkingWindows",
    "earliest_instant",
    "from_us",
    "laid_out",
    "place_operations",
    "schedule_forward",
    "to_us",
]
