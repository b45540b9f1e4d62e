"""Writes of orders: placement (idempotent, configured server-side), release into production,
and every status transition, each recording an event on the customer's timeline."""

import hashlib
import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.language import user_language
from bom import selectors as catalog
from config.errors import (
    DomainError,
    IdempotencyKeyReused,
    InvalidInput,
    InvalidTransition,
    NotFound,
    ServiceBusy,
    SpecInvalid,
)
from config.transactions import retry_on_conflict
from orders.models import IdempotencyKey, Order, OrderEvent, OrderLine
from outbox.services import outbox_enqueue, outbox_enqueue_many
from production import services as production
from production.selectors import estimate_ship_date

logger = logging.getLogger(__name__)
S = Order.Status
RELEASE_TASK = "orders.release"
NOTIFY_TASK = "orders.notify_customer"
# The events a customer is e-mailed about, with the mail's subject (in the customer's language).
MILESTONE_SUBJECTS = {
    "submitted": gettext_lazy("we have your order"),
    "confirmed": gettext_lazy("your order is confirmed"),
    "material_reserved": gettext_lazy("all material has arrived"),
    "in_production": gettext_lazy("your order is being made"),
    "completed": gettext_lazy("your order is ready to ship"),
    "shipped": gettext_lazy("your order is on its way"),
    "on_hold": gettext_lazy("we are checking your order"),
    "cancelled": gettext_lazy("your order is cancelled"),
}
# A status as a refusal names it in a sentence ("An order that is on hold cannot ...").
STATUS_WORDS: dict[str, Any] = {
    S.SUBMITTED: pgettext_lazy("status in a sentence", "submitted"),
    S.ON_HOLD: pgettext_lazy("status in a sentence", "on hold"),
    S.CONFIRMED: pgettext_lazy("status in a sentence", "confirmed"),
    S.IN_PRODUCTION: pgettext_lazy("status in a sentence", "in production"),
    S.COMPLETED: pgettext_lazy("status in a sentence", "completed"),
    S.SHIPPED: pgettext_lazy("status in a sentence", "shipped"),
    S.CANCELLED: pgettext_lazy("status in a sentence", "cancelled"),
}

# The order's state machine: what each status may become.
TRANSITIONS: dict[str, set[str]] = {
    S.SUBMITTED: {S.CONFIRMED, S.ON_HOLD, S.CANCELLED},
    S.ON_HOLD: {S.SUBMITTED, S.CANCELLED},
    S.CONFIRMED: {S.IN_PRODUCTION, S.COMPLETED, S.CANCELLED},
    S.IN_PRODUCTION: {S.COMPLETED},
    S.COMPLETED: {S.SHIPPED},
    S.SHIPPED: set(),
    S.CANCELLED: set(),
}
# Before production starts (whether it has started is checked against the operations too).
CANCELLABLE = (S.SUBMITTED, S.ON_HOLD, S.CONFIRMED)
NUMBER_PREFIX = "C2B-"
UUID_EXAMPLE = "3f2b8c1e-5d4a-4f6b-9a7c-2e1d0c9b8a76"


def _transition(
    order: Order,
    to: str,
    *,
    kind: str,
    params: dict[str, Any] | None = None,
    code: str = "invalid_transition",
    also: Sequence[str] = (),
) -> None:
    """Move the order to `to` and record the event; `also` names fields the caller changed on the
    order, saved in the same UPDATE."""
    if to not in TRANSITIONS[order.status]:
        raise InvalidTransition(
            _("An order that is %(status)s cannot become %(to)s.")
            % {"status": STATUS_WORDS[order.status], "to": STATUS_WORDS[to]},
            code=code,
        )
    order.status = to
    order.save(update_fields=["status", *also, "updated_at"])
    _notify([OrderEvent.objects.create(order=order, kind=kind, params=params or {})])


