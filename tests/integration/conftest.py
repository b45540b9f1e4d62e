"""A real Celery worker, on the real Redis broker, against the test database."""

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_worker(
    broker_url: str | None = None, *, env: dict[str, str] | None = None, loglevel: str = "WARNING"
) -> subprocess.Popen:
    if not settings.CELERY_BROKER_URL:
        pytest.fail("CELERY_BROKER_URL is not set: run the suite with `make test`.")
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "CELERY_TASK_ALWAYS_EAGER": "false",
           "CELERY_BROKER_URL": broker_url or settings.CELERY_BROKER_URL, **(env or {})}  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", f"--loglevel={loglevel}",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def stop_worker(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def broker() -> Iterator[None]:
    """Tasks sent from the test go to Redis instead of running in-process."""
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def worker(broker: None) -> Iterator[subprocess.Popen]:
    proc = start_worker()
    yield proc
    stop_worker(proc)


@pytest.fixture
def workers(broker: None) -> Iterator[Callable[[], subprocess.Popen]]:
    """Start as many workers as a test needs, one after another; all are stopped at the end."""
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        started.append(start_worker())
        return started[-1]

    yield start
    for proc in started:
        stop_worker(proc)
