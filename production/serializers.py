from decimal import Decimal
from typing import Any

from rest_framework import serializers

from production.models import Operation, ProductionOrder, WorkCenter
from production.selectors import next_operation


class NextOperationSerializer(serializers.ModelSerializer):
    work_center = serializers.CharField(source="work_center.code")

    class Meta:
        model = Operation
        fields = ["id", "key", "work_center", "planned_start", "planned_end"]


class QueueEntrySerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order_line.order.number")
    next_operation = serializers.SerializerMethodField()

    class Meta:
        model = ProductionOrder
        fields = [
            "number",
            "order",
            "product",
            "quantity",
            "status",
            "priority",
            "promised_date",
            "planned_finish",
            "next_operation",
        ]

    def get_next_operation(self, po: ProductionOrder) -> dict[str, Any] | None:
        op = next_operation(po)
        return NextOperationSerializer(op).data if op else None


class WorkCenterSerializer(serializers.ModelSerializer):
    load = serializers.SerializerMethodField()

    class Meta:
        model = WorkCenter
        fields = ["code", "name", "capacity", "minutes_per_day", "load"]

    def get_load(self, wc: WorkCenter) -> list[dict[str, Any]]:
        """From the view's context: every listed work center's load, read in one query."""
        return self.context["loads"].get(wc.pk, [])


class StationOperationSerializer(serializers.ModelSerializer):
    production_order = serializers.CharField(source="production_order.number")
    work_center = serializers.CharField(source="work_center.code")

    class Meta:
        model = Operation
        fields = [
            "id",
            "production_order",
            "key",
            "name",
            "work_center",
            "status",
            "setup_minutes",
            "run_minutes",
            "planned_start",
            "planned_end",
            "started_at",
            "finished_at",
        ]


class FinishInSerializer(serializers.Serializer):
    scrap_quantity = serializers.DecimalField(
        max_digits=12, decimal_places=4, min_value=Decimal("0"), default=Decimal("0")
    )
    scrap_item = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="SKU scrapped; default: the main material."
    )


class ShortageSerializer(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    uom = serializers.CharField()
    short_quantity = serializers.CharField()
    needed = serializers.CharField()
    available = serializers.CharField()
    on_order = serializers.CharField()
    needed_by = serializers.DateField(allow_null=True)
    production_orders = serializers.ListField(child=serializers.CharField())
    suggested_purchase = serializers.DictField()
