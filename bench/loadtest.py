"""`make loadtest`: customers that browse, configure and order, against the production shape, at
8, 32 and 128 at once; beside a trivial JSON endpoint and a raw-SQL order intake on the same
server and database, in the same run. Prints JSON (docs/BENCHMARKS.md).

Run: `scripts/with-services .venv/bin/python bench/loadtest.py` (make loadtest). Needs DATABASE_URL
(PostgreSQL) and CELERY_BROKER_URL (Redis). Parameters (environment):

- LOADTEST_SECONDS: how long each level's load lasts (default 20); the baselines and the
  intake-only runs last as long, unless LOADTEST_BASELINE_SECONDS says otherwise (a long soak need
  not repeat them as long).
- LOADTEST_LEVELS: the concurrent customers, comma-separated (default 8,32,128).
- WEB_CONCURRENCY: gunicorn's workers (default 3, config/gunicorn.py's default); the raw intake
  gets as many. CELERY_CONCURRENCY: the Celery worker's processes (default 2, as scripts/serve).
- LOADTEST_DRAIN_SECONDS: how long to wait after a level for its orders to be released (60).

The server, as `make serve` runs it (scripts/serve's programs, without supervisord): gunicorn
(config/gunicorn.py, sync workers) with config.settings.production over plain HTTP on loopback,
one Celery worker and Celery beat, on the PostgreSQL and Redis of scripts/with-services, after
migrate, collectstatic (into staticfiles/) and seed_demo. The rate limits are raised
(THROTTLE_RATES), so that one benchmark client playing many customers from one address is not
refused; the limits are still checked (in Redis) on every call. Each customer has its own account and API token (knox).

A customer (an asyncio task; aiohttp, one client process) repeats, until the level's time is up:
GET /api/v1/products/, GET the product, POST configure three times (one option, three, the
complete spec), POST /api/v1/orders/ with a new Idempotency-Key, GET the order. Customers
alternate between the suit and the cabinet. Every answer must have its expected status: any other,
or a failed connection, is an error (counted, the first few shown).

Then, at the same level and for as long as a baseline, the intake alone ("intake_only"): as many
clients as the raw intake gets, each only POSTing /api/v1/orders/ with the complete spec and a new
Idempotency-Key (its own account and token; suit and cabinet alternate), so that the raw intake's
orders/s divided by these compares like with like (the journey makes 7 requests per order). The
Celery worker is paused (SIGSTOP) while it runs, since the raw intake's orders are never released
and the release work would otherwise share the machine with one intake and not the other; it is
resumed at the end, and the release of those orders is then measured like a level's.

After each level, and after its intake-only run, the orders it placed must be released (by the
Celery worker: the production order created, the material reserved or the order waiting for it,
i.e. the order no longer `submitted`): the script waits up to LOADTEST_DRAIN_SECONDS and reports
how long they took.

Baselines, after the levels (so that their orders do not share the worker with the product's), at
each level for the same time: `GET /healthz` on the same gunicorn (a trivial JSON view, through the
same middleware), and POST to bench/raw_intake.py (gunicorn, the same worker count), which
performs a placement's writes in hand-written SQL and nothing else.

Queries per placement: measured in this process before the load (CaptureQueriesContext), through
the service (order_place) and through the whole HTTP call (the API with a token).
"""

import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import aiohttp
from server import free_port, manage, server_env

