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


# OrderOutSerializer's answer, made by hand: DRF builds a serializer's fields anew for every
# instance (and here for every production order), which cost about as much as the order's
# queries. The schema still comes from the serializers above; tests/orders/test_order_answer.py
# proves both give the same JSON.
_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()
_TOTAL = serializers.DecimalField(max_digits=14, decimal_places=2)
_UNIT_PRICE = serializers.DecimalField(max_digits=12, decimal_places=2)


def _when(value: Any) -> Any:
    return None if value is None else _DATETIME.to_representation(value)


def _production_order_out(po: ProductionOrder) -> dict[str, Any]:
    operations = list(po.operations.all())
    done = sum(1 for op in operations if op.status == Operation.Status.DONE)
    return {
        "number": po.number,
        "status": po.status,
        "progress": {"done": done, "total": len(operations)},
        "operations": [
            {
                "id": op.pk,
                "key": op.key,
                "name": op.name,
                "work_center": op.work_center.code,
                "status": op.status,
                "planned_start": _when(op.planned_start),
                "planned_end": _when(op.planned_end),
            }
            for op in operations
        ],
    }


def _line_out(line: OrderLine) -> dict[str, Any]:
    try:
        production_orders = [_production_order_out(line.production_order)]
    except ProductionOrder.DoesNotExist:
        production_orders = []
    return {
        "id": line.pk,
        "product": line.product_slug,
        "version": line.product_version.number,
        "spec": line.spec,
        "quantity": line.quantity,
        "unit_price": _UNIT_PRICE.to_representation(line.unit_price),
        "bom": line.bom,
        "routing": line.routing,
        "footprint": line.footprint,
        "production_orders": production_orders,
    }


def order_out(order: Order) -> dict[str, Any]:
    """An order as API.md shows it (OrderOutSerializer's fields), from an order loaded by
    orders.selectors.order_detail_queryset (or just placed): no query."""
    return {
        "number": order.number,
        "status": order.status,
        "created_at": _when(order.created_at),
        "currency": order.currency,
        "total": _TOTAL.to_representation(order.total),
        "promised_date": None if order.promised_date is None else _DATE.to_representation(order.promised_date),
        "note": order.note,
        "lines": [_line_out(line) for line in order.lines.all()],
        "events": [{"at": _when(e.at), "kind": e.kind, "message": str(e.text)} for e in order.events.all()],
    }
