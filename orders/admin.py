from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from config.errors import DomainError
from orders.models import IdempotencyKey, Order, OrderEvent, OrderLine
from orders.services import order_cancel


class OrderLineInline(admin.StackedInline):
    model = OrderLine
    extra = 0
    can_delete = False
    max_num = 0
    readonly_fields = [
        "position",
        "product_version",
        "product_slug",
        "spec",
        "quantity",
        "unit_price",
        "bom",
        "routing",
        "footprint",
    ]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    max_num = 0
    fields = ["at", "kind", "text"]
    readonly_fields = ["at", "kind", "text"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "status", "total", "currency", "promised_date", "created_at"]
    list_filter = ["status", "currency"]
    search_fields = ["number", "customer__username", "customer__email"]
    date_hierarchy = "created_at"
    list_select_related = ["customer"]
    # The snapshot never changes after placement; status moves only through the services.
    readonly_fields = ["number", "customer", "status", "currency", "total", "promised_date", "created_at", "updated_at"]
    inlines = [OrderLineInline, OrderEventInline]
    actions = ["cancel"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an order is a record: cancel it, which gives back its material

    @admin.action(description="Cancel the selected orders (before production starts)", permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        for order in queryset.order_by("pk"):
            try:
                order_cancel(order=order, user=request.user)
            except DomainError as exc:
                self.message_user(request, f"{order.number}: {exc.message}", messages.ERROR)
            else:
                self.log_change(request, order, "Cancelled.")
                self.message_user(request, f"{order.number} is cancelled.")


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "order", "created_at"]
    search_fields = ["key", "user__username", "order__number"]
    readonly_fields = ["key", "user", "order", "request_digest", "created_at"]


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ["order", "position", "product_slug", "product_version", "quantity", "unit_price"]
    list_filter = ["product_slug"]
    search_fields = ["order__number", "product_slug"]
    list_select_related = ["order", "product_version__product"]
    readonly_fields = OrderLineInline.readonly_fields + ["order"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OrderEvent)
class OrderEventAdmin(admin.ModelAdmin):
    list_display = ["at", "order", "kind", "text"]
    list_filter = ["kind"]
    search_fields = ["order__number"]
    list_select_related = ["order"]
    readonly_fields = ["at", "order", "kind", "params", "text"]
    exclude = ["message"]  # shown through `text`

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the customer's timeline
