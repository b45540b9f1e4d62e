"""Writes of the outbox: record a task in the caller's transaction, send it once that commits,
send what is left when the broker is back, and claim a coalesced task's message when it runs.

Every task that follows a committed change goes through `outbox_enqueue`; nothing calls a task's
`delay` after a commit, so a broker outage never turns a committed action into an error or loses
the work it must trigger.
"""

import logging
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from celery import current_app
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from outbox.models import Message

logger = logging.getLogger(__name__)

# A message handed to the broker but not claimed by then is sent again (the broker may have lost
# it); coalesced tasks claim by id, so a duplicate is a no-op, and every task is idempotent.
RESEND_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 50
FLUSH_BATCH = 500


def outbox_enqueue(*, task: str, args: Sequence[Any] = (), coalesce_key: str | None = None) -> None:
    """Send `task(*args)` after the caller's transaction commits; the message is a row of that
    transaction, so it is never lost. With a `coalesce_key`, while a message of that key waits
    (not yet started) a new request adds nothing: at most one waits, however many ask."""
    if coalesce_key is None:
        message = Message.objects.create(task=task, args=list(args))
        transaction.on_commit(lambda: _send_committed(message))
        return
    # DO UPDATE (not DO NOTHING) locks the waiting row until this transaction commits, so the
    # task cannot claim it and run before it can see this transaction's changes.
    Message.objects.bulk_create(
        [Message(task=task, args=list(args), coalesce_key=coalesce_key)],
        update_conflicts=True,
        unique_fields=["coalesce_key"],
        update_fields=["created_at"],
    )
    transaction.on_commit(outbox_flush)


def outbox_enqueue_many(*, messages: Sequence[tuple[str, Sequence[Any]]]) -> None:
    """Send each `(task, args)` after the caller's transaction commits: one INSERT for all of them,
    and after the commit one DELETE for all that the broker took."""
    if not messages:
        return
    rows = Message.objects.bulk_create([Message(task=task, args=list(args)) for task, args in messages])
    transaction.on_commit(lambda: _send_committed(*rows))


def outbox_flush(*, limit: int = FLUSH_BATCH) -> int:
    """Hand waiting messages to the broker; returns how many went. A message that cannot be sent
    stays for the next flush (after every commit that enqueues, and periodically)."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(Q(sent_at__isnull=True) | Q(sent_at__lt=now - RESEND_AFTER))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        Message.objects.filter(pk__in=ids).update(sent_at=now, attempts=F("attempts") + 1)
    sent = 0
    messages = list(Message.objects.filter(pk__in=ids).order_by("pk"))
    for position, message in enumerate(messages):
        try:
            _send(message)
        except Exception as exc:  # noqa: BLE001 - a broker outage or a failing eager task: keep the row
            _keep_for_later(message, exc)
            if not current_app.conf.task_always_eager:
                # The broker is down: the rest would fail the same way; they wait, unsent, too.
                rest = [m.pk for m in messages[position + 1 :]]
                Message.objects.filter(pk__in=rest).update(sent_at=None, attempts=F("attempts") - 1)
                break
            continue
        if message.coalesce_key is None:
            Message.objects.filter(pk=message.pk).delete()
        sent += 1
    return sent


def _send_committed(*messages: Message) -> None:
    """Send plain messages their transaction just committed, then drop the rows the broker took,
    in one statement. A message the broker did not take waits for the periodic flush. (A flush
    running at the same moment may send one too; every task is idempotent.)"""
    sent = []
    for message in messages:
        try:
            _send(message)
        except Exception as exc:  # noqa: BLE001 - a broker outage or a failing eager task: keep the row
            logger.warning("Could not send task %s; it stays in the outbox: %s", message, exc)
            continue
        sent.append(message.pk)
    if not sent:
        return
    # One statement, without the transaction QuerySet.delete wraps around it.
    placeholders = ", ".join(["%s"] * len(sent))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Message._meta.db_table} WHERE id IN ({placeholders})", sent)  # noqa: S608


def _send(message: Message) -> None:
    if message.task not in current_app.tasks:
        current_app.loader.import_default_modules()  # the apps' tasks.py (autodiscovery is lazy)
    task = current_app.tasks[message.task]
    kwargs = {"outbox_id": message.pk} if message.coalesce_key else {}
    task.apply_async(args=message.args, kwargs=kwargs)


def _keep_for_later(message: Message, exc: Exception) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        logger.error("Giving up on task %s after %s attempts: %s", message, message.attempts, exc)
        Message.objects.filter(pk=message.pk).delete()
        return
    logger.warning("Could not send task %s (attempt %s); it stays in the outbox: %s", message, message.attempts, exc)
    Message.objects.filter(pk=message.pk).update(sent_at=None, last_error=str(exc)[:2000])


def outbox_claim(*, message_id: int | None) -> bool:
    """A coalesced task starts: take its message, so that new requests wait for a next run.
    False when another delivery of the same message already ran (nothing left to do)."""
    if message_id is None:
        return True  # run directly (beat, a person): nothing to claim
    deleted, _ = Message.objects.filter(pk=message_id).delete()
    return deleted > 0


@contextmanager
def run_exclusively(name: str, *, wait: bool = False) -> Iterator[bool]:
    """Hold a database-wide lock named `name` for the block (a PostgreSQL advisory lock); yields
    False at once when another process holds it, unless `wait`. Without PostgreSQL (the embedded
    default runs tasks in-process, one at a time) it always yields True."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = zlib.crc32(name.encode())
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
            got = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            got = bool(cursor.fetchone()[0])
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
