"""Items, their stock levels and the ledger that explains every change of a level."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

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

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=Q(reserved__gte=0), name="item_reserved_not_negative"),
            models.CheckConstraint(condition=Q(reserved__lte=F("on_hand")), name="item_reserved_within_on_hand"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


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


class Receipt(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="receipts")
    quantity = models.DecimalField(**QTY)
    reference = models.CharField(max_length=100, blank=True, help_text="Supplier delivery note, PO number...")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="receipt_quantity_positive")]

    def __str__(self) -> str:
        return f"RCV-{self.pk:06d} {self.item.sku} {self.quantity}"
