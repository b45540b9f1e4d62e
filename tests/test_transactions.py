"""retry_on_conflict: a transaction PostgreSQL aborts to break a deadlock runs again, and the
caller never sees the database's error. Two real threads lock two rows in opposite orders."""

import contextlib
import threading
import time
from decimal import Decimal

import pytest
from django.db import OperationalError, connection, transaction
from django.db.models import F

from config.errors import ServiceBusy
from config.transactions import ATTEMPTS, retry_on_conflict
from inventory.models import Item

pytestmark = pytest.mark.django_db(transaction=True)


def _two_items():
    a = Item.objects.create(sku="T-A", name="A", uom="pcs", decimals=0, co2e_kg=Decimal("0"))
    b = Item.objects.create(sku="T-B", name="B", uom="pcs", decimals=0, co2e_kg=Decimal("0"))
    return a.pk, b.pk


def _crossing_writers(first_pk, second_pk, wrap):
    """Two transactions that lock (first, second) and (second, first), meeting in the middle."""
    meet = threading.Barrier(2)
    attempts = {"count": 0}

    def writer(one, two):
        @wrap
        def write():
            attempts["count"] += 1
            with transaction.atomic():
                Item.objects.filter(pk=one).update(on_hand=F("on_hand") + 1)
                if attempts["count"] <= 2:  # only the first meeting crosses; a retry goes straight through
                    with contextlib.suppress(threading.BrokenBarrierError):
                        meet.wait(timeout=5)
                time.sleep(0.05)
                Item.objects.filter(pk=two).update(on_hand=F("on_hand") + 1)

        return write

    failures: list[BaseException] = []

    def run(write):
        try:
            write()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(writer(first_pk, second_pk),)),
        threading.Thread(target=run, args=(writer(second_pk, first_pk),)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return failures


def test_without_the_retry_one_of_two_crossing_transactions_dies_of_a_deadlock():
    a, b = _two_items()
    failures = _crossing_writers(a, b, wrap=lambda f: f)
    assert len(failures) == 1 and isinstance(failures[0], OperationalError)
    assert "deadlock" in str(failures[0])


def test_with_the_retry_both_crossing_transactions_complete_exactly_once(caplog):
    a, b = _two_items()
    failures = _crossing_writers(a, b, wrap=retry_on_conflict)
    assert failures == []
    # each transaction's effect is there once: the aborted attempt left nothing behind
    assert Item.objects.get(pk=a).on_hand == Item.objects.get(pk=b).on_hand == 2
    assert any("lost a database race" in r.getMessage() for r in caplog.records)


def test_a_transaction_that_keeps_losing_is_refused_as_busy_and_leaves_nothing():
    a, _ = _two_items()
    calls = {"count": 0}

    @retry_on_conflict
    def always_loses():
        calls["count"] += 1
        with transaction.atomic():
            Item.objects.filter(pk=a).update(on_hand=F("on_hand") + 1)
            with connection.cursor() as cursor:  # what PostgreSQL raises when it picks this victim
                cursor.execute("DO $$ BEGIN RAISE EXCEPTION 'victim' USING ERRCODE = '40P01'; END $$")

    with pytest.raises(ServiceBusy) as busy:
        always_loses()
    assert busy.value.status_code == 503 and busy.value.code == "busy"
    assert calls["count"] == ATTEMPTS
    assert Item.objects.get(pk=a).on_hand == 0


def test_inside_a_callers_transaction_it_runs_once_and_leaves_the_retry_to_the_caller():
    a, _ = _two_items()
    calls = {"count": 0}

    @retry_on_conflict
    def loses():
        calls["count"] += 1
        with connection.cursor() as cursor:
            cursor.execute("DO $$ BEGIN RAISE EXCEPTION 'victim' USING ERRCODE = '40P01'; END $$")

    with pytest.raises(OperationalError), transaction.atomic():
        loses()
    assert calls["count"] == 1
