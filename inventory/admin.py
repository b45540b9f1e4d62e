from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bom.models import BomLine, ProductVersion
from config.admin import ReadOnlyModelAdmin
from inventory.models import Item, LedgerEntry, PurchaseOrder, Receipt

LEDGER_COLUMNS = ("created_at", "reason", "on_hand_delta", "reserved_delta", "source", "user")


class LedgerInline(admin.TabularInline):
    model = LedgerEntry
    extra = 0
    can_delete = False
    fields = LEDGER_COLUMNS
    readonly_fields = LEDGER_COLUMNS
    ordering = ["-created_at", "-id"]
    max_num = 0

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def item_in_catalog(sku: str) -> bool:
    """Whether a published (or retired) version's BOM names this item: its SKU is then frozen in the
    version and in its orders' snapshots."""
    return BomLine.objects.filter(item_sku=sku).exclude(version__status=ProductVersion.Status.DRAFT).exists()


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "uom", "on_hand", "reserved", "available", "allow_partial", "purchase_uom"]
    list_filter = ["uom", "allow_partial"]
    search_fields = ["sku", "name"]
    # Levels change only through the ledger (receipts, reservations, consumption), never by hand.
    readonly_fields = ["on_hand", "reserved"]
    inlines = [LedgerInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        frozen = obj is not None and item_in_catalog(obj.sku)
        return [*super().get_readonly_fields(request, obj), *(["sku"] if frozen else [])]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        in_use = obj is not None and item_in_catalog(obj.sku)
        return super().has_delete_permission(request, obj) and not in_use


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyModelAdmin):
    list_display = ["created_at", "item", "reason", "on_hand_delta", "reserved_delta", "source", "user"]
    list_filter = ["reason"]
    search_fields = ["item__sku", "source"]
    list_select_related = ["item", "user"]
    date_hierarchy = "created_at"


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = ["received_at", "item", "quantity", "reference", "received_by"]
    search_fields = ["item__sku", "reference"]
    list_select_related = ["item", "received_by"]
    readonly_fields = ["item", "quantity", "reference", "received_by", "received_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # receipts go through the receipt service (API), which also re-allocates

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the document behind a ledger row


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "supplier", "item", "quantity", "received_quantity", "expected_date", "status"]
    list_filter = ["status", "supplier"]
    search_fields = ["number", "supplier", "item__sku"]
    list_select_related = ["item"]
    date_hierarchy = "expected_date"
    # Quantities received move only through receipts (the receive API), which keep the ledger.
    readonly_fields = ["number", "received_quantity", "status", "created_by", "created_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # placed through the purchase-order API, which numbers and checks them