def _notify(events: Sequence[OrderEvent]) -> None:
    """E-mail the customer about the milestones among these events, after commit (the outbox)."""
    outbox_enqueue_many(messages=[(NOTIFY_TASK, [e.pk]) for e in events if e.kind in MILESTONE_SUBJECTS])


def order_event_notify(*, event_id: int) -> bool:
    """E-mail the customer about one milestone of their order, once; False when there was nothing
    to send (already sent, no address, not a milestone). The mark is set after the mail is handed
    to the mail server, so a crash in between sends it again rather than never."""
    event = OrderEvent.objects.select_related("order__customer").filter(pk=event_id, notified_at__isnull=True).first()
    if event is None or event.kind not in MILESTONE_SUBJECTS:
        return False
    customer = event.order.customer
    if customer.email:
        subject, body = milestone_mail(event, language=user_language(customer))
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[customer.email])
    OrderEvent.objects.filter(pk=event.pk).update(notified_at=timezone.now())
    return bool(customer.email)


def milestone_mail(event: OrderEvent, *, language: str) -> tuple[str, str]:
    """The subject and body of the mail about a milestone event, in `language`, with the link to
    the order's page."""
    number = event.order.number
    link = f"{settings.SITE_URL.rstrip('/')}/orders/{number}/"
    with translation.override(language):
        subject = _("%(number)s: %(subject)s") % {"number": number, "subject": MILESTONE_SUBJECTS[event.kind]}
        body = _("%(text)s\n\nFollow your order: %(link)s\n") % {"text": event.text, "link": link}
    return subject, body


