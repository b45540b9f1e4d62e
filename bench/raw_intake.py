"""A hand-written raw-SQL order intake: the baseline of `make loadtest` (bench/loadtest.py), never
part of the product. A tiny WSGI app, served by gunicorn with the product's worker count on the
same PostgreSQL, that performs the same writes as a placement (orders.services.order_place), in
the same statements:

    BEGIN
    INSERT the order, its number made from its id in the same statement
    INSERT the idempotency key (not looked up first: a key used before fails here, and the
        request answers the key's order after the rollback)
    INSERT its line (the configured snapshot: price, BOM, routing, footprint)
    INSERT its "submitted" event
    INSERT the two outbox rows (the customer's mail, the release)
    COMMIT
    DELETE the two outbox rows, in one statement (the product drops both once Redis took them)

What it leaves out, so that it is a floor: authentication (the customer's id comes in the
X-Customer header), throttling, reading the product's published version, configuring the spec
(the snapshot is the one of LOADTEST_TEMPLATE_LINE, an order line the product wrote, copied as it
is), the two tasks sent to Redis, and the order serialized back (it answers {"number"}). POST any
path with the product's order body and an Idempotency-Key header; 201.

    gunicorn -c config/gunicorn.py bench.raw_intake:app   (DATABASE_URL, LOADTEST_TEMPLATE_LINE)
"""

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

_connection: psycopg.Connection[Any] | None = None
_template: tuple[Any, ...] | None = None


def _db() -> psycopg.Connection[Any]:
    """One connection per gunicorn worker, opened on its first request."""
    global _connection, _template
    if _connection is None or _connection.closed:
        url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
        _connection = psycopg.connect(url, autocommit=True)
        _template = _connection.execute(
            "SELECT product_version_id, product_slug, spec, quantity, unit_price, bom, routing, footprint, o.currency"
            " FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id WHERE l.id = %s",
            [int(os.environ["LOADTEST_TEMPLATE_LINE"])],
        ).fetchone()
    return _connection


def _place(customer: int, key: str, body: bytes) -> tuple[str, bool]:
    db = _db()
    assert _template is not None
    version, slug, spec, quantity, price, bom, routing, footprint, currency = _template
    digest = hashlib.sha256(body).hexdigest()
    try:
        with db.transaction():
            (order_id, number) = db.execute(
                "INSERT INTO orders_order (id, number, customer_id, status, currency, total, note, hold_reason,"
                " created_at, updated_at) SELECT n.id, 'RAW-' || lpad(n.id::text, greatest(6, length(n.id::text)),"
                " '0'), %s, 'submitted', %s, %s, '', '', now(), now()"
                " FROM (SELECT nextval(pg_get_serial_sequence('orders_order', 'id')) AS id) AS n RETURNING id, number",
                [customer, currency, price * quantity],
            ).fetchone() or (0, "")
            db.execute(
                "INSERT INTO orders_idempotencykey (user_id, key, request_digest, order_id, created_at)"
                " VALUES (%s, %s, %s, %s, now())",
                [customer, key, digest, order_id],
            )
            db.execute(
                "INSERT INTO orders_orderline (order_id, position, product_version_id, product_slug, spec, quantity,"
                " unit_price, bom, routing, footprint) VALUES (%s, 1, %s, %s, %s, %s, %s, %s, %s, %s)",
                [order_id, version, slug, Jsonb(spec), quantity, price, Jsonb(bom), Jsonb(routing), Jsonb(footprint)],
            )
            (event_id,) = db.execute(
                "INSERT INTO orders_orderevent (order_id, at, kind, params, message)"
                " VALUES (%s, now(), 'submitted', %s, '') RETURNING id",
                [order_id, Jsonb({"number": number})],
            ).fetchone() or (0,)
            messages = db.execute(
                "INSERT INTO outbox_message (task, args, created_at, attempts, last_error) VALUES"
                " ('orders.notify_customer', %s, now(), 0, ''), ('orders.release', %s, now(), 0, '') RETURNING id",
                [Jsonb([event_id]), Jsonb([order_id])],
            ).fetchall()
    except psycopg.errors.UniqueViolation:
        found = db.execute(
            "SELECT o.number FROM orders_idempotencykey k JOIN orders_order o ON o.id = k.order_id"
            " WHERE k.user_id = %s AND k.key = %s",
            [customer, key],
        ).fetchone()
        if found is None:
            raise
        return str(found[0]), False
    db.execute("DELETE FROM outbox_message WHERE id = ANY(%s)", [[m for (m,) in messages]])
    return str(number), True


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """POST an order body (Idempotency-Key and X-Customer headers): 201 {"number"}."""
    if environ["REQUEST_METHOD"] != "POST":
        start_response("405 Method Not Allowed", [("Content-Type", "application/json")])
        return [b'{"detail": "POST only"}']
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    json.loads(body)  # parsed, as the product parses it
    number, created = _place(int(environ["HTTP_X_CUSTOMER"]), str(uuid.UUID(environ["HTTP_IDEMPOTENCY_KEY"])), body)
    start_response("201 Created" if created else "200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"number": number}).encode()]
