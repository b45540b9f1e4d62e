from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import IsPlannerOrStaff
from inventory import selectors, services
from inventory.models import PurchaseOrder
from inventory.serializers import (
    ItemSerializer,
    PurchaseOrderInSerializer,
    PurchaseOrderSerializer,
    PurchaseReceiveInSerializer,
    ReceiptInSerializer,
    ReceiptOutSerializer,
)


class ItemListApi(ListAPIView):
    """Planners and staff see stock levels."""

    permission_classes = [IsAuthenticated, IsPlannerOrStaff]
    serializer_class = ItemSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.item_list()


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="A client-chosen UUID: a retried receipt with the same key and body counts once.",
)


def _idempotency_key(request: Request) -> str | None:
    return request.headers.get("Idempotency-Key", "").strip() or None


class ReceiptCreateApi(APIView):
    """Planners and staff record a receipt; waiting production orders are then re-allocated."""

    # Refusals of its own, for the schema (config/schema.py adds the ones every view shares).
    documented_refusals = {422: "The Idempotency-Key was used before with another body (`idempotency_key_reused`)."}

    permission_classes = [IsAuthenticated, IsPlannerOrStaff]

    @extend_schema(
        request=ReceiptInSerializer,
        responses={201: ReceiptOutSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request: Request) -> Response:
        data = ReceiptInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        receipt = services.receipt_record(
            user=request.user, idempotency_key=_idempotency_key(request), **data.validated_data
        )
        return Response(ReceiptOutSerializer(receipt).data, status=status.HTTP_201_CREATED)


class PurchaseOrderListCreateApi(ListAPIView):
    """Planners and staff list open and past purchase orders and place new ones."""

    permission_classes = [IsAuthenticated, IsPlannerOrStaff]
    serializer_class = PurchaseOrderSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return PurchaseOrder.objects.select_related("item").order_by("expected_date", "id")

    @extend_schema(request=PurchaseOrderInSerializer, responses={201: PurchaseOrderSerializer})
    def post(self, request: Request) -> Response:
        data = PurchaseOrderInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        purchase = services.purchase_order_create(user=request.user, **data.validated_data)
        return Response(PurchaseOrderSerializer(purchase).data, status=status.HTTP_201_CREATED)


class PurchaseOrderReceiveApi(APIView):
    """Planners and staff receive (part of) a purchase order; waiting orders are re-allocated."""

    # Refusals of its own, for the schema (config/schema.py adds the ones every view shares).
    documented_refusals = {
        409: "The purchase order is closed.",
        422: "The Idempotency-Key was used before with another body (`idempotency_key_reused`).",
    }

    permission_classes = [IsAuthenticated, IsPlannerOrStaff]

    @extend_schema(
        request=PurchaseReceiveInSerializer,
        responses={201: ReceiptOutSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request: Request, number: str) -> Response:
        data = PurchaseReceiveInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        receipt = services.purchase_order_receive(
            number=number, user=request.user, idempotency_key=_idempotency_key(request), **data.validated_data
        )
        return Response(ReceiptOutSerializer(receipt).data, status=status.HTTP_201_CREATED)
