from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bom import selectors
from bom.selectors import product_configure
from bom.serializers import ConfigureInSerializer, ProductSummarySerializer, configure_answer


class ProductListApi(ListAPIView):
    """Anyone may browse the published products."""

    permission_classes = [AllowAny]
    serializer_class = ProductSummarySerializer

    def get_queryset(self) -> Any:
        return selectors.product_list_published()


class ProductDetailApi(APIView):
    """Anyone may read a product's current published version and its options."""

    permission_classes = [AllowAny]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, slug: str) -> Response:
        return Response(selectors.product_describe(slug=slug))


class ProductConfigureApi(APIView):
    """Anyone may configure: errors, valid domains, price, BOM, routing, footprint, ship date."""

    permission_classes = [AllowAny]

    @extend_schema(request=ConfigureInSerializer, responses=configure_answer)
    def post(self, request: Request, slug: str) -> Response:
        data = ConfigureInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(product_configure(slug=slug, **data.validated_data))
