from decimal import Decimal

from rest_framework import serializers

from inventory.models import Item, Receipt


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
