from decimal import Decimal

from rest_framework import serializers

from inventory.models import Item, PurchaseOrder, Receipt


class ItemSerializer(serializers.ModelSerializer):
    """Quantities as decimal strings in the item's own precision ("12.50" m, "40" pcs)."""

    on_hand = serializers.SerializerMethodField()
    reserved = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = ["sku", "name", "uom", "on_hand", "reserved", "available"]

    @staticmethod
    def _quantity(item: Item, value: Decimal) -> str:
        return str(value.quantize(Decimal(1).scaleb(-item.decimals)))

    def get_on_hand(self, item: Item) -> str:
        return self._quantity(item, item.on_hand)

    def get_reserved(self, item: Item) -> str:
        return self._quantity(item, item.reserved)

    def get_available(self, item: Item) -> str:
        return self._quantity(item, item.available)


class ReceiptInSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=60)
    quantity = serializers.DecimalField(max_digits=16, decimal_places=4, min_value=0)
    reference = serializers.CharField(max_length=100, allow_blank=True, default="")


class ReceiptOutSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku")
    number = serializers.SerializerMethodField()

    class Meta:
        model = Receipt
        fields = ["number", "sku", "quantity", "reference", "received_at"]

    def get_number(self, receipt: Receipt) -> str:
        return f"RCV-{receipt.pk:06d}"


class PurchaseOrderInSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=60)
    supplier = serializers.CharField(max_length=200)
    quantity = serializers.DecimalField(max_digits=16, decimal_places=4, help_text="In the item's purchase unit.")
    expected_date = serializers.DateField()


class PurchaseOrderSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku")
    uom = serializers.SerializerMethodField()
    open_quantity = serializers.DecimalField(max_digits=16, decimal_places=4, read_only=True)

    class Meta:
        model = PurchaseOrder
        fields = ["number", "supplier", "sku", "quantity", "uom", "received_quantity", "open_quantity",
                  "expected_date", "status", "created_at"]  # fmt: skip

    def get_uom(self, purchase: PurchaseOrder) -> str:
        return purchase.item.purchase_uom or purchase.item.uom


class PurchaseReceiveInSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(max_digits=16, decimal_places=4, help_text="In the purchase unit.")
    reference = serializers.CharField(max_length=100, allow_blank=True, default="")
