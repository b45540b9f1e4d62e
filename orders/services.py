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

from django.db import IntegrityError, transaction
from django.utils import timezone

from bom import selectors as catalog
from config.errors import IdempotencyKeyReused, InvalidInput, InvalidTransition, NotFound, SpecInvalid
from orders.models import IdempotencyKey, Order, OrderEvent, OrderLine
from production import services as production
from production.selectors import estimate_ship_date

logger = logging.getLogger(__name__)
S = Order.Status

# The order's state machine: what each status may become.
TRANSITIONS: dict[str, set[str]] = {
    S.SUBMITTED: {S.CONFIRMED, S.CANCELLED},
    S.CONFIRMED: {S.IN_PRODUCTION, S.COMPLETED, S.CANCELLED},
    S.IN_PRODUCTION: {S.COMPLETED},
    S.COMPLETED: {S.SHIPPED},
    S.SHIPPED: set(),
    S.CANCELLED: set(),
}


def _transition(order: Order, to: str, *, kind: str, message: str, code: str = "invalid_transition") -> None:
    if to not in TRANSITIONS[order.status]:
        raise InvalidTransition(
            f"An order that is {order.status.replace('_', ' ')} cannot become {to.replace('_', ' ')}.", code=code
        )
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    OrderEvent.objects.create(order=order, kind=kind, message=message)


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
            errors.append({"product": [f"There is no product '{slug}'."]})
            configured.append({})
            continue
        result = catalog.engine_for(version).configure(line.get("spec") or {}, strict=True)
        errors.append({"spec": result["errors"]} if not result["valid"] else {})
        configured.append({"version": version, "result": result, "quantity": line["quantity"]})
    if any(errors):
        raise SpecInvalid({"lines": errors})
    return configured


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
    if idempotency_key:
        replay = _replay(customer, idempotency_key, digest)
        if replay is not None:
            return replay, False
    configured = _configure_lines(lines)
    try:
        with transaction.atomic():
            order = _order_create(customer=customer, configured=configured, note=note)
            if idempotency_key:
                IdempotencyKey.objects.create(user=customer, key=idempotency_key, request_digest=digest, order=order)
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its order.
        replay = _replay(customer, idempotency_key, digest) if idempotency_key else None
        if replay is None:
            raise
        return replay, False
    return order, True


def _valid_key(key: str) -> str:
    try:
        return str(uuid.UUID(key))
    except (ValueError, AttributeError, TypeError):
        raise InvalidInput("Idempotency-Key", "Must be a UUID, such as 3f2b8c1e-5d4a-4f6b-9a7c-2e1d0c9b8a76.") from None


def _replay(customer: Any, key: str, digest: str) -> Order | None:
    found = IdempotencyKey.objects.filter(user=customer, key=key).select_related("order").first()
    if found is None:
        return None
    if found.request_digest != digest:
        raise IdempotencyKeyReused("This Idempotency-Key was already used for a different order.")
    return found.order


