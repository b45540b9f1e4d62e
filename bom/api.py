from typing import Any

from django.utils.decorators import method_decorator
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.vary import vary_on_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bom import selectors
from bom.configurator.i18n import EN, ZH_HANS
from bom.selectors import product_configure
from bom.serializers import ConfigureInSerializer, ProductSummarySerializer, configure_answer

SIMPLIFIED_CHINESE = ("zh", "zh-hans", "zh-cn", "zh-sg", "zh-my")


def request_language(request: Request) -> str:
    """API.md: the language of the request's Accept-Language, Simplified Chinese or English (the default)."""
    for tag, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        tag = tag.lower()
        if tag in SIMPLIFIED_CHINESE or tag.startswith("zh-hans-"):
            return ZH_HANS
        if tag == "en" or tag.startswith("en-") or tag == "*":
            return EN
    return EN


# The answers depend on the request's language: caches keep one per Accept-Language.
by_language = method_decorator(vary_on_headers("Accept-Language"), name="dispatch")


@by_language
class ProductListApi(ListAPIView):
    """Anyone may browse the published products."""

    permission_classes = [AllowAny]
    serializer_class = ProductSummarySerializer

    def get_queryset(self) -> Any:
        return selectors.product_list_published()

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "language": request_language(self.request)}


@by_language
class ProductDetailApi(APIView):
    """Anyone may read a product's current published version and its options."""

    permission_classes = [AllowAny]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, slug: str) -> Response:
        return Response(selectors.product_describe(slug=slug, language=request_language(request)))


@by_language
class ProductConfigureApi(APIView):
    """Anyone may configure: errors, valid domains, price, BOM, routing, footprint, ship date."""

    permission_classes = [AllowAny]

    @extend_schema(request=ConfigureInSerializer, responses=configure_answer)
    def post(self, request: Request, slug: str) -> Response:
        data = ConfigureInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(product_configure(slug=slug, language=request_language(request), **data.validated_data))
