"""seed_demo_orders: the demo orders of `make run`, in every state, placed through the services,
once however often it runs, with stock and reservations consistent."""

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from inventory.selectors import ledger_mismatches, reservation_mismatches
from orders.models import Order
from production.models import ProductionOrder
from production.selectors import ship_date_after

ROOT = Path(__file__).resolve().parents[2]


def seed_orders() -> str:
    out = io.StringIO()
    call_command("seed_demo_orders", stdout=out)
    return out.getvalue()


def late_orders() -> list[str]:
    return [
        po.number
        for po in ProductionOrder.objects.filter(status__in=ProductionOrder.OPEN_STATUSES)
        if po.planned_finish and po.promised_date and ship_date_after(po.planned_finish) > po.promised_date
    ]


@pytest.mark.usefixtures("demo_tx")
def test_the_demo_orders_are_in_every_state_once_and_consistent():
    # given the demo factory and no orders
    assert not Order.objects.exists()

    # when the demo orders are seeded
    summary = seed_orders()

    # then there are orders in every state, for three customers, and one is late behind the rush
    statuses = set(Order.objects.values_list("status", flat=True))
    assert {"confirmed", "in_production", "completed", "shipped", "cancelled"} <= statuses
    assert ProductionOrder.objects.filter(status="awaiting_material", order_line__product_slug="mtm-suit").exists()
    assert ProductionOrder.objects.filter(status="planned").exists()
    assert ProductionOrder.objects.filter(status="in_progress", operations__status="in_progress").exists()
    assert set(Order.objects.values_list("customer__username", flat=True)) == {"alice", "bob", "mei"}
    assert ProductionOrder.objects.filter(priority__gt=0).count() == 1
    assert late_orders() != []
    assert "Placed 17 demo orders" in summary
    # and levels equal the ledger, reservations their owners (inventory_check)
    assert ledger_mismatches() == []
    assert reservation_mismatches() == []

    # when it runs again
    orders_before = Order.objects.count()
    production_before = ProductionOrder.objects.count()
    again = seed_orders()

    # then nothing is added
    assert Order.objects.count() == orders_before == 17
    assert ProductionOrder.objects.count() == production_before
    assert "none added" in again
    assert ledger_mismatches() == []
    assert reservation_mismatches() == []


def test_make_run_seeds_the_demo_orders_on_sqlite(tmp_path: Any):
    # given a fresh SQLite database, as `make run` has (decimals there are binary floats)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "",
        "CACHE_URL": "",
    }

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    # when `make run`'s commands run, twice
    for _ in range(2):
        for command in ("migrate", "seed_demo", "seed_demo_orders"):
            done = manage(command, "--noinput") if command == "migrate" else manage(command)
            assert done.returncode == 0, done.stderr[-3000:]

    # then the orders are there once, and stock is consistent
    assert "none added" in done.stdout
    check = manage("inventory_check")
    assert check.returncode == 0, check.stdout + check.stderr
