"""`make serve` (scripts/serve) supervises what it starts: a Celery worker, beat or gunicorn killed
with SIGKILL is running again within seconds and orders keep flowing; after Redis went away and came
back a worker answers again; a program that cannot stay up stops the whole service with a non-zero
status; stopping it leaves no process behind."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from config.celery import app as celery_app
from orders.models import Order
from orders.services import order_place
from tests.factories import UserFactory, suit_spec
from tests.integration.conftest import database_url

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes() -> dict[int, dict[str, Any]]:
    """Every process: its parent, session, start time and command line."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_text().replace("\0", " ").strip()
        except (OSError, IndexError):
            continue
        table[int(entry.name)] = {"state": fields[0], "ppid": int(fields[1]), "sid": int(fields[3]),
                                  "start": int(fields[19]), "command": command}  # fmt: skip
    return table


def descendants(root: int) -> dict[int, dict[str, Any]]:
    table = processes()
    found: dict[int, dict[str, Any]] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, info in table.items():
            if info["ppid"] == parent and pid not in found:
                found[pid] = info
                frontier.append(pid)
    return found


def still_running(seen: dict[int, dict[str, Any]]) -> list[str]:
    now = processes()
    return [
        f"{pid} {info['command']}"
        for pid, info in seen.items()
        if pid in now and now[pid]["start"] == info["start"] and now[pid]["state"] != "Z"
    ]


def wait_for(predicate: Callable[[], Any], *, timeout: float, what: str, serve: "Serve | None" = None) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{serve.output() if serve else ''}")


@dataclass
class Serve:
    proc: subprocess.Popen
    port: int
    log: Path

    def status(self) -> int | None:
        """The HTTP status of the product list, or None when nothing answers."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/products/", timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def program(self, *words: str) -> int | None:
        """The main process whose command line has all the words (not one of its children)."""
        tree = descendants(self.proc.pid)

        def matches(info: dict[str, Any] | None) -> bool:
            return info is not None and set(words) <= {os.path.basename(word) for word in info["command"].split()}

        for pid, info in tree.items():
            if matches(info) and not matches(tree.get(info["ppid"])):
                return pid
        return None

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]


def start_serve(tmp_path: Path, **env_extra: str) -> Serve:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(45),  # 60 characters
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "WEB_CONCURRENCY": "1",
        "CELERY_CONCURRENCY": "1",
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"),
        **env_extra,
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([str(ROOT / "scripts/serve"), str(port)], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    return Serve(proc, port, log)


def stop_everything(serve: Serve) -> None:
    """Whatever the test left running: serve, then anything still in its session."""
    if serve.proc.poll() is None:
        serve.proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            serve.proc.wait(timeout=90)
    for pid, info in processes().items():
        if info["sid"] == serve.proc.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    if serve.proc.poll() is None:
        serve.proc.wait(timeout=10)


@pytest.fixture
def broker() -> Iterator[None]:
    """Tasks sent from the test go to Redis, for serve's worker, instead of running in-process."""
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def serve(demo_tx: None, broker: None, tmp_path: Path) -> Iterator[Serve]:
    """scripts/serve on a free loopback port, on the test database and the suite's Redis."""
    started = start_serve(tmp_path)
    yield started
    stop_everything(started)


