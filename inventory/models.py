"""Items, their stock levels and the ledger that explains every change of a level."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

QTY: dict[str, Any] = {"max_digits": 16, "decimal_places": 4}
MAX_QUANTITY = 10**12  # what QTY holds: below 10^12 with four decimals


class Item(models.Model):
    """A component or material. `reserved` is what open production orders hold of `on_hand`."""

    sku = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    uom = models.CharField("unit", max_length=10, help_text="m, m2, pcs, ...")
    decimals = models.PositiveSmallIntegerField(default=2, help_text="Quantities are rounded to this.")
    co2e_kg = models.DecimalField("kg CO2e per unit", max_digits=10, decimal_places=4, default=Decimal("0"))
    on_hand = models.DecimalField(**QTY, default=Decimal("0"))
    reserved = models.DecimalField(**QTY, default=Decimal("0"))
    allow_partial = models.BooleanField(
        default=False, help_text="Reserve what there is for an order even before all of it has arrived."
    )
    purchase_uom = models.CharField(
        "purchase unit", max_length=20, blank=True, help_text="How suppliers sell it: roll, sheet, box..."
    )
    purchase_factor = models.DecimalField(
        max_digits=12, decimal_places=4, default=Decimal("1"), help_text="Stock units in one purchase unit."
    )

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=Q(reserved__gte=0), name="item_reserved_not_negative"),
            models.CheckConstraint(condition=Q(reserved__lte=F("on_hand")), name="item_reserved_within_on_hand"),
            models.CheckConstraint(condition=Q(purchase_factor__gt=0), name="item_purchase_factor_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved

    @property
    def quantum(self) -> Decimal:
        """The smallest quantity this item is counted in (0.01 m, 1 pcs)."""
        return Decimal(1).scaleb(-self.decimals)

    def to_stock_units(self, purchase_quantity: Decimal) -> Decimal:
        return purchase_quantity * self.purchase_factor


class LedgerEntry(models.Model):
    """One change of an item's on-hand or reserved quantity, with its reason and source."""

    class Reason(models.TextChoices):
        RECEIPT = "receipt"
        RESERVATION = "reservation"
        RELEASE = "release"
        CONSUMPTION = "consumption"
        SCRAP = "scrap"
        ADJUSTMENT = "adjustment"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="ledger")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    on_hand_delta = models.DecimalField(**QTY, default=Decimal("0"))
    reserved_delta = models.DecimalField(**QTY, default=Decimal("0"))
    source = models.CharField(max_length=60, help_text="What caused it: PO-000012, RCV-000003, ...")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["item", "created_at"])]

    def __str__(self) -> str:
        return f"{self.item.sku} {self.reason} {self.source}"


class PurchaseOrder(models.Model):
    """Material ordered from a supplier, in the supplier's unit; received in one or more receipts."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PARTIALLY_RECEIVED = "partially_received", _("Partially Received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.OPEN, Status.PARTIALLY_RECEIVED)

    number = models.CharField(max_length=20, unique=True)
    supplier = models.CharField(max_length=200)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="purchase_orders")
    quantity = models.DecimalField(**QTY, help_text="In the item's purchase unit.")
    received_quantity = models.DecimalField(**QTY, default=Decimal("0"), help_text="In the purchase unit.")
    expected_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expected_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="purchase_quantity_positive"),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0) & Q(received_quantity__lte=F("quantity")),
                name="purchase_received_within_ordered",
            ),
        ]
        indexes = [models.Index(fields=["item", "status"])]

    def __str__(self) -> str:
        return self.number

    @property
    def open_quantity(self) -> Decimal:
        return self.quantity - self.received_quantity


class Receipt(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="receipts")
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="receipts"
    )
    quantity = models.DecimalField(**QTY)
    reference = models.CharField(max_length=100, blank=True, help_text="Supplier delivery note, PO number...")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.UUIDField(
        null=True, blank=True, help_text="The client's key: a retried receipt with it counts once."
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="receipt_quantity_positive"),
            models.UniqueConstraint(fields=["received_by", "idempotency_key"], name="receipt_idempotency_key_per_user"),
        ]

    def __str__(self) -> str:
        return f"RCV-{self.pk:06d} {self.item.sku} {self.quantity}"
