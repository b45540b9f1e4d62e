"""Writes of stock: reservations, releases, consumption and receipts, each with ledger rows.

Every read-modify-write of an item's level locks the rows first with select_for_update(),
taken in primary-key order in one query, so concurrent reservations queue instead of deadlocking;
the CHECK constraints on Item back the invariant 0 <= reserved <= on_hand whatever a bug does.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, DecimalField, F, Value, When
from django.db.models.functions import Round
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from config.errors import IdempotencyKeyReused, InvalidInput, InvalidTransition, NotFound
from config.transactions import retry_on_conflict
from inventory.models import MAX_QUANTITY, Item, LedgerEntry, PurchaseOrder, Receipt
from inventory.signals import stock_received

UUID_EXAMPLE = "3f2b8c1e-5d4a-4f6b-9a7c-2e1d0c9b8a76"
# A purchase order's status as a refusal names it in a sentence.
STATUS_WORDS: dict[str, Any] = {
    PurchaseOrder.Status.OPEN: pgettext_lazy("status in a sentence", "open"),
    PurchaseOrder.Status.PARTIALLY_RECEIVED: pgettext_lazy("status in a sentence", "partially received"),
    PurchaseOrder.Status.RECEIVED: pgettext_lazy("status in a sentence", "received"),
    PurchaseOrder.Status.CANCELLED: pgettext_lazy("status in a sentence", "cancelled"),
}


def _locked_items(item_ids: list[int]) -> dict[int, Item]:
    items = Item.objects.select_for_update().filter(pk__in=item_ids).order_by("pk")
    return {item.pk: item for item in items}


def stock_lock(*, item_ids: list[int]) -> None:
    """Lock these items' rows (primary-key order) for the rest of the caller's transaction."""
    _locked_items(sorted(item_ids))


def _add(field: str, deltas: Mapping[int, Decimal]) -> None:
    """One UPDATE for all items: field = field + delta (per item), rounded to the field's places.
    The callers hold the rows' locks already. On PostgreSQL the deltas travel as two arrays (one
    parameter each, however many items): an ORM CASE of one WHEN per item cost 4 ms of Python per
    100 items to build and compile (a release of 300 BOM lines spent half its time there).

    The rounding matters on SQLite (`make run`), which adds decimals as binary floats: without it
    5.36 + 0.72 - 5.36 - 0.72 leaves -2e-16 and the CHECK reserved >= 0 refuses a backflush. On
    PostgreSQL's exact numeric it changes nothing.
    """
    model_field = Item._meta.get_field(field)
    assert isinstance(model_field, DecimalField)
    places = model_field.decimal_places
    if connection.vendor == "postgresql":
        ids = sorted(deltas)
        column = connection.ops.quote_name(str(model_field.column))
        with connection.cursor() as cursor:
            cursor.execute(
                ADD_SQL.format(table=connection.ops.quote_name(Item._meta.db_table), column=column),
                [places, ids, [deltas[pk] for pk in ids]],
            )
        return
    quantity = DecimalField(max_digits=16, decimal_places=places)
    Item.objects.filter(pk__in=list(deltas)).update(
        **{
            field: Round(
                F(field)
                + Case(
                    *[When(pk=pk, then=Value(delta)) for pk, delta in deltas.items()],
                    default=Value(Decimal("0")),
                    output_field=quantity,
                ),
                places,
                output_field=quantity,
            )
        }
    )


# _add on PostgreSQL: every item's delta from two arrays joined on the id.
ADD_SQL = """
UPDATE {table} AS i SET {column} = ROUND(i.{column} + v.delta, %s)
FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, delta) WHERE i.id = v.id"""


def stock_reserve(
    *,
    quantities: Mapping[int, Decimal],
    source: str,
    holdback: Mapping[int, Decimal] | None = None,
    locked: Mapping[int, Item] | None = None,
) -> dict[int, Decimal]:
    """Reserve all of `quantities` ({item_id: qty}) or nothing; `holdback` is stock promised to
    others that are not yet reserved (earmarks of starving orders) and may not be taken. `locked`:
    these items as the caller read them under its locks in this transaction (else they are locked);
    what is reserved is added to their `reserved` too, so they stay the rows' levels.

    Must run inside the caller's transaction. Returns {} when everything was reserved, otherwise
    {item_id: short quantity} for each item that lacked stock (and nothing was reserved).
    """
    wanted = {pk: qty for pk, qty in quantities.items() if qty > 0}
    if not wanted:
        return {}
    items = locked if locked is not None and set(wanted) <= set(locked) else _locked_items(sorted(wanted))
    held = holdback or {}
    free = {pk: items[pk].available - held.get(pk, Decimal(0)) for pk in wanted}
    short = {pk: qty - free[pk] for pk, qty in wanted.items() if free[pk] < qty}
    if short:
        return short
    _add("reserved", wanted)
    places = Decimal(1).scaleb(-Item._meta.get_field("reserved").decimal_places)  # type: ignore[union-attr]
    for pk, qty in wanted.items():  # as _add rounded them in the rows
        items[pk].reserved = (items[pk].reserved + qty).quantize(places, rounding=ROUND_HALF_UP)
    LedgerEntry.objects.bulk_create(
        LedgerEntry(item_id=pk, reason=LedgerEntry.Reason.RESERVATION, reserved_delta=qty, source=source)
        for pk, qty in sorted(wanted.items())
    )
    return {}


def stock_levels_locked(*, item_ids: list[int]) -> dict[int, Item]:
    """Lock these items (primary-key order) and return them with their current levels."""
    return _locked_items(sorted(item_ids))


def stock_levels_locked_by_sku(*, skus: Iterable[str]) -> dict[int, Item]:
    """stock_levels_locked for the items of these SKUs, found and locked in one query (the same
    rows, locked in the same primary-key order); an unknown SKU is simply absent."""
    items = Item.objects.select_for_update().filter(sku__in=sorted(skus)).order_by("pk")
    return {item.pk: item for item in items}


def stock_reserve_lines(*, lines: list[tuple[int, Decimal, str]]) -> None:
    """Reserve (item_id, quantity, source) lines the caller has checked under its locks:
    one UPDATE for all items and one ledger row per line. The CHECK constraints still guard."""
    totals: dict[int, Decimal] = {}
    for item_id, qty, _source in lines:
        totals[item_id] = totals.get(item_id, Decimal(0)) + qty
    if not totals:
        return
    _add("reserved", totals)
    LedgerEntry.objects.bulk_create(
        (
            LedgerEntry(item_id=item_id, reason=LedgerEntry.Reason.RESERVATION, reserved_delta=qty, source=source)
            for item_id, qty, source in lines
        ),
        batch_size=2000,
    )


def stock_scrap(*, item_id: int, quantity: Decimal, source: str, user: Any = None) -> bool:
    """Take scrapped material from free stock (not reserved for anyone); False if there is not
    enough, and then nothing changes."""
    item = _locked_items([item_id])[item_id]
    if item.available < quantity:
        return False
    _add("on_hand", {item_id: -quantity})
    LedgerEntry.objects.create(
        item_id=item_id,
        reason=LedgerEntry.Reason.SCRAP,
        on_hand_delta=-quantity,
        source=source,
        user=user if getattr(user, "is_authenticated", False) else None,
    )
    return True


def stock_unreserve_lines(*, lines: list[tuple[int, Decimal, str]]) -> None:
    """Give back reserved (item_id, quantity, source) lines: every item locked at once (primary-key
    order), one UPDATE, one ledger row per line. Runs inside the caller's transaction."""
    lines = [(item_id, qty, source) for item_id, qty, source in lines if qty > 0]
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for item_id, qty, _source in lines:
        totals[item_id] += qty
    if not totals:
        return
    _locked_items(sorted(totals))
    _add("reserved", {pk: -qty for pk, qty in totals.items()})
    LedgerEntry.objects.bulk_create(
        LedgerEntry(item_id=item_id, reason=LedgerEntry.Reason.RELEASE, reserved_delta=-qty, source=source)
        for item_id, qty, source in lines
    )