@pytest.mark.integration
def test_serve_restarts_a_killed_worker_beat_and_web_and_stops_them_all(serve):
    # given the service up
    wait_for(lambda: serve.status() == 200 or serve.proc.poll() is not None, timeout=180, what="HTTP 200")
    assert serve.proc.poll() is None, serve.output()
    worker = wait_for(lambda: serve.program("celery", "worker"), timeout=30, what="the worker")
    wait_for(lambda: len(descendants(worker)) >= 1, timeout=60, what="the worker's pool")
    seen = descendants(serve.proc.pid)

    # when the worker is killed with SIGKILL, and an order is placed while it is dead
    os.kill(worker, signal.SIGKILL)
    order, _ = order_place(customer=UserFactory(), lines=[{"product": "mtm-suit", "quantity": 1, "spec": suit_spec()}],
                           idempotency_key=None)  # fmt: skip
    # then a new worker runs within seconds, and releases the order
    replacement = wait_for(
        lambda: (pid := serve.program("celery", "worker")) not in (None, worker) and pid,
        timeout=30,
        what=f"a worker in place of {worker}",
        serve=serve,
    )
    seen |= descendants(serve.proc.pid)
    wait_for(lambda: Order.objects.get(pk=order.pk).status == Order.Status.CONFIRMED, timeout=120,
             what=f"the order released by worker {replacement}", serve=serve)  # fmt: skip

    # and likewise Celery beat and gunicorn: each killed is running again, and the site answers
    for words in [("celery", "beat"), ("config.wsgi:application",)]:
        killed = serve.program(*words)
        assert killed is not None, f"{words} not running\n{serve.output()}"
        seen |= descendants(serve.proc.pid)
        os.kill(killed, signal.SIGKILL)
        wait_for(lambda: serve.program(*words) not in (None, killed), timeout=30,
                 what=f"{words} in place of {killed}", serve=serve)  # fmt: skip
    wait_for(lambda: serve.status() == 200, timeout=120, what="HTTP 200 again", serve=serve)
    seen |= descendants(serve.proc.pid)

    # when serve is stopped
    serve.proc.send_signal(signal.SIGTERM)
    status = serve.proc.wait(timeout=120)
    # then it exits 0, and every process it ran, killed ones' children included, is gone
    assert status == 0, serve.output()
    time.sleep(1)
    assert still_running(seen) == [], serve.output()


@pytest.mark.integration
def test_serve_exits_non_zero_when_a_program_cannot_stay_up(db, tmp_path):
    # given a setting the worker cannot start with (every other program is fine)
    serve = start_serve(tmp_path, CELERY_CONCURRENCY="many")
    try:
        # when the worker keeps exiting at start-up
        status = serve.proc.wait(timeout=180)
        seen = {}
    except subprocess.TimeoutExpired:
        stop_everything(serve)
        raise AssertionError(f"serve still runs with a worker that cannot start\n{serve.output()}") from None
    # then serve stops everything and exits non-zero, naming the program
    assert status == 1, serve.output()
    assert "worker could not be kept running" in serve.output()
    for pid, info in processes().items():
        if info["sid"] == serve.proc.pid:
            seen[pid] = info
    assert still_running(seen) == []


class RedisServer:
    """A Redis of the test's own, on a free loopback port, that the test stops and starts again."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


def pong(url: str) -> bool:
    """Whether a worker answers a ping on the broker at url."""
    # In a process of its own: Celery takes the broker from CELERY_BROKER_URL (the suite's Redis)
    # over any other given.
    ping = "from celery import Celery; print(len(Celery().control.ping(timeout=2.0)))"
    result = subprocess.run([sys.executable, "-c", ping], env={**os.environ, "CELERY_BROKER_URL": url},
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    return result.returncode == 0 and result.stdout.strip() not in ("", "0")


@pytest.mark.integration
def test_serve_has_a_worker_again_after_redis_went_away_and_came_back(db, tmp_path):
    redis = RedisServer(tmp_path)
    redis.start()
    serve = start_serve(tmp_path, CELERY_BROKER_URL=redis.url)
    try:
        wait_for(lambda: pong(redis.url), timeout=180, what="the worker's answer", serve=serve)
        # when Redis stops for a while, then starts again on the same port
        redis.stop()
        time.sleep(5)
        redis.start()
        # then a worker (the same one reconnected, or one started in its place) answers again
        wait_for(lambda: pong(redis.url), timeout=120, what="the worker's answer after Redis came back", serve=serve)
        assert serve.proc.poll() is None, serve.output()
    finally:
        stop_everything(serve)
        redis.stop()


def test_the_worker_is_set_to_reconnect_to_a_broker_that_went_away_without_limit():
    # Celery's default gives up after 100 attempts, and warns that start-up retries will stop.
    assert celery_app.conf.broker_connection_retry is True
    assert celery_app.conf.broker_connection_retry_on_startup is True
    assert celery_app.conf.broker_connection_max_retries is None
