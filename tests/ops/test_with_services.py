"""scripts/with-services exits with its command's status, every time, and leaves no service running
and no file behind: it waits for PostgreSQL and Redis to exit before removing their directory."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Run under with-services: report the services' directory and pids, optionally leave Redis busy
# running a script for 4 s (so that it is still shutting down when the clean-up begins), then exit
# with the status given.
PROBE = """
import json, os, sys, threading, time
from pathlib import Path
import psycopg, redis

status, busy = int(sys.argv[1]), sys.argv[2] == "busy"
with psycopg.connect(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)) as conn:
    data = Path(conn.execute("SHOW data_directory").fetchone()[0])
broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
pids = [int((data / "postmaster.pid").read_text().split()[0]), broker.info("server")["process_id"]]
print(json.dumps({"dir": str(data.parents[1]), "pids": pids}), flush=True)
if busy:
    spin = ("local t = redis.call('TIME') local s = t[1] * 1000000 + t[2] "
            "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - s > 4000000 return 1")
    threading.Thread(target=broker.eval, args=(spin, 0), daemon=True).start()
    time.sleep(0.3)
os._exit(status)
"""


def with_services(status: int, *, busy: bool = False) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = subprocess.run(
        [str(ROOT / "scripts/with-services"), sys.executable, "-c", PROBE, str(status), "busy" if busy else "idle"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return result, json.loads(result.stdout)


def running(pids: list[int]) -> list[str]:
    """The processes among pids that still run (zombies, exited but not yet reaped, do not)."""
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            command = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
        except (OSError, IndexError):
            continue
        if state != "Z":
            alive.append(f"{pid} {command}")
    return alive


@pytest.mark.parametrize("status", [0, 1])
def test_with_services_exits_with_the_commands_status_and_leaves_nothing_behind(status):
    for _ in range(3):
        # when a command that exits with `status` runs under with-services
        result, services = with_services(status)
        # then with-services exits with exactly that status, silently
        assert result.returncode == status, result.stderr
        assert result.stderr == ""
        # and neither PostgreSQL nor Redis runs any more, and their directory is gone
        assert running(services["pids"]) == []
        assert not Path(services["dir"]).exists()


def test_with_services_waits_for_a_redis_still_busy_at_the_end_before_removing_its_files():
    # given Redis still busy with a 4 s script when the command ends
    result, services = with_services(0, busy=True)
    # then with-services returns only once Redis has exited, its files removed, with the status 0
    assert running(services["pids"]) == []
    assert not Path(services["dir"]).exists()
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