SUIT: dict[str, Any] = {
    "fabric": "wool-navy", "jacket": "sb2", "lapel": "notch", "vents": "center", "lining": "navy",
    "with_trousers": True, "pleats": "flat", "height_cm": 180, "chest_cm": 100, "waist_cm": 86,
    "sleeve_cm": 64, "jacket_length_cm": 76, "inseam_cm": 82,
}  # fmt: skip
CABINET: dict[str, Any] = {
    "width_mm": 800, "height_mm": 1800, "depth_mm": 400, "material": "oak-veneer", "doors": "double",
    "shelves": 4, "handle": "bar-steel",
}  # fmt: skip

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "20"))
LEVELS = [int(n) for n in os.environ.get("LOADTEST_LEVELS", "8,32,128").split(",")]
WORKERS = int(os.environ.get("WEB_CONCURRENCY", "3"))
CELERY_CONCURRENCY = int(os.environ.get("CELERY_CONCURRENCY", "2"))
BASELINE_SECONDS = float(os.environ.get("LOADTEST_BASELINE_SECONDS", str(SECONDS)))
DRAIN_SECONDS = float(os.environ.get("LOADTEST_DRAIN_SECONDS", "60"))
FIRST_ERRORS = 5

# product: (partial specs configured on the way, in order; the complete spec ordered)
JOURNEYS: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]] = {
    "mtm-suit": (
        [{"fabric": SUIT["fabric"]}, {k: SUIT[k] for k in ("fabric", "jacket", "lapel")}],
        SUIT,
    ),
    "custom-cabinet": (
        [{"material": CABINET["material"]}, {k: CABINET[k] for k in ("material", "doors", "width_mm")}],
        CABINET,
    ),
}


