from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.authentication import TokenAuthentication
from accounts.roles import IsCustomer
from accounts.serializers import (
    MeasurementProfileInSerializer,
    MeasurementProfileSerializer,
    RegisteredSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from accounts.services import (
    api_token_create,
    api_token_revoke,
    api_tokens_revoke_all,
    profile_create,
    profile_delete,
    profile_update,
    user_register,
)


class RegisterApi(APIView):
    """Anyone may sign up as a customer."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_scope = "auth"

    @extend_schema(request=RegisterSerializer, responses={201: RegisteredSerializer})
    def post(self, request: Request) -> Response:
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = user_register(**data.validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        except IntegrityError as exc:  # the same name registered a moment ago by another request
            raise serializers.ValidationError({"username": [_("This username is taken.")]}) from exc
        return Response({"id": user.pk, "username": user.username}, status=status.HTTP_201_CREATED)


class TokenObtainApi(APIView):
    """Anyone may exchange a username and password for an API token (a new one at each call; it
    expires after API_TOKEN_TTL_HOURS, and a password change revokes it)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_scope = "auth"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to log in with the username and password given.")]}
            )
        return Response({"token": api_token_create(user=user)})


class LogoutApi(APIView):
    """The caller revokes the token it authenticated with."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllApi(APIView):
    """The caller revokes every API token of theirs (with a token, or from a browser session)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        api_tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class KeepsProfiles(IsCustomer):
    message = gettext_lazy("Only customers keep measurement profiles.")


@extend_schema_view(get=extend_schema(description="The caller's measurement profiles, by name."))
class ProfileListCreateApi(ListAPIView):
    """A customer lists their saved measurement profiles (by name) and saves a new one."""

    permission_classes = [IsAuthenticated, KeepsProfiles]
    serializer_class = MeasurementProfileSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.profile_list(owner=self.request.user)

    @extend_schema(
        request=MeasurementProfileInSerializer,
        responses={201: MeasurementProfileSerializer},
        description="Save a new profile (at most 20, names unique per customer regardless of case).",
    )
    def post(self, request: Request) -> Response:
        data = MeasurementProfileInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = profile_create(owner=request.user, **data.validated_data)
        return Response(MeasurementProfileSerializer(profile).data, status=status.HTTP_201_CREATED)


class ProfileDetailApi(APIView):
    """A customer reads, renames or changes the values of, and deletes one of their own profiles;
    anyone else's is a 404."""

    permission_classes = [IsAuthenticated, KeepsProfiles]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    @extend_schema(responses=MeasurementProfileSerializer, description="One of the caller's profiles.")
    def get(self, request: Request, profile_id: int) -> Response:
        profile = selectors.profile_get(owner=request.user, profile_id=profile_id)
        return Response(MeasurementProfileSerializer(profile).data)

    @extend_schema(
        request=MeasurementProfileInSerializer(partial=True),
        responses=MeasurementProfileSerializer,
        description="Rename the profile and/or replace its values (the whole object: keys left out are dropped).",
    )
    def patch(self, request: Request, profile_id: int) -> Response:
        profile = selectors.profile_get(owner=request.user, profile_id=profile_id)
        data = MeasurementProfileInSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        profile = profile_update(profile=profile, **data.validated_data)
        return Response(MeasurementProfileSerializer(profile).data)

    @extend_schema(responses={204: None}, description="Delete the profile.")
    def delete(self, request: Request, profile_id: int) -> Response:
        profile_delete(profile=selectors.profile_get(owner=request.user, profile_id=profile_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
