from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from orders.models import Order, OrderEvent, OrderLine
from production.models import Operation, ProductionOrder


class LineInSerializer(serializers.Serializer):
    product = serializers.SlugField()
    spec = serializers.DictField(child=serializers.JSONField(), allow_empty=True)
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)


class OrderInSerializer(serializers.Serializer):
    MAX_LINES = 20

    lines = LineInSerializer(many=True, allow_empty=False)
    note = serializers.CharField(allow_blank=True, max_length=2000, default="")

    def validate_lines(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(lines) > self.MAX_LINES:
            raise serializers.ValidationError(_("An order has at most %(most)s lines.") % {"most": self.MAX_LINES})
        return lines


class OperationOutSerializer(serializers.ModelSerializer):
    work_center = serializers.CharField(source="work_center.code")

    class Meta:
        model = Operation
        fields = ["id", "key", "name", "work_center", "status", "planned_start", "planned_end"]


class ProductionOrderOutSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    operations = OperationOutSerializer(many=True)

    class Meta:
        model = ProductionOrder
        fields = ["number", "status", "progress", "operations"]

    def get_progress(self, po: ProductionOrder) -> dict[str, int]:
        ops = po.operations.all()
        return {"done": sum(1 for op in ops if op.status == Operation.Status.DONE), "total": len(ops)}


class OrderLineOutSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="product_slug")
    version = serializers.IntegerField(source="product_version.number")
    production_orders = serializers.SerializerMethodField()

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "product",
            "version",
            "spec",
            "quantity",
            "unit_price",
            "bom",
            "routing",
            "footprint",
            "production_orders",
        ]

    def get_production_orders(self, line: OrderLine) -> list[dict[str, Any]]:
        try:
            po = line.production_order
        except ProductionOrder.DoesNotExist:
            return []
        return [ProductionOrderOutSerializer(po).data]


class OrderEventOutSerializer(serializers.ModelSerializer):
    message = serializers.CharField(source="text", read_only=True)  # in the request's language

    class Meta:
        model = OrderEvent
        fields = ["at", "kind", "message"]


class OrderOutSerializer(serializers.ModelSerializer):
    lines = OrderLineOutSerializer(many=True)
    events = OrderEventOutSerializer(many=True)

    class Meta:
        model = Order
        fields = ["number", "status", "created_at", "currency", "total", "promised_date", "note", "lines", "events"]


class OrderSummarySerializer(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.username")

    class Meta:
        model = Order
        fields = ["number", "status", "created_at", "currency", "total", "promised_date", "customer"]