def percentile(ordered: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of sorted samples, in ms."""
    rank = max(1, -(-len(ordered) * p // 100))
    return round(ordered[int(rank) - 1] * 1000, 1)


def summary(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    if not ordered:
        return {"count": 0}
    return {
        "count": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": percentile(ordered, 95),
        "p99_ms": percentile(ordered, 99),
    }


class Recorder:
    """Latencies per request kind, and the errors, of one run."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors = 0
        self.first_errors: list[dict[str, Any]] = []
        self.orders: list[str] = []

    async def call(
        self, session: aiohttp.ClientSession, kind: str, method: str, url: str, expect: int, **kwargs: Any
    ) -> Any:
        """One request; its latency under `kind`; the parsed JSON answer, or None on an error."""
        t0 = time.perf_counter()
        try:
            async with session.request(method, url, **kwargs) as response:
                body = await response.read()
                status = response.status
        except (TimeoutError, aiohttp.ClientError) as exc:
            self._error(kind, None, repr(exc))
            return None
        self.samples[kind].append(time.perf_counter() - t0)
        if status != expect:
            self._error(kind, status, body[:300].decode(errors="replace"))
            return None
        return json.loads(body) if body else {}

    def _error(self, kind: str, status: int | None, detail: str) -> None:
        self.errors += 1
        if len(self.first_errors) < FIRST_ERRORS:
            self.first_errors.append({"kind": kind, "status": status, "detail": detail})

    def report(self, seconds: float) -> dict[str, Any]:
        requests = sum(len(s) for s in self.samples.values())
        return {
            "seconds": round(seconds, 1),
            "requests": requests,
            "requests_per_s": round(requests / seconds, 1),
            "orders_per_s": round(len(self.orders) / seconds, 2),
            "latency": {kind: summary(s) for kind, s in sorted(self.samples.items())},
            "errors": self.errors,
            "first_errors": self.first_errors,
        }


async def customer(
    session: aiohttp.ClientSession, rec: Recorder, base: str, token: str, slug: str, deadline: float
) -> None:
    """Browse, configure and order, again and again until the deadline."""
    auth = {"Authorization": f"Token {token}"}
    partials, complete = JOURNEYS[slug]
    api = f"{base}/api/v1"
    while time.monotonic() < deadline:
        await rec.call(session, "products", "GET", f"{api}/products/", 200, headers=auth)
        await rec.call(session, "product", "GET", f"{api}/products/{slug}/", 200, headers=auth)
        for spec in [*partials, complete]:
            await rec.call(session, "configure", "POST", f"{api}/products/{slug}/configure/", 200, headers=auth,
                           json={"spec": spec})  # fmt: skip
        body = {"lines": [{"product": slug, "spec": complete, "quantity": 1}], "note": ""}
        order = await rec.call(session, "order", "POST", f"{api}/orders/", 201, json=body,
                               headers={**auth, "Idempotency-Key": str(uuid.uuid4())})  # fmt: skip
        if order is not None:
            rec.orders.append(order["number"])
            await rec.call(session, "order_get", "GET", f"{api}/orders/{order['number']}/", 200, headers=auth)


async def intake_customer(
    session: aiohttp.ClientSession, rec: Recorder, base: str, token: str, slug: str, deadline: float
) -> None:
    """The product's intake alone, as the raw intake is driven: POST /api/v1/orders/ with the
    complete spec and a new Idempotency-Key, again and again until the deadline."""
    auth = {"Authorization": f"Token {token}"}
    body = {"lines": [{"product": slug, "spec": JOURNEYS[slug][1], "quantity": 1}], "note": ""}
    while time.monotonic() < deadline:
        order = await rec.call(session, "order", "POST", f"{base}/api/v1/orders/", 201, json=body,
                               headers={**auth, "Idempotency-Key": str(uuid.uuid4())})  # fmt: skip
        if order is not None:
            rec.orders.append(order["number"])


async def probe(session: aiohttp.ClientSession, rec: Recorder, url: str, deadline: float) -> None:
    """The trivial baseline: GET /healthz until the deadline."""
    while time.monotonic() < deadline:
        await rec.call(session, "healthz", "GET", url, 200)


async def raw_customer(
    session: aiohttp.ClientSession, rec: Recorder, url: str, customer_id: int, slug: str, deadline: float
) -> None:
    """The intake baseline: POST the same order body to the raw-SQL intake until the deadline."""
    body = {"lines": [{"product": slug, "spec": JOURNEYS[slug][1], "quantity": 1}], "note": ""}
    while time.monotonic() < deadline:
        headers = {"Idempotency-Key": str(uuid.uuid4()), "X-Customer": str(customer_id)}
        answer = await rec.call(session, "raw_intake", "POST", url, 201, json=body, headers=headers)
        if answer is not None:
            rec.orders.append(answer["number"])


async def drive(make: Any, count: int, seconds: float = SECONDS) -> tuple[Recorder, float]:
    """Run `count` clients made by make(session, rec, i, deadline) for `seconds`; the recorder and
    the wall time from the start until the last one finished."""
    rec = Recorder()
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as session:
        start = time.monotonic()
        deadline = start + seconds
        await asyncio.gather(*(make(session, rec, i, deadline) for i in range(count)))
        return rec, time.monotonic() - start


@contextmanager
def process(name: str, args: list[str], env: dict[str, str], logs: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A server process (its own process group) until the block ends; its output in logs/name."""
    with open(logs / name, "wb") as log:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_for(url: str, procs: list[subprocess.Popen[bytes]], logs: Path) -> None:
    import urllib.request

    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (our own http://127.0.0.1)
                return
        except OSError:
            pass
        if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
            raise SystemExit(f"{url} did not answer; logs in {logs}:\n" + "\n".join(
                f"== {f.name}\n{f.read_text(errors='replace')[-3000:]}" for f in logs.iterdir()))  # fmt: skip
        time.sleep(0.2)


def released_after(numbers: list[str]) -> dict[str, Any]:
    """Wait until every order in `numbers` has left `submitted` (up to DRAIN_SECONDS); released are
    those the release confirmed (their production orders made), held those it put on hold."""
    from django.db.models import Count

    from orders.models import Order

    start = time.monotonic()
    while True:
        pending = Order.objects.filter(number__in=numbers, status=Order.Status.SUBMITTED).count()
        waited = time.monotonic() - start
        if pending == 0 or waited > DRAIN_SECONDS:
            break
        time.sleep(0.5)
    statuses = dict(
        Order.objects.filter(number__in=numbers)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "orders_placed": len(numbers),
        "orders_released": len(numbers)
        - statuses.get(Order.Status.SUBMITTED, 0)
        - statuses.get(Order.Status.ON_HOLD, 0),
        "orders_on_hold": statuses.get(Order.Status.ON_HOLD, 0),
        "statuses": statuses,
        "all_left_submitted_within_s": round(waited, 1) if pending == 0 else None,
    }


def queries_per_placement(tokens: list[tuple[Any, str]]) -> dict[str, int]:
    """Queries of one placement in-process: the service, and the whole API call with a token."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from bom.selectors import engine_for, version_get_published
    from orders.services import order_place

    user, token = tokens[0]
    line = {"product": "mtm-suit", "spec": SUIT, "quantity": 1}
    engine_for(version_get_published(slug="mtm-suit"))  # compiled once per process, as in the workers
    order_place(customer=user, lines=[line], idempotency_key=str(uuid.uuid4()))  # warm caches
    with CaptureQueriesContext(connection) as service:
        order_place(customer=user, lines=[line], idempotency_key=str(uuid.uuid4()))
    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = {"lines": [line], "note": ""}
    client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    with CaptureQueriesContext(connection) as http:
        response = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 201, response.content
    return {"order_place": len(service.captured_queries), "http_post_order": len(http.captured_queries)}


def main() -> dict[str, Any]:
    web_port, raw_port = free_port(), free_port()
    env = {**server_env(web_port), "WEB_CONCURRENCY": str(WORKERS),
           "THROTTLE_RATES": "anon=1000000/min,user=1000000/min,auth=1000000/min"}  # fmt: skip
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "-v", "0")  # as make serve does
    manage(env, "seed_demo")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from knox.models import AuthToken

    from orders.models import OrderLine

    user_model = get_user_model()
    customers = max(LEVELS)
    tokens = []
    for i in range(customers):
        user, _ = user_model.objects.get_or_create(username=f"load-{i:03d}", defaults={"email": f"load{i}@example.com"})
        tokens.append((user, AuthToken.objects.create(user)[1]))
    queries = queries_per_placement(tokens)  # its orders are released once the worker starts
    template = OrderLine.objects.filter(product_slug="mtm-suit").order_by("-id").values_list("id", flat=True)[0]
    raw_user, _ = user_model.objects.get_or_create(username="load-raw")
    from django.db import connection

    connection.close()  # the servers get the database's connections; this process reconnects when it asks

    results: dict[str, Any] = {
        "benchmark": "loadtest",
        "seconds_per_level": SECONDS,
        "baseline_seconds": BASELINE_SECONDS,
        "web_concurrency": WORKERS,
        "celery_concurrency": CELERY_CONCURRENCY,
        "queries_per_placement": queries,
        "levels": {},
    }
    logs = Path(tempfile.mkdtemp(prefix="c2b-loadtest-"))
    web_env = env
    raw_env = {**env, "PORT": str(raw_port), "LOADTEST_TEMPLATE_LINE": str(template)}
    beat_schedule = str(logs / "celerybeat-schedule")
    with ExitStack() as stack:
        procs = [
            stack.enter_context(process("worker", [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=WARNING",
                                                   f"--concurrency={CELERY_CONCURRENCY}"], web_env, logs)),
            stack.enter_context(process("beat", [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=WARNING",
                                                 f"--schedule={beat_schedule}"], web_env, logs)),
            stack.enter_context(process("web", [str(BIN / "gunicorn"), "-c", "config/gunicorn.py",
                                                "config.wsgi:application"], web_env, logs)),
            stack.enter_context(process("raw", [str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "--pythonpath",
                                                "bench", "raw_intake:app"], raw_env, logs)),
        ]  # fmt: skip
        worker = procs[0]
        base = f"http://127.0.0.1:{web_port}"
        wait_for(f"{base}/healthz", procs, logs)
        slugs = list(JOURNEYS)

        for level in LEVELS:

            def shopper(session: Any, rec: Recorder, i: int, deadline: float) -> Any:
                return customer(session, rec, base, tokens[i][1], slugs[i % len(slugs)], deadline)

            rec, seconds = asyncio.run(drive(shopper, level))
            figures = rec.report(seconds)
            figures["release"] = released_after(rec.orders)
            results["levels"][str(level)] = {"product": figures}
            sys.stderr.write(f"loadtest: {level} customers: {figures['requests_per_s']} req/s\n")

            def orderer(session: Any, rec: Recorder, i: int, deadline: float) -> Any:
                return intake_customer(session, rec, base, tokens[i][1], slugs[i % len(slugs)], deadline)

            # The raw intake's orders are never released; these are, once the run is over: the
            # worker is paused meanwhile, so both intakes meet the same machine.
            os.killpg(worker.pid, signal.SIGSTOP)
            try:
                rec, seconds = asyncio.run(drive(orderer, level, BASELINE_SECONDS))
            finally:
                os.killpg(worker.pid, signal.SIGCONT)
            figures = rec.report(seconds)
            figures["worker_paused"] = True
            figures["release"] = released_after(rec.orders)
            results["levels"][str(level)]["intake_only"] = figures
            sys.stderr.write(f"loadtest: {level} customers, intake only: {figures['orders_per_s']} orders/s\n")

        for level in LEVELS:

            def health(session: Any, rec: Recorder, i: int, deadline: float) -> Any:
                return probe(session, rec, f"{base}/healthz", deadline)

            def raw(session: Any, rec: Recorder, i: int, deadline: float) -> Any:
                url = f"http://127.0.0.1:{raw_port}/"
                return raw_customer(session, rec, url, raw_user.pk, slugs[i % len(slugs)], deadline)

            trivial, trivial_s = asyncio.run(drive(health, level, BASELINE_SECONDS))
            intake, intake_s = asyncio.run(drive(raw, level, BASELINE_SECONDS))
            row = results["levels"][str(level)]
            row["baseline_healthz"] = trivial.report(trivial_s)
            row["baseline_raw_intake"] = intake.report(intake_s)
            ours, floor, probe_ = row["product"], row["baseline_raw_intake"], row["baseline_healthz"]
            order_p50 = ours["latency"].get("order", {}).get("p50_ms")
            intake = row["intake_only"]
            intake_p50 = intake["latency"].get("order", {}).get("p50_ms")
            row["ratios"] = {
                "healthz_requests_per_s_to_ours": round(probe_["requests_per_s"] / ours["requests_per_s"], 1),
                "raw_intake_orders_per_s_to_ours": round(floor["orders_per_s"] / ours["orders_per_s"], 1)
                if ours["orders_per_s"]
                else None,
                "order_p50_to_raw_intake_p50": round(order_p50 / floor["latency"]["raw_intake"]["p50_ms"], 1)
                if order_p50
                else None,
                "order_p50_to_healthz_p50": round(order_p50 / probe_["latency"]["healthz"]["p50_ms"], 1)
                if order_p50
                else None,
                # like with like: the same concurrency, each client only placing orders
                "raw_intake_orders_per_s_to_intake_only": round(floor["orders_per_s"] / intake["orders_per_s"], 2)
                if intake["orders_per_s"]
                else None,
                "intake_only_order_p50_to_raw_intake_p50": round(
                    intake_p50 / floor["latency"]["raw_intake"]["p50_ms"], 2
                )
                if intake_p50
                else None,
            }
            sys.stderr.write(f"loadtest: baselines at {level}\n")
    if not any(row[part]["errors"] for row in results["levels"].values() for part in row if part != "ratios"):
        shutil.rmtree(logs, ignore_errors=True)
    else:
        sys.stderr.write(f"loadtest: errors; the servers' logs are in {logs}\n")
    parts = ("product", "intake_only", "baseline_healthz", "baseline_raw_intake")
    results["errors"] = sum(row[part]["errors"] for row in results["levels"].values() for part in parts)
    return results


if __name__ == "__main__":
    figures = main()
    print(json.dumps(figures, indent=2))
    sys.exit(1 if figures["errors"] else 0)
