"""The search budget of one configure call: a count of search steps, never wall time.

A configure call searches (propagation steps of the compiled engine, nodes of the reference
search); a hostile or huge product could make that search run for the whole request timeout.
`metered(limit)` opens a budget for the code inside it; the search loops call `meter()` once and
spend from it, and the step that overdraws it raises `SearchBudgetExceeded`. Counting steps keeps
the answer deterministic: the same product and spec always fit, or never do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# Steps of the demo products' configure calls are in the low thousands, those of the 80-option
# synthetic benchmark product in the tens of thousands: a hundred times that is still well under
# a second of work.
DEFAULT_SEARCH_BUDGET = 1_000_000


class SearchBudgetExceeded(Exception):
    """The search used up its budget of `limit` steps; its answer would be incomplete."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"the search used up its budget of {limit} steps")


class Meter:
    """What is left of a budget; `left` is spent directly by the hot loops (see `spend`)."""

    __slots__ = ("limit", "left")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def spend(self, steps: int = 1) -> None:
        self.left -= steps
        if self.left < 0:
            raise SearchBudgetExceeded(self.limit)

    @property
    def used(self) -> int:
        return self.limit - self.left


_meter: ContextVar[Meter | None] = ContextVar("configurator_search_meter", default=None)


def meter() -> Meter | None:
    """The budget open in this context, or None when the search is not metered."""
    return _meter.get()


@contextmanager
def metered(limit: int | None) -> Iterator[Meter | None]:
    """Meter the searches inside the block with a fresh budget of `limit` steps; with None, the
    budget already open (if any) goes on being spent."""
    if limit is None:
        yield _meter.get()
        return
    fresh = Meter(limit)
    token = _meter.set(fresh)
    try:
        yield fresh
    finally:
        _meter.reset(token)


# The application sets the budget and the error its callers understand (bom.apps): the engine
# stays free of Django, and every caller of `configure` (the API, orders) gets the same answer.
def _default_limit() -> int | None:
    return DEFAULT_SEARCH_BUDGET


def _as_is(exc: SearchBudgetExceeded) -> Exception:
    return exc


_limit: list[Callable[[], int | None]] = [_default_limit]
_error: list[Callable[[SearchBudgetExceeded], Exception]] = [_as_is]


def register(
    *,
    limit: Callable[[], int | None] | None = None,
    error: Callable[[SearchBudgetExceeded], Exception] | None = None,
) -> None:
    """Where `configure` reads its budget (None: unmetered), and what it raises when it runs out."""
    if limit is not None:
        _limit[0] = limit
    if error is not None:
        _error[0] = error


def default_limit() -> int | None:
    return _limit[0]()


def error_for(exc: SearchBudgetExceeded) -> Exception:
    return _error[0](exc)
