from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from bom.models import BomLine, Choice, Option, PriceAdder, Product, ProductVersion, RoutingOperation, Rule
from bom.services import PublishRefused, version_publish


class ReadOnlyWhenPublished:
    """Rows of a published version never change: orders refer to them."""

    def _editable(self, obj: Any) -> bool:
        version = obj if isinstance(obj, ProductVersion) else getattr(obj, "version", None)
        return version is None or version.is_editable

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._editable(obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *obj: Any) -> bool:
        # ModelAdmin asks without an object, an inline with its parent version.
        parent = obj[0] if obj else None
        return super().has_add_permission(request, *obj) and self._editable(parent)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._editable(obj)  # type: ignore[misc]


class OptionInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = Option
    extra = 0
    fields = [
        "position",
        "key",
        "label",
        "type",
        "group",
        "required",
        "when",
        "min_value",
        "max_value",
        "step",
        "unit",
        "max_length",
    ]
    show_change_link = True


class RuleInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = Rule
    extra = 0
    fields = ["position", "key", "expr", "message"]


class PriceAdderInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = PriceAdder
    extra = 0
    fields = ["position", "key", "label", "when", "amount"]


class BomLineInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = BomLine
    extra = 0
    fields = ["position", "key", "parent_key", "item_sku", "assembly", "quantity", "when", "scrap_pct", "operation_key"]


class RoutingOperationInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = RoutingOperation
    extra = 0
    fields = ["position", "key", "name", "work_center", "setup_minutes", "run_minutes", "after", "when", "setup_family"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "currency", "is_active"]
    list_filter = ["is_active", "currency"]
    search_fields = ["slug", "name"]


@admin.register(ProductVersion)
class ProductVersionAdmin(ReadOnlyWhenPublished, admin.ModelAdmin):
    list_display = ["product", "number", "status", "base_price", "published_at", "source_file"]
    list_filter = ["status", "product"]
    search_fields = ["product__slug", "product__name"]
    readonly_fields = ["status", "published_at", "resources", "source_file", "source_digest", "created_at"]
    inlines = [OptionInline, RuleInline, PriceAdderInline, BomLineInline, RoutingOperationInline]
    actions = ["publish"]

    @admin.action(description="Validate and publish the selected draft versions")
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        for version in queryset:
            try:
                version_publish(version=version)
                self.message_user(request, f"{version} is published.", messages.SUCCESS)
            except PublishRefused as exc:
                self.message_user(request, f"{version}: {exc.message}", messages.ERROR)


class ChoiceInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["position", "value", "label", "price_delta"]

    def _editable(self, obj: Any) -> bool:
        return obj is None or obj.version.is_editable


@admin.register(Option)
class OptionAdmin(ReadOnlyWhenPublished, admin.ModelAdmin):
    list_display = ["key", "label", "type", "version", "required"]
    list_filter = ["type", "version__product"]
    search_fields = ["key", "label"]
    list_select_related = ["version__product"]
    inlines = [ChoiceInline]


class VersionPartAdmin(ReadOnlyWhenPublished, admin.ModelAdmin):
    """The rows of versions, searchable across products (edited inline on a draft version)."""

    list_filter = ["version__product", "version__status"]
    list_select_related = ["version__product"]


@admin.register(Rule)
class RuleAdmin(VersionPartAdmin):
    list_display = ["key", "version", "expr", "message"]
    search_fields = ["key", "expr", "message"]


@admin.register(PriceAdder)
class PriceAdderAdmin(VersionPartAdmin):
    list_display = ["key", "version", "label", "when", "amount"]
    search_fields = ["key", "label"]


@admin.register(BomLine)
class BomLineAdmin(VersionPartAdmin):
    list_display = ["key", "version", "parent_key", "item_sku", "assembly", "quantity", "when", "operation_key"]
    search_fields = ["key", "item_sku", "assembly"]


@admin.register(RoutingOperation)
class RoutingOperationAdmin(VersionPartAdmin):
    list_display = ["key", "version", "name", "work_center", "setup_minutes", "run_minutes", "after"]
    list_filter = [*VersionPartAdmin.list_filter, "work_center"]
    search_fields = ["key", "name", "work_center"]


@admin.register(Choice)
class ChoiceAdmin(ReadOnlyWhenPublished, admin.ModelAdmin):
    list_display = ["option", "value", "label", "price_delta"]
    list_filter = ["option__version__product"]
    search_fields = ["value", "label", "option__key"]
    list_select_related = ["option__version__product"]

    def _editable(self, obj: Any) -> bool:
        return obj is None or obj.option.version.is_editable
