"""A PostgreSQL cluster of a test's own, which it may restart or stop: initdb in a temporary
directory, a free loopback port, the settings scripts/with-services uses. As root, the server runs
as the `postgres` system user (PostgreSQL refuses root)."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise AssertionError("PostgreSQL server binaries (initdb, pg_ctl) not found")
    return Path(initdb).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnPostgres:
    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="c2b-own-pg."))
        os.chmod(self.dir, 0o755)
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/c2b"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)

    def _pg_ctl(self, *args: str) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")  # fmt: skip
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "60", "-o", options, *args)

    def start(self) -> None:
        """Create the cluster and the `c2b` database."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
        self._pg_ctl("start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "c2b")

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every session is cut off, and the server is back when this returns."""
        self._pg_ctl("-m", "fast", "restart")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                ["runuser", "-u", "postgres", "--"] * (os.getuid() == 0)
                + [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "-t", "30", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        try:
            return (self.dir / "log").read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url.replace("postgres://", "postgresql://"), autocommit=True)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self.connect() as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]

    def manage(self, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
        """manage.py on this database (production settings, as the service runs)."""
        return subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
            timeout=300, env={**os.environ, **env, "DATABASE_URL": self.url},
        )  # fmt: skip
