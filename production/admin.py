from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from bom.models import ProductVersion, RoutingOperation
from config.admin import ReadOnlyModelAdmin
from config.errors import DomainError
from production.models import MaterialRequirement, Operation, PlanRun, ProductionOrder, WorkCenter
from production.services import PRIORITY_MAX, PRIORITY_MIN, production_order_set_priority

OPERATION_COLUMNS = (
    "sequence",
    "key",
    "name",
    "work_center",
    "status",
    "setup_minutes",
    "run_minutes",
    "planned_start",
    "planned_end",
    "started_at",
    "finished_at",
)

MATERIAL_COLUMNS = ("item", "operation_key", "quantity", "reserved", "consumed")


def work_center_in_catalog(code: str) -> bool:
    """Whether a published version (or a retired one, whose orders may still wait for release)
    routes through this work center: its code is then frozen in the version and its orders' snapshots."""
    return (
        RoutingOperation.objects.filter(work_center=code).exclude(version__status=ProductVersion.Status.DRAFT).exists()
    )


@admin.register(WorkCenter)
class WorkCenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "capacity", "minutes_per_day", "shift_start", "power_kw"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        frozen = obj is not None and work_center_in_catalog(obj.code)
        return [*super().get_readonly_fields(request, obj), *(["code"] if frozen else [])]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        in_use = obj is not None and work_center_in_catalog(obj.code)
        return super().has_delete_permission(request, obj) and not in_use


class OperationInline(admin.TabularInline):
    model = Operation
    extra = 0
    fields = OPERATION_COLUMNS
    readonly_fields = OPERATION_COLUMNS
    can_delete = False
    max_num = 0

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MaterialInline(admin.TabularInline):
    model = MaterialRequirement
    extra = 0
    fields = MATERIAL_COLUMNS
    readonly_fields = MATERIAL_COLUMNS
    can_delete = False
    max_num = 0

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProductionOrderForm(forms.ModelForm):
    priority = forms.IntegerField(min_value=PRIORITY_MIN, max_value=PRIORITY_MAX, help_text="Higher goes first.")

    class Meta:
        model = ProductionOrder
        fields = ["priority"]

    def clean_priority(self) -> int:
        priority: int = self.cleaned_data["priority"]
        if "priority" in self.changed_data and self.instance.status not in ProductionOrder.OPEN_STATUSES:
            raise forms.ValidationError(f"{self.instance.number} is {self.instance.status}: its priority is final.")
        return priority


@admin.register(ProductionOrder)
class ProductionOrderAdmin(admin.ModelAdmin):
    """Production orders are made by releasing customer orders and ended by cancelling those;
    here a planner changes only the priority, through the service that re-allocates and re-plans."""

    form = ProductionOrderForm
    list_display = ["number", "product", "quantity", "status", "priority", "promised_date", "planned_finish"]
    list_filter = ["status", "product"]
    search_fields = ["number", "order_line__order__number"]
    list_editable = ["priority"]
    readonly_fields = [
        "number",
        "order_line",
        "product",
        "quantity",
        "status",
        "promised_date",
        "planned_finish",
        "created_at",
        "completed_at",
    ]
    inlines = [OperationInline, MaterialInline]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # only released customer orders create production orders

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cancel the customer's order instead: that gives the material back

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        closed = obj is not None and obj.status not in ProductionOrder.OPEN_STATUSES
        return [*super().get_readonly_fields(request, obj), *(["priority"] if closed else [])]

    def save_model(self, request: HttpRequest, obj: ProductionOrder, form: Any, change: bool) -> None:
        if "priority" not in form.changed_data:
            return
        try:
            saved = production_order_set_priority(number=obj.number, priority=obj.priority, user=request.user)
        except DomainError as exc:  # changed meanwhile (e.g. finished): say so rather than fail
            self.message_user(request, f"{obj.number}: {exc.message}", messages.ERROR)
            return
        obj.priority = saved.priority


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["production_order", "key", "work_center", "status", "planned_start", "planned_end"]
    list_filter = ["status", "work_center"]
    search_fields = ["production_order__number", "key"]
    list_select_related = ["production_order", "work_center"]
    readonly_fields = [
        "production_order",
        "sequence",
        "key",
        "status",
        "started_at",
        "finished_at",
        "started_by",
        "finished_by",
        "predecessors",
    ]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MaterialRequirement)
class MaterialRequirementAdmin(admin.ModelAdmin):
    """What each production order holds of each item (changed only by reservations and backflush)."""

    list_display = ["production_order", "item", "operation_key", "quantity", "reserved", "consumed"]
    list_filter = ["production_order__status"]
    search_fields = ["production_order__number", "item__sku"]
    list_select_related = ["production_order", "item"]
    readonly_fields = ["production_order", "kind", *MATERIAL_COLUMNS]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PlanRun)
class PlanRunAdmin(ReadOnlyModelAdmin):
    """Read-only: when the scheduler ran, over how much, and how much it moved."""

    list_display = ["finished_at", "started_at", "orders", "operations", "operations_moved"]
