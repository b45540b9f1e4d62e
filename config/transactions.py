"""A transaction that loses a deadlock or a serialization race is run again, a bounded number of
times, and a caller never sees the database's error: after the last attempt it is a 503 "busy".

Lock order (docs/ARCHITECTURE.md) makes deadlocks between our own writers impossible by design;
this is the second line, for what the order cannot rule out (another tool on the database, a
future writer that gets it wrong).
"""

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from config.errors import ServiceBusy

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

ATTEMPTS = 4
# deadlock_detected, serialization_failure, lock_not_available
TRANSIENT_SQLSTATES = {"40P01", "40001", "55P03"}


def is_transient(exc: BaseException) -> bool:
    """Whether a database error is a lost race that running the transaction again can win."""
    cause = exc.__cause__ or exc
    return getattr(cause, "sqlstate", None) in TRANSIENT_SQLSTATES


def retry_on_conflict(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func` (which opens its own transaction) again when the database aborts it to break a
    deadlock or a serialization conflict. Inside a caller's transaction it runs once: the outermost
    transaction owns the retry, since only it can be run again whole."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.in_atomic_block:
            return func(*args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return func(*args, **kwargs)
            except DatabaseError as exc:
                if not is_transient(exc):
                    raise
                logger.warning("%s lost a database race (attempt %s of %s): %s", func.__name__, attempt, ATTEMPTS, exc)
                if attempt == ATTEMPTS:
                    raise ServiceBusy(_("The factory is very busy right now; please try again in a moment.")) from exc
                time.sleep(random.uniform(0.005, 0.03) * attempt)
        raise AssertionError("unreachable")

    return wrapper
