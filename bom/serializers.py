from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from bom.configurator.i18n import EN
from bom.selectors import product_text


class ProductSummarySerializer(serializers.Serializer):
    slug = serializers.CharField(source="product.slug")
    name = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="number")
    base_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField(source="product.currency")

    def get_name(self, version: Any) -> str:
        return product_text(version.product, "name", self.context.get("language", EN))

    def get_description(self, version: Any) -> str:
        return product_text(version.product, "description", self.context.get("language", EN))


class ConfigureInSerializer(serializers.Serializer):
    spec = serializers.DictField(child=serializers.JSONField(), allow_empty=True)
    strict = serializers.BooleanField(default=False)
    # The units the ship date is estimated for; the same bounds as an order line's quantity.
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)
    prefer = serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        help_text="An option of the spec the customer has just set: values that conflict with it are cleared.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        prefer = attrs.get("prefer")
        if prefer is not None:
            value = attrs["spec"].get(prefer)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise serializers.ValidationError(
                    {"prefer": [_("'%(prefer)s' is not an option set in the spec.") % {"prefer": prefer}]}
                )
        return attrs


# The configure answer, declared for the schema only (bom.selectors builds it). Built with
# inline_serializer because its fields `errors` and `label` would shadow a serializer's and a
# field's own attributes in a class body.
configure_answer = inline_serializer(
    "ConfigureAnswer",
    fields={
        "product": serializers.CharField(),
        "version": serializers.IntegerField(),
        "complete": serializers.BooleanField(),
        "valid": serializers.BooleanField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        "applicable": serializers.ListField(child=serializers.CharField()),
        "domains": serializers.DictField(child=serializers.JSONField()),
        "price": serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, help_text="Per unit."),
        "price_breakdown": inline_serializer(
            "PriceLine",
            fields={
                "label": serializers.CharField(),
                "amount": serializers.DecimalField(max_digits=12, decimal_places=2),
            },
            many=True,
            allow_null=True,
            help_text="Base price, each choice's price delta, each adder that applies (and any rounding): "
            "the amounts add up to price exactly.",
        ),
        "currency": serializers.CharField(),
        "bom": serializers.ListField(child=serializers.DictField(), allow_null=True),
        "routing": serializers.ListField(child=serializers.DictField(), allow_null=True),
        "footprint": serializers.DictField(child=serializers.CharField(), allow_null=True),
        "estimated_ship_date": serializers.DateField(
            allow_null=True, help_text="When the factory can ship the request's quantity, given its current plan."
        ),
        "cleared": serializers.DictField(
            child=serializers.JSONField(),
            help_text="The values dropped because they conflict with the preferred option's ({} without prefer).",
        ),
    },
)
