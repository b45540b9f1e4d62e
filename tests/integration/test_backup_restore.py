"""A backup of a running factory, restored into an empty database, checks out and serves the same
orders: the very steps docs/OPERATIONS.md gives (scripts/backup, scripts/restore)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command

from tests.integration.conftest import database_url

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("demo_tx")]

ROOT = Path(__file__).resolve().parents[2]
RESTORED = "c2b_restore_test"

# Each user's orders as the API serves them, in the database DATABASE_URL names.
SNAPSHOT = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
served = {}
for user in get_user_model().objects.order_by("username"):
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    served[user.username] = client.get("/api/v1/orders/?page_size=1000").json()
print(json.dumps(served, sort_keys=True))
"""


def _run(args: list[str], url: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHON": sys.executable,
    }
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _snapshot(url: str) -> dict:
    done = _run([sys.executable, "-c", SNAPSHOT], url)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_backup_of_a_running_factory_restores_checks_out_and_serves_the_same_orders(tmp_path):
    # given a factory at work: orders in every state (planned, waiting for cloth, in production,
    # completed, shipped, cancelled), committed
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_orders", verbosity=0)
    source = database_url()
    target = f"{source.rsplit('/', 1)[0]}/{RESTORED}"
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {RESTORED}")
        conn.execute(f"CREATE DATABASE {RESTORED}")
    try:
        # when it is backed up while running, and the backup restored into the empty database
        dump = tmp_path / "c2b.dump"
        backup = _run(["scripts/backup", str(dump)], source)
        assert backup.returncode == 0, backup.stderr
        restore = _run(["scripts/restore", str(dump)], target)
        # then the restore proved itself (no migration missing; stock equals the ledger)
        assert restore.returncode == 0, restore.stdout + restore.stderr
        assert "every reservation has its owner" in restore.stdout
        # and serves every user the same orders as the original does
        original = _snapshot(source)
        assert sum(page["count"] for page in original.values()) >= 17
        assert _snapshot(target) == original
    finally:
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {RESTORED} WITH (FORCE)")


def test_a_restore_into_a_database_that_is_not_empty_is_refused_and_changes_nothing(tmp_path):
    # given a backup, and a restore aimed at the running database itself
    source = database_url()
    dump = tmp_path / "c2b.dump"
    assert _run(["scripts/backup", str(dump)], source).returncode == 0
    before = _snapshot(source)
    # when it is restored there
    restore = _run(["scripts/restore", str(dump)], source)
    # then it fails (one transaction: nothing half-restored), and the database is as it was
    assert restore.returncode != 0
    assert "already exists" in restore.stderr
    assert _snapshot(source) == before