def stock_consume(
    *, quantities: Mapping[int, Decimal], source: str, user: Any = None, reason: str = LedgerEntry.Reason.CONSUMPTION
) -> None:
    """Consume reserved quantities: on hand and reserved both go down (backflush)."""
    wanted = {pk: qty for pk, qty in quantities.items() if qty > 0}
    if not wanted:
        return
    _locked_items(sorted(wanted))
    _add("reserved", {pk: -qty for pk, qty in wanted.items()})
    _add("on_hand", {pk: -qty for pk, qty in wanted.items()})
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            item_id=pk,
            reason=reason,
            on_hand_delta=-qty,
            reserved_delta=-qty,
            source=source,
            user=user,
        )
        for pk, qty in sorted(wanted.items())
    )


@retry_on_conflict
@transaction.atomic
def receipt_record(
    *,
    sku: str,
    quantity: Decimal,
    reference: str = "",
    user: Any = None,
    purchase_order: Any = None,
    idempotency_key: str | None = None,
) -> Receipt:
    """Receive stock of an item. With an `idempotency_key` (a UUID, bound to the user), a retry
    with the same key and the same receipt answers the first receipt and counts nothing again.
    Raises InvalidInput (unknown SKU, bad quantity or key) and IdempotencyKeyReused (422)."""
    key = _receipt_key(idempotency_key)
    if quantity <= 0:
        raise InvalidInput("quantity", _("The quantity received must be more than zero."))
    item = Item.objects.select_for_update().filter(sku=sku).first()
    if item is None:
        raise InvalidInput("sku", _("There is no item with SKU '%(sku)s'.") % {"sku": sku})
    user = user if getattr(user, "is_authenticated", False) else None
    # Under the item's lock, so a concurrent retry of the same receipt waits and then finds it.
    replay = _receipt_replay(user, key, sku=sku, quantity=quantity, reference=reference)
    if replay is not None:
        return replay
    exponent = Decimal(1).scaleb(-item.decimals)
    if quantity != quantity.quantize(exponent):
        raise InvalidInput(
            "quantity",
            _("%(sku)s is counted in %(uom)s with at most %(decimals)s decimals.")
            % {"sku": item.sku, "uom": item.uom, "decimals": item.decimals},
        )
    if item.on_hand + quantity >= MAX_QUANTITY:
        raise InvalidInput(
            "quantity",
            _("That would put more than %(most)s %(uom)s of %(sku)s on hand.")
            % {"most": MAX_QUANTITY - 1, "uom": item.uom, "sku": item.sku},
        )
    try:
        with transaction.atomic():
            receipt = Receipt.objects.create(
                item=item, quantity=quantity, reference=reference, received_by=user, purchase_order=purchase_order,
                idempotency_key=key,
            )  # fmt: skip
    except IntegrityError:
        # the same key, just used by a concurrent receipt of another item
        raise IdempotencyKeyReused(_("This Idempotency-Key was already used for a different receipt.")) from None
    Item.objects.filter(pk=item.pk).update(on_hand=F("on_hand") + quantity)
    LedgerEntry.objects.create(
        item=item, reason=LedgerEntry.Reason.RECEIPT, on_hand_delta=quantity, source=f"RCV-{receipt.pk:06d}", user=user
    )
    stock_received.send(sender=Receipt, item_id=item.pk)
    return receipt


