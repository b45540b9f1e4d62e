from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.measurements import KEY, MAX_ENTRIES, MeasurementValuesInvalid, measurement_values_clean
from accounts.models import PROFILE_NAME_MAX_LENGTH, MeasurementProfile


class UsernameField(serializers.RegexField):
    """Django's username rules, NFKC-normalised first as its forms do (`ａｌｉｃｅ` is `alice`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(r"^[\w.@+-]+\Z", max_length=150, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        return get_user_model().normalize_username(super().to_internal_value(data))


class RegisterSerializer(serializers.Serializer):
    username = UsernameField()
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})

    def validate_username(self, value: str) -> str:
        # As Django's sign-up form: names that differ only in case are the same person's.
        if get_user_model().objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError(_("This username is taken."))
        return value


class RegisteredSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


VALUES_EXAMPLE = {"chest_cm": "100", "waist_cm": "86.5"}


@extend_schema_field(
    {
        "type": "object",
        "description": (
            f"Option keys (`{KEY.pattern}`) to numbers, given as JSON numbers or decimal strings;"
            f" at most {MAX_ENTRIES} entries."
        ),
        "maxProperties": MAX_ENTRIES,
        "additionalProperties": {"oneOf": [{"type": "number"}, {"type": "string", "format": "decimal"}]},
        "example": VALUES_EXAMPLE,
    }
)
class MeasurementValuesField(serializers.Field):
    """A profile's values in: every problem at once, per key as API.md nests a spec's errors."""

    def to_internal_value(self, data: Any) -> dict[str, str]:
        try:
            return measurement_values_clean(data)
        except MeasurementValuesInvalid as exc:
            raise serializers.ValidationError(exc.errors) from exc

    def to_representation(self, value: Any) -> Any:
        return value


class MeasurementProfileInSerializer(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=PROFILE_NAME_MAX_LENGTH)
    values = MeasurementValuesField()


@extend_schema_field(
    {
        "type": "object",
        "description": "Option keys to decimal strings, without trailing zeros or an exponent.",
        "additionalProperties": {"type": "string", "format": "decimal"},
        "example": VALUES_EXAMPLE,
    }
)
class MeasurementValuesOutField(serializers.DictField):
    child = serializers.CharField()


class MeasurementProfileSerializer(serializers.ModelSerializer):
    values = MeasurementValuesOutField()

    class Meta:
        model = MeasurementProfile
        fields = ["id", "name", "values"]