def _digest(lines: Sequence[Mapping[str, Any]], note: str) -> str:
    canonical = json.dumps({"lines": list(lines), "note": note}, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _configure_lines(lines: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Configure every line server-side; raises SpecInvalid with errors under lines[i].spec."""
    configured: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    versions: dict[str, Any] = {}
    for line in lines:
        slug = line["product"]
        if slug not in versions:
            try:
                versions[slug] = catalog.version_get_published(slug=slug)
            except NotFound:
                versions[slug] = None
        version = versions[slug]
        if version is None:
            errors.append({"product": [_("There is no product '%(slug)s'.") % {"slug": slug}]})
            configured.append({})
            continue
        result = catalog.engine_for(version).configure(line.get("spec") or {}, strict=True)
        if not result["valid"]:
            errors.append({"spec": result["errors"]})
        elif Decimal(result["price"]) < 0:
            # Publishing refuses such catalogs; this guards an order against one that slipped by.
            errors.append(
                {"spec": {"non_field_errors": [_("This configuration cannot be priced; please contact us.")]}}
            )
        else:
            errors.append({})
        configured.append({"version": version, "result": result, "quantity": line["quantity"]})
    if any(errors):
        raise SpecInvalid({"lines": errors})
    currencies = sorted({c["result"]["currency"] for c in configured})
    if len(currencies) > 1:
        raise SpecInvalid(
            {"lines": [_("An order is paid in one currency; these lines are in %(currencies)s. "
                         "Place one order per currency.") % {"currencies": _(" and ").join(currencies)}]}
        )  # fmt: skip
    return configured


@retry_on_conflict
def order_place(
    *, customer: Any, lines: Sequence[Mapping[str, Any]], note: str = "", idempotency_key: str | None
) -> tuple[Order, bool]:
    """Place an order: configure each line, freeze the snapshot, and release it after commit.

    Returns (order, created). With a key already used by this customer, returns that order if the
    body is the same. Raises SpecInvalid (400) and IdempotencyKeyReused (422).
    """
    if idempotency_key is not None:
        idempotency_key = _valid_key(idempotency_key)
    digest = _digest(lines, note)
    # A new key is the common case: it is not looked up first. Its INSERT, right after the order's,
    # fails when the key was used before, and nothing of this attempt stays.
    try:
        configured = _configure_lines(lines)
    except SpecInvalid:
        replay = _replay(customer, idempotency_key, digest) if idempotency_key else None
        if replay is None:
            raise
        return replay, False  # a retry answers its order, even if the spec no longer configures
    try:
        with transaction.atomic():
            order, event = _order_create(
                customer=customer, configured=configured, note=note, key=idempotency_key, digest=digest
            )
            # The "we have your order" mail and the release: one INSERT, one DELETE once sent.
            outbox_enqueue_many(messages=[(NOTIFY_TASK, [event.pk]), (RELEASE_TASK, [order.pk])])
    except IntegrityError:
        # The key was used before (a retry, or a concurrent request that won the race): answer
        # with its order, or refuse if it was for another body.
        replay = _replay(customer, idempotency_key, digest) if idempotency_key else None
        if replay is None:
            raise
        return replay, False
    return order, True


def _valid_key(key: str) -> str:
    try:
        return str(uuid.UUID(key))
    except (ValueError, AttributeError, TypeError):
        raise InvalidInput(
            "Idempotency-Key", _("Must be a UUID, such as %(example)s.") % {"example": UUID_EXAMPLE}
        ) from None


def _replay(customer: Any, key: str, digest: str) -> Order | None:
    found = IdempotencyKey.objects.filter(user=customer, key=key).select_related("order").first()
    if found is None:
        return None
    if found.request_digest != digest:
        raise IdempotencyKeyReused(_("This Idempotency-Key was already used for a different order."))
    return found.order


def _order_create(
    *, customer: Any, configured: list[dict[str, Any]], note: str, key: str | None, digest: str
) -> tuple[Order, OrderEvent]:
    """Write the order, its idempotency key, its lines and its "submitted" event, one statement
    each. The order comes back as order_detail_queryset would load it (its lines and events in
    place), so that answering with it reads nothing back. Raises IntegrityError when the key was
    used before."""
    order = Order(
        customer=customer,
        status=S.SUBMITTED,
        currency=configured[0]["result"]["currency"],
        total=sum((Decimal(c["result"]["price"]) * c["quantity"] for c in configured), Decimal("0")),
        note=note,
    )
    _order_insert(order)
    if key:
        IdempotencyKey.objects.create(user=customer, key=key, request_digest=digest, order=order)
    lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            position=i + 1,
            product_version=c["version"],
            product_slug=c["version"].product.slug,
            spec=c["result"]["normalized_spec"],
            quantity=c["quantity"],
            unit_price=Decimal(c["result"]["price"]),
            bom=c["result"]["bom"],
            routing=c["result"]["routing"],
            footprint=c["result"]["footprint"],
        )
        for i, c in enumerate(configured)
    )
    event = OrderEvent.objects.create(order=order, kind="submitted", params={"number": order.number})
    for line in lines:
        OrderLine.production_order.related.set_cached_value(line, None)  # released later
    _prefetched(order, "lines", lines)
    _prefetched(order, "events", [event])
    return order, event


def order_number(order_id: int) -> str:
    """An order's number, from its id: C2B-000123."""
    return f"{NUMBER_PREFIX}{order_id:06d}"


def _order_insert(order: Order) -> None:
    """INSERT the order with its number, which is made from its id. On PostgreSQL one statement
    draws the id from the table's sequence and writes both; elsewhere (SQLite, the embedded
    default) the number is set by an UPDATE after the INSERT."""
    if connection.vendor != "postgresql":
        order.number = f"tmp-{uuid.uuid4().hex[:16]}"
        order.save(force_insert=True)
        order.number = order_number(order.pk)
        Order.objects.filter(pk=order.pk).update(number=order.number)
        return
    fields = [f for f in Order._meta.local_concrete_fields if f.attname not in ("id", "number")]
    values = [f.get_db_prep_save(f.pre_save(order, add=True), connection) for f in fields]  # sets the timestamps
    table, quote = Order._meta.db_table, connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        # lpad to 6 digits, and no further (lpad cuts a longer text): the same as order_number.
        cursor.execute(
            f"INSERT INTO {quote(table)} (id, number, {columns})"  # noqa: S608 (names from the model)
            f" SELECT n.id, %s || lpad(n.id::text, greatest(6, length(n.id::text)), '0'),"
            f" {', '.join(['%s'] * len(values))}"
            f" FROM (SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id) AS n RETURNING id, number",
            [NUMBER_PREFIX, *values, table],
        )
        order.pk, order.number = cursor.fetchone()
    order._state.adding = False
    order._state.db = connection.alias


def _prefetched(order: Order, relation: str, rows: Sequence[Any]) -> None:
    """Put `rows` in place as the order's prefetched `relation` (what prefetch_related leaves),
    so that reading order.<relation>.all() costs no query."""
    rows_qs = getattr(order, relation).all()
    rows_qs._result_cache = list(rows)
    rows_qs._prefetch_done = True
    cache: dict[str, Any] = order.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[relation] = rows_qs


def _release_request(order_id: int) -> None:
    """Release the order after this transaction commits (the outbox: a broker outage delays it,
    never loses it; orders.release_pending is the last resort)."""
    outbox_enqueue(task=RELEASE_TASK, args=[order_id])


def orders_pending_release(*, older_than: timedelta) -> list[int]:
    """Orders still submitted after `older_than`: their release task was lost or gave up."""
    cutoff = timezone.now() - older_than
    return list(
        Order.objects.filter(status=S.SUBMITTED, created_at__lt=cutoff).order_by("pk").values_list("pk", flat=True)
    )


def order_release(*, order_id: int) -> Order | None:
    """Release a submitted order into production: one production order per line, material
    reserved where stock allows, a promised date, status confirmed. Idempotent: the whole release
    is one transaction under the order's lock, and a line that has its production order is skipped.

    A release that fails for a reason no retry can fix (a work center or item the order needs no
    longer exists, a value the database refuses) puts the order on hold with the reason, for a
    planner to resolve (order_hold_release); the sweep then leaves it alone.
    """
    try:
        return _order_release(order_id=order_id)
    except ServiceBusy:
        raise  # a lost race: the task retries
    except (DomainError, IntegrityError, DataError) as exc:
        reason = (
            exc.message
            if isinstance(exc, DomainError)
            else _("The database refused the release: %(error)s") % {"error": exc}
        )
        return order_hold(order_id=order_id, reason=reason)


@retry_on_conflict
def _order_release(*, order_id: int) -> Order | None:
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or order.status != S.SUBMITTED:
            return order  # already released, on hold, cancelled or gone: nothing to do
        lines = list(order.lines.order_by("position"))
        # One lock on every item of every line, in primary-key order, before any line reserves:
        # two multi-line orders released at once then queue instead of deadlocking.
        locked = production.material_lock(boms=[line.bom for line in lines])
        waiting = []
        promised = None
        for line in lines:
            estimate = estimate_ship_date(line.routing, line.quantity)
            po, _created = production.production_order_create(
                order_line_id=line.pk,
                product=line.product_slug,
                quantity=line.quantity,
                bom=line.bom,
                routing=line.routing,
                promised_date=estimate,
                locked=locked,
            )
            if po.status == po.Status.AWAITING_MATERIAL:
                waiting.append(po.number)
            if estimate and (promised is None or estimate > promised):
                promised = estimate
        order.promised_date = promised
        when = {"promised_date": promised.isoformat()} if promised else {}
        _transition(order, S.CONFIRMED, kind="confirmed", params=when, also=["promised_date"])
        if waiting:
            OrderEvent.objects.create(order=order, kind="awaiting_material")
        production.replan_request()
    return order


@retry_on_conflict
def order_hold(*, order_id: int, reason: str) -> Order | None:
    """Stop a submitted order before release: `reason` is for the planners; the customer is told
    the order is being checked. Returns the order (unchanged unless it was submitted)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or order.status != S.SUBMITTED:
            return order
        logger.warning("Order %s is on hold: %s", order.number, reason)
        order.hold_reason = reason[:2000]
        _transition(order, S.ON_HOLD, kind="on_hold", also=["hold_reason"])
    return order


@retry_on_conflict
def order_hold_release(*, order: Order, user: Any) -> Order:
    """A planner has resolved what held the order: release it again. Raises InvalidTransition (409,
    not_on_hold)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != S.ON_HOLD:
            raise InvalidTransition(_("Only an order on hold can be released again."), code="not_on_hold")
        order.hold_reason = ""
        _transition(order, S.SUBMITTED, kind="released", also=["hold_reason"])
        _release_request(order.pk)
    return order


class _ProductionAppeared(Exception):
    """The order was released while we waited for its lock; start again with the new locks."""


def order_cancel(*, order: Order, user: Any) -> Order:
    """Cancel an order before production starts; its reserved material goes back to stock.

    Raises InvalidTransition (409, not_cancellable).
    """
    return _order_cancel(order)


@retry_on_conflict
def _order_cancel(order: Order) -> Order:
    for _attempt in range(3):
        try:
            return _order_cancel_once(order)
        except _ProductionAppeared:
            continue
    raise InvalidTransition(_("The order is changing right now; try again."), code="busy")


@transaction.atomic
def _order_cancel_once(order: Order) -> Order:
    line_ids = list(OrderLine.objects.filter(order=order).values_list("pk", flat=True))
    locked = production.production_orders_lock(order_line_ids=line_ids)  # production's lock comes first
    order = Order.objects.select_for_update().get(pk=order.pk)
    if production.production_order_ids(order_line_ids=line_ids) != locked:
        raise _ProductionAppeared  # released meanwhile: its production orders must be locked first
    if order.status == S.CANCELLED:
        raise InvalidTransition(_("This order is already cancelled."), code="not_cancellable")
    if order.status not in CANCELLABLE or not production.production_orders_cancellable(order_line_ids=line_ids):
        raise InvalidTransition(
            _("This order can no longer be cancelled: production has started."), code="not_cancellable"
        )
    production.production_orders_cancel(order_line_ids=line_ids)  # gives material back, re-allocates
    _transition(order, S.CANCELLED, kind="cancelled")
    return order


@retry_on_conflict
@transaction.atomic
def order_ship(*, order: Order, user: Any) -> Order:
    """Mark a completed order shipped. Raises InvalidTransition (409, not_completed)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != S.COMPLETED:
        raise InvalidTransition(_("Only a completed order can be shipped."), code="not_completed")
    _transition(order, S.SHIPPED, kind="shipped")
    return order


def order_mark_in_production(*, order_line_id: int) -> None:
    """The first operation of one of the order's production orders has started."""
    order = Order.objects.select_for_update().get(lines__pk=order_line_id)
    if order.status == S.CONFIRMED:
        _transition(order, S.IN_PRODUCTION, kind="in_production")


def order_complete_if_done(*, order_line_id: int) -> None:
    """Complete the order once every production order of its lines is done."""
    order = Order.objects.select_for_update().get(lines__pk=order_line_id)
    if order.status not in (S.CONFIRMED, S.IN_PRODUCTION):
        return
    open_lines = order.lines.exclude(production_order__status="done").exists()
    if not open_lines:
        _transition(order, S.COMPLETED, kind="completed")


def orders_note_material_arrived(*, order_line_ids: list[int]) -> None:
    """Tell each customer whose order got its last material (one event per order, in bulk)."""
    order_ids = sorted(set(OrderLine.objects.filter(pk__in=order_line_ids).values_list("order_id", flat=True)))
    _notify(
        OrderEvent.objects.bulk_create(
            OrderEvent(order_id=order_id, kind="material_reserved") for order_id in order_ids
        )
    )
