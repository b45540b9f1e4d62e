from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html

from bom import selectors
from bom.configurator import CatalogError
from bom.models import BomLine, Choice, Option, PriceAdder, Product, ProductVersion, RoutingOperation, Rule
from bom.services import PublishRefused, version_analyse, version_create_draft, version_publish
from bom.versioning import definition_diff
from config.errors import ConfiguratorBudgetExceeded


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
    """Versions: edit a draft, preview it, compare it with another version, publish it."""

    list_display = ["product", "number", "status", "base_price", "published_at", "source_file", "tools"]
    list_filter = ["status", "product"]
    search_fields = ["product__slug", "product__name"]
    readonly_fields = ["status", "published_at", "resources", "source_file", "source_digest", "created_at"]
    inlines = [OptionInline, RuleInline, PriceAdderInline, BomLineInline, RoutingOperationInline]
    actions = ["publish", "create_draft"]

    def get_urls(self) -> list[Any]:
        return _version_urls(self) + super().get_urls()

    @admin.display(description="")
    def tools(self, version: ProductVersion) -> str:
        return format_html(
            '<a href="{}">preview</a> · <a href="{}">changes</a> · <a href="{}">analysis</a>',
            reverse("admin:bom_productversion_preview", args=[version.pk]),
            reverse("admin:bom_productversion_diff", args=[version.pk]),
            reverse("admin:bom_productversion_analysis", args=[version.pk]),
        )

    @admin.action(description="Validate and publish the selected draft versions")
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        for version in queryset:
            try:
                version_publish(version=version)
                self.message_user(request, f"{version} is published.", messages.SUCCESS)
            except PublishRefused as exc:
                self.message_user(request, f"{version}: {exc.message}", messages.ERROR)

    @admin.action(description="Create a draft to edit from the selected version")
    def create_draft(self, request: HttpRequest, queryset: Any) -> None:
        for version in queryset:
            draft = version_create_draft(from_version=version)
            self.message_user(request, f"{draft} created from {version}: edit it, preview it, then publish it.")

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Staff: the configurator on this version (a draft too), with the spec in the query."""
        version = get_object_or_404(ProductVersion.objects.select_related("product"), pk=pk)
        context = {**self.admin_site.each_context(request), "version": version, "title": f"Preview {version}"}
        try:
            options = selectors.engine_for(version).describe_options()
        except CatalogError as exc:
            context["problems"] = [f"{p.path}: {p.message}" for p in exc.problems]
            return render(request, "admin/bom/productversion/preview.html", context)
        spec = {o["key"]: _typed(o, request.GET[o["key"]]) for o in options if request.GET.get(o["key"], "") != ""}
        try:
            context.update(options=options, spec=spec, result=selectors.version_configure(version, spec=spec))
            context["picture"] = selectors.version_picture(version, spec=spec)
        except ConfiguratorBudgetExceeded as exc:
            context["configure_error"] = f"{exc.message} (CONFIGURATOR_SEARCH_BUDGET)"
        return render(request, "admin/bom/productversion/preview.html", context)

    def analysis_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Staff: what the author should look at before the version goes live (and after)."""
        version = get_object_or_404(ProductVersion.objects.select_related("product"), pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "version": version,
            "findings": version_analyse(version=version),
            "title": f"Analysis of {version}",
        }
        return render(request, "admin/bom/productversion/analysis.html", context)

    def diff_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Staff: what changed between this version and another (by default, the one before it)."""
        version = get_object_or_404(ProductVersion.objects.select_related("product"), pk=pk)
        others = ProductVersion.objects.filter(product=version.product).exclude(pk=pk).order_by("-number")
        against_pk = request.GET.get("against")
        against = (
            others.filter(pk=against_pk).first()
            if against_pk and against_pk.isdigit()
            else others.filter(number__lt=version.number).first()
        )
        changes = (
            definition_diff(selectors.definition_for(against), selectors.definition_for(version)) if against else []
        )
        context = {**self.admin_site.each_context(request), "version": version, "against": against,
                   "others": others, "changes": changes, "title": f"Changes in {version}"}  # fmt: skip
        return render(request, "admin/bom/productversion/diff.html", context)


def _typed(option: dict[str, Any], raw: str) -> Any:
    return raw == "true" if option["type"] == "boolean" else raw


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


def _version_urls(model_admin: "ProductVersionAdmin") -> list[Any]:
    from django.urls import path

    wrap = model_admin.admin_site.admin_view
    return [
        path("<int:pk>/preview/", wrap(model_admin.preview_view), name="bom_productversion_preview"),
        path("<int:pk>/diff/", wrap(model_admin.diff_view), name="bom_productversion_diff"),
        path("<int:pk>/analysis/", wrap(model_admin.analysis_view), name="bom_productversion_analysis"),
    ]
