"""The scheduler: pure functions over plain data, no ORM (see production.services for the caller)."""

from production.scheduling.calendar import ShiftCalendar
from production.scheduling.forward import Job, Op, Placement, schedule_forward

__all__ = ["Job", "Op", "Placement", "ShiftCalendar", "schedule_forward"]
