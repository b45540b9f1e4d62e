from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import IsOperatorOrPlanner, IsPlannerOrStaff, IsShopFloor
from config.errors import NotFound
from production import selectors, services
from production.models import WorkCenter
from production.serializers import (
    FinishInSerializer,
    QueueEntrySerializer,
    ShortageSerializer,
    StationOperationSerializer,
    WorkCenterSerializer,
)


class QueueApi(ListAPIView):
    """Operators, planners and staff see the open production orders in planned sequence."""

    permission_classes = [IsAuthenticated, IsShopFloor]
    serializer_class = QueueEntrySerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.queue_list()


class WorkCenterListApi(ListAPIView):
    """Operators, planners and staff see the work centers and their load."""

    permission_classes = [IsAuthenticated, IsShopFloor]
    serializer_class = WorkCenterSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return WorkCenter.objects.order_by("code")

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        if args and kwargs.get("many"):
            kwargs["context"] = {**self.get_serializer_context(), "loads": selectors.work_center_loads(list(args[0]))}
        return super().get_serializer(*args, **kwargs)


class WorkCenterOperationsApi(ListAPIView):
    """Operators, planners and staff see a station's open operations in planned order."""

    permission_classes = [IsAuthenticated, IsShopFloor]
    serializer_class = StationOperationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        work_center = WorkCenter.objects.filter(code=self.kwargs["code"]).first()
        if work_center is None:
            raise NotFound(_("There is no such work center."))
        return selectors.work_center_operations(work_center)


class OperationStartApi(APIView):
    """Operators and planners start an operation."""

    # Refusals of its own, for the schema (config/schema.py adds the ones every view shares).
    documented_refusals = {
        409: "Not ready: `predecessors_open`, `order_cancelled`, `material_missing` or `already_started`."
    }

    permission_classes = [IsAuthenticated, IsOperatorOrPlanner]

    @extend_schema(request=None, responses=StationOperationSerializer)
    def post(self, request: Request, operation_id: int) -> Response:
        op = services.operation_start(operation_id=operation_id, user=request.user)
        return Response(StationOperationSerializer(op).data)


class OperationFinishApi(APIView):
    """Operators and planners finish an operation in progress."""

    # Refusals of its own, for the schema (config/schema.py adds the ones every view shares).
    documented_refusals = {409: "The operation is not in progress (`not_in_progress`)."}

    permission_classes = [IsAuthenticated, IsOperatorOrPlanner]

    @extend_schema(request=FinishInSerializer, responses=StationOperationSerializer)
    def post(self, request: Request, operation_id: int) -> Response:
        data = FinishInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        op = services.operation_finish(
            operation_id=operation_id,
            user=request.user,
            scrap_quantity=data.validated_data["scrap_quantity"],
            scrap_item=data.validated_data.get("scrap_item") or None,
        )
        return Response(StationOperationSerializer(op).data)


class ReplanApi(APIView):
    """Planners and staff re-run the scheduler."""

    permission_classes = [IsAuthenticated, IsPlannerOrStaff]

    @extend_schema(request=None, responses={202: None})
    def post(self, request: Request) -> Response:
        with transaction.atomic():
            services.replan_request()
        return Response(
            {"detail": _("Re-planning has been queued."), "code": "accepted"}, status=status.HTTP_202_ACCEPTED
        )


class ShortageListApi(ListAPIView):
    """Planners and staff see what to buy: per item, what open production orders lack net of
    stock and open purchase orders, when it is needed, and which orders it would unblock."""

    permission_classes = [IsAuthenticated, IsPlannerOrStaff]
    serializer_class = ShortageSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.shortage_list()


class TravelerPdfApi(APIView):
    """Operators, planners and staff print a production order's traveler (job card)."""

    permission_classes = [IsAuthenticated, IsShopFloor]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, number: str) -> HttpResponse:
        from bom.selectors import spec_display
        from production.travelers import traveler_pdf

        po = selectors.production_order_for_traveler(number=number)
        pdf = traveler_pdf(
            po,
            spec_rows=spec_display(po.order_line.product_version, po.order_line.spec),
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="traveler-{po.number}.pdf"'
        return response
