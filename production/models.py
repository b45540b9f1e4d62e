"""Work centers, production orders, their operations and the material they hold.

A production order always belongs to a customer's order line (NOT NULL, PROTECT, one per line):
nothing is built without demand.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory.models import QTY, Item


class WorkCenter(models.Model):
    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    capacity = models.PositiveSmallIntegerField(default=1, help_text="Stations that work in parallel.")
    minutes_per_day = models.PositiveIntegerField(default=480, help_text="Working minutes per station per day.")
    shift_start = models.TimeField(default="08:00", help_text="Start of the working day (factory time).")
    power_kw = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="work_center_capacity_positive"),
            models.CheckConstraint(
                condition=Q(minutes_per_day__gte=1, minutes_per_day__lte=1440), name="work_center_day_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProductionOrder(models.Model):
    class Status(models.TextChoices):
        AWAITING_MATERIAL = "awaiting_material", _("Awaiting Material")
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In Progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.AWAITING_MATERIAL, Status.PLANNED, Status.IN_PROGRESS)

    number = models.CharField(max_length=20, unique=True)
    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="production_order")
    product = models.CharField(max_length=50, help_text="Product slug, for the shop floor.")
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_MATERIAL)
    priority = models.SmallIntegerField(default=0, help_text="Higher goes first.")
    promised_date = models.DateField(null=True, blank=True)
    planned_finish = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-priority", "promised_date", "created_at", "id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.number


class Operation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IN_PROGRESS = "in_progress", _("In Progress")
        DONE = "done", _("Done")

    production_order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="operations")
    sequence = models.PositiveSmallIntegerField(help_text="Position in the routing's topological order.")
    key = models.CharField(max_length=60)
    name = models.CharField(max_length=200)
    work_center = models.ForeignKey(WorkCenter, on_delete=models.PROTECT, related_name="operations")
    setup_minutes = models.DecimalField(max_digits=8, decimal_places=2)
    run_minutes = models.DecimalField(max_digits=10, decimal_places=2, help_text="For the whole quantity.")
    setup_family = models.CharField(max_length=100, blank=True)
    predecessors = models.ManyToManyField("self", symmetrical=False, related_name="successors", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    planned_start = models.DateTimeField(null=True, blank=True)
    planned_end = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scrap_quantity = models.DecimalField(**QTY, default=Decimal("0"))

    class Meta:
        ordering = ["production_order", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["production_order", "key"], name="operation_key_per_order"),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(started_at__isnull=False), name="operation_started_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(finished_at__isnull=False), name="operation_done_has_time"
            ),
        ]
        indexes = [models.Index(fields=["work_center", "status"])]

    def __str__(self) -> str:
        return f"{self.production_order.number}/{self.key}"

    @property
    def duration_minutes(self) -> Decimal:
        return self.setup_minutes + self.run_minutes


class MaterialRequirement(models.Model):
    """What a production order needs of an item, and how much of it is reserved for it."""

    production_order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="materials")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="requirements")

    class Kind(models.TextChoices):
        BOM = "bom"
        SCRAP = "scrap"  # replacement for material scrapped at the operation

    operation_key = models.CharField(max_length=60, blank=True, help_text="Consumed by this operation.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BOM)
    quantity = models.DecimalField(**QTY)
    reserved = models.DecimalField(**QTY, default=Decimal("0"))
    consumed = models.DecimalField(**QTY, default=Decimal("0"))

    class Meta:
        ordering = ["production_order", "item__sku"]
        constraints = [
            models.UniqueConstraint(
                fields=["production_order", "item", "operation_key", "kind"], name="requirement_item_per_operation"
            ),
            models.CheckConstraint(
                condition=Q(consumed__gte=0) & Q(consumed__lte=models.F("reserved")),
                name="requirement_consumed_within_reserved",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="requirement_quantity_positive"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=models.F("quantity")),
                name="requirement_reserved_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.production_order.number} {self.item.sku} {self.quantity}"

    @property
    def outstanding(self) -> Decimal:
        """What is still to be reserved."""
        return self.quantity - self.reserved


class PlanRun(models.Model):
    """One run of the scheduler: when, over how much, and how many operations it moved."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(auto_now_add=True)
    orders = models.PositiveIntegerField(help_text="Open production orders planned.")
    operations = models.PositiveIntegerField(help_text="Operations placed.")
    operations_moved = models.PositiveIntegerField(help_text="Operations whose planned times changed.")

    class Meta:
        ordering = ["-finished_at", "-id"]
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"plan of {self.finished_at:%Y-%m-%d %H:%M:%S}"
