from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers


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
            raise serializers.ValidationError("This username is taken.")
        return value


class RegisteredSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
