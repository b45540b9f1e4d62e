"""Customers' orders, their lines with the frozen configuration snapshot, events and idempotency keys."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bom.models import ProductVersion
from orders.events import event_text


class Order(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ON_HOLD = "on_hold", _("On Hold")
        CONFIRMED = "confirmed", _("Confirmed")
        IN_PRODUCTION = "in_production", _("In Production")
        COMPLETED = "completed", _("Completed")
        SHIPPED = "shipped", _("Shipped")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.TextField(blank=True, max_length=2000)
    promised_date = models.DateField(null=True, blank=True)
    hold_reason = models.TextField(blank=True, help_text="Why the release stopped (for planners; on hold only).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"]), models.Index(fields=["status"])]
        constraints = [models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative")]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """One configured product; spec, price, BOM and routing are frozen here when the order is placed."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    product_version = models.ForeignKey(ProductVersion, on_delete=models.PROTECT, related_name="order_lines")
    product_slug = models.SlugField()
    spec = models.JSONField()
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    bom = models.JSONField()
    routing = models.JSONField()
    footprint = models.JSONField()

    class Meta:
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="order_line_position_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order.number}/{self.position}"


class OrderEvent(models.Model):
    """The customer's timeline of an order: a kind and its params, put into words when read, in
    the reader's language (`text`; the templates are in orders/events.py)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True, help_text="What the kind's text needs: a number, a date...")
    message = models.CharField(
        max_length=300, blank=True, help_text="Only for events older than params whose text could not be converted."
    )
    notified_at = models.DateTimeField(null=True, blank=True, help_text="When the customer was e-mailed about it.")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order.number} {self.kind}"

    @property
    def text(self) -> str:
        """What happened, in the active language (a stored message only for old events)."""
        return self.message or event_text(self.kind, self.params)


class IdempotencyKey(models.Model):
    """A client's key for one order placement; bound to the user who sent it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_digest = models.CharField(max_length=64)
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="idempotency_key")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")]

    def __str__(self) -> str:
        return self.key