def _receipt_key(key: str | None) -> uuid.UUID | None:
    if key is None:
        return None
    try:
        return uuid.UUID(str(key))
    except ValueError:
        raise InvalidInput(
            "Idempotency-Key", _("Must be a UUID, such as %(example)s.") % {"example": UUID_EXAMPLE}
        ) from None


def _receipt_replay(user: Any, key: uuid.UUID | None, *, sku: str, quantity: Decimal, reference: str) -> Receipt | None:
    """The receipt this key already recorded for this user, if the request is the same one."""
    if key is None:
        return None
    found = Receipt.objects.select_related("item").filter(received_by=user, idempotency_key=key).first()
    if found is None:
        return None
    if (found.item.sku, found.quantity, found.reference) != (sku, quantity, reference):
        raise IdempotencyKeyReused(_("This Idempotency-Key was already used for a different receipt."))
    return found


@transaction.atomic
def item_ensure(
    *, sku: str, name: str, uom: str, decimals: int, co2e_kg: Decimal, opening_stock: Decimal = Decimal("0")
) -> tuple[Item, bool]:
    """Create an item with its opening stock (as a ledger adjustment) unless it exists."""
    item, created = Item.objects.get_or_create(
        sku=sku, defaults={"name": name, "uom": uom, "decimals": decimals, "co2e_kg": co2e_kg}
    )
    if created and opening_stock > 0:
        Item.objects.filter(pk=item.pk).update(on_hand=opening_stock)
        LedgerEntry.objects.create(
            item=item, reason=LedgerEntry.Reason.ADJUSTMENT, on_hand_delta=opening_stock, source="opening stock"
        )
        item.on_hand = opening_stock
    return item, created


