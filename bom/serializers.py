from rest_framework import serializers


class ProductSummarySerializer(serializers.Serializer):
    slug = serializers.CharField(source="product.slug")
    name = serializers.CharField(source="product.name")
    description = serializers.CharField(source="product.description")
    version = serializers.IntegerField(source="number")
    base_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField(source="product.currency")


class ConfigureInSerializer(serializers.Serializer):
    spec = serializers.DictField(child=serializers.JSONField(), allow_empty=True)
    strict = serializers.BooleanField(default=False)
    # The units the ship date is estimated for; the same bounds as an order line's quantity.
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)