def _order_create(*, customer: Any, configured: list[dict[str, Any]], note: str) -> Order:
    total = sum((Decimal(c["result"]["price"]) * c["quantity"] for c in configured), Decimal("0"))
    order = Order.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:16]}",
        customer=customer,
        status=S.SUBMITTED,
        currency=configured[0]["result"]["currency"],
        total=total,
        note=note,
    )
    order.number = f"C2B-{order.pk:06d}"
    Order.objects.filter(pk=order.pk).update(number=order.number)
    OrderLine.objects.bulk_create(
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
    OrderEvent.objects.create(order=order, kind="submitted", message=f"Order {order.number} received.")
    transaction.on_commit(lambda: _send_release(order.pk))
    return order


def _send_release(order_id: int) -> None:
    """Queue the release; if the broker is down the order is safe (committed) and the periodic
    sweep (orders.release_pending) releases it later, so the customer is not shown an error."""
    from orders.tasks import release_order_task

    try:
        release_order_task.delay(order_id)
    except Exception:  # noqa: BLE001 - any broker failure; the sweep retries
        logger.exception("Could not queue the release of order %s; the periodic sweep will release it.", order_id)


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
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or order.status != S.SUBMITTED:
            return order  # already released, cancelled or gone: nothing to do
        lines = list(order.lines.order_by("position"))
        # One lock on every item of every line, in primary-key order, before any line reserves:
        # two multi-line orders released at once then queue instead of deadlocking.
        production.material_lock(boms=[line.bom for line in lines])
        waiting = []
        promised = None
        for line in lines:
            estimate = estimate_ship_date(line.routing, line.quantity)
            po, _ = production.production_order_create(
                order_line_id=line.pk,
                product=line.product_slug,
                quantity=line.quantity,
                bom=line.bom,
                routing=line.routing,
                promised_date=estimate,
            )
            if po.status == po.Status.AWAITING_MATERIAL:
                waiting.append(po.number)
            if estimate and (promised is None or estimate > promised):
                promised = estimate
        order.promised_date = promised
        order.save(update_fields=["promised_date", "updated_at"])
        when = f" We expect to ship it on {promised:%Y-%m-%d}." if promised else ""
        _transition(order, S.CONFIRMED, kind="confirmed", message=f"Your order is confirmed.{when}")
        if waiting:
            OrderEvent.objects.create(
                order=order,
                kind="awaiting_material",
                message="Some material is on its way; production starts when it arrives.",
            )
        from production.tasks import replan_task

        replan_task.delay_on_commit()
    return order


class _ProductionAppeared(Exception):
    """The order was released while we waited for its lock; start again with the new locks."""


def order_cancel(*, order: Order, user: Any) -> Order:
    """Cancel an order before production starts; its reserved material goes back to stock.

    Raises InvalidTransition (409, not_cancellable).
    """
    for _ in range(3):
        try:
            return _order_cancel_once(order)
        except _ProductionAppeared:
            continue
    raise InvalidTransition("The order is changing right now; try again.", code="busy")


@transaction.atomic
def _order_cancel_once(order: Order) -> Order:
    line_ids = list(OrderLine.objects.filter(order=order).values_list("pk", flat=True))
    locked = production.production_orders_lock(order_line_ids=line_ids)  # production's lock comes first
    order = Order.objects.select_for_update().get(pk=order.pk)
    if production.production_order_ids(order_line_ids=line_ids) != locked:
        raise _ProductionAppeared  # released meanwhile: its production orders must be locked first
    if order.status == S.CANCELLED:
        raise InvalidTransition("This order is already cancelled.", code="not_cancellable")
    if order.status not in (S.SUBMITTED, S.CONFIRMED) or not production.production_orders_cancellable(
        order_line_ids=line_ids
    ):
        raise InvalidTransition(
            "This order can no longer be cancelled: production has started.", code="not_cancellable"
        )
    production.production_orders_cancel(order_line_ids=line_ids)
    _transition(order, S.CANCELLED, kind="cancelled", message="The order was cancelled.")
    from production.tasks import allocate_material_task

    allocate_material_task.delay_on_commit()
    return order


@transaction.atomic
def order_ship(*, order: Order, user: Any) -> Order:
    """Mark a completed order shipped. Raises InvalidTransition (409, not_completed)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != S.COMPLETED:
        raise InvalidTransition("Only a completed order can be shipped.", code="not_completed")
    _transition(order, S.SHIPPED, kind="shipped", message="Your order has been shipped.")
    return order


def order_mark_in_production(*, order_line_id: int) -> None:
    """The first operation of one of the order's production orders has started."""
    order = Order.objects.select_for_update().get(lines__pk=order_line_id)
    if order.status == S.CONFIRMED:
        _transition(order, S.IN_PRODUCTION, kind="in_production", message="Your order is being made.")


def order_complete_if_done(*, order_line_id: int) -> None:
    """Complete the order once every production order of its lines is done."""
    order = Order.objects.select_for_update().get(lines__pk=order_line_id)
    if order.status not in (S.CONFIRMED, S.IN_PRODUCTION):
        return
    open_lines = order.lines.exclude(production_order__status="done").exists()
    if not open_lines:
        _transition(order, S.COMPLETED, kind="completed", message="Your order is made and ready to ship.")


def orders_note_material_arrived(*, order_line_ids: list[int]) -> None:
    """Tell each customer whose order got its last material (one event per order, in bulk)."""
    order_ids = sorted(set(OrderLine.objects.filter(pk__in=order_line_ids).values_list("order_id", flat=True)))
    OrderEvent.objects.bulk_create(
        OrderEvent(order_id=order_id, kind="material_reserved", message="All material for your order has arrived.")
        for order_id in order_ids
    )