@transaction.atomic
def purchase_order_create(
    *, sku: str, supplier: str, quantity: Decimal, expected_date: Any, user: Any = None
) -> PurchaseOrder:
    """Order material from a supplier, in the item's purchase unit. Raises InvalidInput."""
    item = Item.objects.filter(sku=sku).first()
    if item is None:
        raise InvalidInput("sku", _("There is no item with SKU '%(sku)s'.") % {"sku": sku})
    if quantity <= 0:
        raise InvalidInput("quantity", _("The quantity ordered must be more than zero."))
    if item.to_stock_units(quantity) >= MAX_QUANTITY:
        raise InvalidInput("quantity", _("That is more than stock can hold."))
    purchase = PurchaseOrder.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:16]}", supplier=supplier, item=item, quantity=quantity,
        expected_date=expected_date, created_by=user if getattr(user, "is_authenticated", False) else None,
    )  # fmt: skip
    purchase.number = f"PUR-{purchase.pk:06d}"
    PurchaseOrder.objects.filter(pk=purchase.pk).update(number=purchase.number)
    return purchase


@retry_on_conflict
@transaction.atomic
def purchase_order_receive(
    *, number: str, quantity: Decimal, reference: str = "", user: Any = None, idempotency_key: str | None = None
) -> Receipt:
    """Receive (part of) a purchase order; `quantity` is in the purchase unit. A retry with the
    same `idempotency_key` answers the first receipt. Raises NotFound, InvalidInput (more than is
    still open), InvalidTransition (closed), IdempotencyKeyReused (422)."""
    key = _receipt_key(idempotency_key)
    purchase = PurchaseOrder.objects.select_for_update().select_related("item").filter(number=number).first()
    if purchase is None:
        raise NotFound(_("There is no such purchase order."))
    if key is not None:
        replay = Receipt.objects.filter(
            received_by=user if getattr(user, "is_authenticated", False) else None, idempotency_key=key
        ).first()
        if replay is not None:
            if replay.purchase_order_id != purchase.pk or replay.quantity != purchase.item.to_stock_units(quantity):
                raise IdempotencyKeyReused(_("This Idempotency-Key was already used for a different receipt."))
            return replay
    if purchase.status not in PurchaseOrder.OPEN_STATUSES:
        raise InvalidTransition(
            _("Purchase order %(number)s is %(status)s.") % {"number": number, "status": STATUS_WORDS[purchase.status]},
            code="not_open",
        )
    if quantity <= 0 or quantity > purchase.open_quantity:
        raise InvalidInput(
            "quantity",
            _("Receive between 0 and %(most)s %(uom)s.")
            % {"most": purchase.open_quantity, "uom": purchase.item.purchase_uom or purchase.item.uom},
        )
    purchase.received_quantity += quantity
    purchase.status = (
        PurchaseOrder.Status.RECEIVED if purchase.received_quantity == purchase.quantity
        else PurchaseOrder.Status.PARTIALLY_RECEIVED
    )  # fmt: skip
    purchase.save(update_fields=["received_quantity", "status"])
    return receipt_record(sku=purchase.item.sku, quantity=purchase.item.to_stock_units(quantity),
                          reference=reference or purchase.number, user=user, purchase_order=purchase,
                          idempotency_key=idempotency_key)  # fmt: skip
