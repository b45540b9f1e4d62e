from django.urls import path

from bom import api

urlpatterns = [
    path("products/", api.ProductListApi.as_view(), name="product-list"),
    path("products/<slug:slug>/", api.ProductDetailApi.as_view(), name="product-detail"),
    path("products/<slug:slug>/configure/", api.ProductConfigureApi.as_view(), name="product-configure"),
]
