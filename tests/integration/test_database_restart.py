"""PostgreSQL restarts (`pg_ctl restart -m fast`) under the production shape while customers place
orders: the requests it cuts off are answered 503 `database_unavailable` (never a 500, never the
driver's words), the service recovers by itself (the same gunicorn workers answer 201 at once,
after a restart while they were idle too: a dead pooled connection is replaced before it is used),
and afterwards every order is one its customer was answered 201 for, released exactly once, with
stock levels equal to the ledger. The test runs a PostgreSQL of its own (tests/integration/
own_postgres.py), migrated and seeded like `make serve`, and scripts/serve on it with a Redis of
its own."""

import json
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.factories import suit_spec
from tests.integration.own_postgres import OwnPostgres
from tests.ops.test_serve_supervision import RedisServer, Serve, descendants, start_serve, stop_everything, wait_for

pytestmark = pytest.mark.integration

PASSWORD = "restart-demo-" + secrets.token_hex(8)
ENV = {"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": secrets.token_urlsafe(45),
       "DEMO_PASSWORD": PASSWORD}  # fmt: skip


@dataclass
class Answer:
    key: str
    started: float
    status: int | None  # None: no HTTP answer at all (the connection was refused or dropped)
    body: dict


@dataclass
class Service:
    pg: OwnPostgres
    serve: Serve

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.serve.port}{path}"

    def web_processes(self) -> set[int]:
        """gunicorn's master and its workers."""
        master = self.serve.program("config.wsgi:application")
        assert master is not None, self.serve.output()
        return {master, *descendants(master)}


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    pg, redis = OwnPostgres(), RedisServer(tmp_path)
    serve = None
    try:
        pg.start()
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            done = pg.manage(*command, env=ENV)
            assert done.returncode == 0, done.stdout + done.stderr
        redis.start()
        serve = start_serve(tmp_path, **ENV, DATABASE_URL=pg.url, CELERY_BROKER_URL=redis.url, WEB_CONCURRENCY="2",
                            CELERY_CONCURRENCY="2", LOG_FORMAT="plain")  # fmt: skip
        wait_for(lambda: serve.status() == 200, timeout=120, what="the service's first 200", serve=serve)
        yield Service(pg, serve)
    finally:
        if serve is not None:
            stop_everything(serve)
        redis.stop()
        pg.remove()


def place(session: requests.Session, url: str, key: str) -> Answer:
    started = time.monotonic()
    body = {"lines": [{"product": "mtm-suit", "quantity": 1, "spec": suit_spec()}]}
    try:
        response = session.post(url, json=body, headers={"Idempotency-Key": key}, timeout=30)
    except requests.ConnectionError as error:
        return Answer(key, started, None, {"error": str(error)})
    try:
        answer = response.json()
    except json.JSONDecodeError:
        answer = {"text": response.text[:500]}
    return Answer(key, started, response.status_code, answer)


def customer(service: Service, token: str, answers: list[Answer], stop: threading.Event) -> None:
    """Place orders one after another; a refused one is tried again with its key until it is 201."""
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    while not stop.is_set():
        key = str(uuid.uuid4())
        for _ in range(60):
            answer = place(session, service.url("/api/v1/orders/"), key)
            answers.append(answer)
            if answer.status == 201:
                break
            time.sleep(0.25)


def placements_waiting_for_a_lock(pg: OwnPostgres) -> int:
    return pg.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    """AND query LIKE 'INSERT INTO "orders_orderline"%%'""")[0][0]  # fmt: skip


def test_a_database_restart_under_a_stream_of_orders_costs_retries_only(service):
    pg = service.pg
    token = requests.post(service.url("/api/v1/auth/token/"), json={"username": "alice", "password": PASSWORD},
                          timeout=30).json()["token"]  # fmt: skip
    web = service.web_processes()
    answers: list[Answer] = []
    stop = threading.Event()
    clients = [threading.Thread(target=customer, args=(service, token, answers, stop)) for _ in range(3)]
    for client in clients:
        client.start()
    try:
        # given customers placing orders, some of them answered already
        wait_for(lambda: sum(a.status == 201 for a in answers) >= 6, timeout=60, what="orders placed",
                 serve=service.serve)  # fmt: skip
        # and the next orders held inside their transactions (as slow writes would be), one in each
        # of gunicorn's two workers, each with its order row written and its lines not yet
        holder = pg.connect()
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE orders_orderline IN EXCLUSIVE MODE")
        wait_for(lambda: placements_waiting_for_a_lock(pg) >= 2, timeout=30, what="two orders in flight")
        # when PostgreSQL restarts, cutting them off
        pg.restart()
        restarted = time.monotonic()
        holder.close()
        # and customers go on ordering
        wait_for(lambda: sum(a.status == 201 and a.started > restarted for a in answers) >= 9, timeout=60,
                 what="orders after the restart", serve=service.serve)  # fmt: skip
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=60)

    # then the orders cut off were answered 503 database_unavailable, in the API's shape
    refused = [a for a in answers if a.status != 201]
    assert len(refused) >= 2
    assert {(a.status, a.body.get("code"), tuple(sorted(a.body))) for a in refused} == {
        (503, "database_unavailable", ("code", "detail"))
    }, refused
    # and every order placed after the restart was answered 201 at once, by the same gunicorn workers
    assert [a for a in answers if a.started > restarted and a.status != 201] == []
    assert service.web_processes() == web

    # when PostgreSQL restarts again while the service is idle (each worker holding a connection)
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    answers += [place(session, service.url("/api/v1/orders/"), str(uuid.uuid4())) for _ in range(4)]
    pg.restart()
    restarted = time.monotonic()
    # then each worker finds its connection dead before using it, and takes a new one: all 201
    answers += [place(session, service.url("/api/v1/orders/"), str(uuid.uuid4())) for _ in range(6)]
    assert [a for a in answers if a.started > restarted and a.status != 201] == []
    assert service.web_processes() == web

    # and each order exists once, for a key answered 201: nothing half-placed, nothing lost
    answered = {a.key: a.body["number"] for a in answers if a.status == 201}
    assert len(set(answered.values())) == len(answered)
    in_database = dict(pg.query("SELECT k.key::text, o.number FROM orders_order o "
                                "LEFT JOIN orders_idempotencykey k ON k.order_id = o.id"))  # fmt: skip
    assert in_database == answered
    # and each is released exactly once: confirmed, one production order per line, one confirmation
    released = "SELECT count(*) FROM orders_order WHERE status = 'confirmed'"
    wait_for(lambda: pg.query(released)[0][0] == len(answered), timeout=120, what="every order released",
             serve=service.serve)  # fmt: skip
    assert pg.query("SELECT count(*) FROM orders_orderline l LEFT JOIN production_productionorder p "
                    "ON p.order_line_id = l.id GROUP BY l.id HAVING count(p.id) <> 1") == []  # fmt: skip
    assert pg.query("SELECT order_id FROM orders_orderevent WHERE kind = 'confirmed' GROUP BY order_id "
                    "HAVING count(*) <> 1") == []  # fmt: skip
    # and the stock levels equal the ledger, every reservation with its owner
    check = pg.manage("inventory_check", env=ENV)
    assert check.returncode == 0, check.stdout + check.stderr
