"""The product's server for the benchmarks that need one: gunicorn as `make serve` runs it, with the
production settings over plain HTTP on loopback, on scripts/with-services' PostgreSQL and Redis."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(port: int, *, workers: int = 2) -> dict[str, str]:
    """The environment of the production settings over plain HTTP on loopback, on the
    with-services database and broker."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("the benchmark needs DATABASE_URL on PostgreSQL: run it under scripts/with-services")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        # plain HTTP on loopback (docs/DEPLOY.md)
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEMO_PASSWORD": secrets.token_urlsafe(16),  # seed_demo wants one; the benchmark signs up its own
        "BIND_ADDRESS": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> None:
    """`manage.py` with that environment, its output dropped."""
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


@contextmanager
def gunicorn(env: dict[str, str], port: int) -> Iterator[str]:
    """gunicorn as `make serve` runs it, until the block ends; its base URL. Its output goes to a
    temporary file, shown if it does not start."""
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", "config/gunicorn.py", "config.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while not _answers(f"{url}/login/"):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit(f"gunicorn did not start:\n{log.read().decode(errors='replace')}")
                time.sleep(0.2)
            yield url
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own http://127.0.0.1)
            return bool(response.status == 200)
    except OSError:
        return False
