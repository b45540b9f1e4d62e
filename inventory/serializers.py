from rest_framework import serializers

from inventory.models import Item, Receipt


class ItemSerializer(serializers.ModelSerializer):
    available = serializers.DecimalField(max_digits=16, decimal_places=4, read_only=True)

    class Meta:
        model = Item
        fields = ["sku", "name", "uom", "on_hand", "reserved", "available"]


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
