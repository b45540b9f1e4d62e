from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import IsCustomer, IsPlannerOrStaff, is_staff
from orders import selectors, services
from orders.serializers import OrderInSerializer, OrderOutSerializer, OrderSummarySerializer, order_out

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="A client-chosen key (a UUID); a retry with the same key and body creates nothing new.",
)


class OrderListCreateApi(ListAPIView):
    """Customers list their own orders and place new ones; planners and staff list all."""

    # Refusals of its own, for the schema (config/schema.py adds the ones every view shares).
    documented_refusals = {422: "The Idempotency-Key was used before with another body (`idempotency_key_reused`)."}

    serializer_class = OrderSummarySerializer

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsAuthenticated(), IsCustomer()]
        return [IsAuthenticated()]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.order_list_for(self.request.user)

    @extend_schema(request=OrderInSerializer, responses={201: OrderOutSerializer}, parameters=[IDEMPOTENCY_HEADER])
    def post(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            raise ValidationError({"Idempotency-Key": [_("This header is required: a UUID chosen by the client.")]})
        data = OrderInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order, created = services.order_place(
            customer=request.user,
            lines=data.validated_data["lines"],
            note=data.validated_data["note"],
            idempotency_key=key,
        )
        if not created:  # a retry: the order as it is now (a new one is answered as it was written)
            order = selectors.order_get_for(request.user, number=order.number)
        return Response(order_out(order), status=status.HTTP_201_CREATED)


class OrderDetailApi(APIView):
    """The owner, planners and staff see an order; anyone else gets 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OrderOutSerializer)
    def get(self, request: Request, number: str) -> Response:
        return Response(order_out(selectors.order_get_for(request.user, number=number)))


class OrderCancelApi(APIView):
    """The owner or staff cancel an order before production starts."""

    # Refusals of its own, for the schema (config/schema.py adds the ones every view shares).
    documented_refusals = {409: "Production has started, or the order is already closed (`not_cancellable`)."}

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=OrderOutSerializer)
    def post(self, request: Request, number: str) -> Response:
        order = selectors.order_get_for(request.user, number=number)
        if order.customer_id != request.user.pk and not is_staff(request.user):
            raise PermissionDenied(_("Only the customer who placed it and staff may cancel an order."))
        services.order_cancel(order=order, user=request.user)
        return Response(order_out(selectors.order_get_for(request.user, number=number)))


class OrderShipApi(APIView):
    """Planners and staff mark a completed order shipped."""

    # Refusals of its own, for the schema (config/schema.py adds the ones every view shares).
    documented_refusals = {409: "The order is not completed (`not_completed`)."}

    permission_classes = [IsAuthenticated, IsPlannerOrStaff]

    @extend_schema(request=None, responses=OrderOutSerializer)
    def post(self, request: Request, number: str) -> Response:
        order = selectors.order_get_for(request.user, number=number)
        services.order_ship(order=order, user=request.user)
        return Response(order_out(selectors.order_get_for(request.user, number=number)))


class OrderHoldReleaseApi(APIView):
    """Planners and staff release an order on hold again, once they have resolved its reason."""

    # Refusals of its own, for the schema (config/schema.py adds the ones every view shares).
    documented_refusals = {409: "The order is not on hold."}

    permission_classes = [IsAuthenticated, IsPlannerOrStaff]

    @extend_schema(request=None, responses=OrderOutSerializer)
    def post(self, request: Request, number: str) -> Response:
        order = selectors.order_get_for(request.user, number=number)
        services.order_hold_release(order=order, user=request.user)
        return Response(order_out(selectors.order_get_for(request.user, number=number)))
