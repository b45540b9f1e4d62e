from django.urls import path

from orders import api

urlpatterns = [
    path("orders/", api.OrderListCreateApi.as_view(), name="order-list"),
    path("orders/<code:number>/", api.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<code:number>/cancel/", api.OrderCancelApi.as_view(), name="order-cancel"),
    path("orders/<code:number>/ship/", api.OrderShipApi.as_view(), name="order-ship"),
    path("orders/<code:number>/release/", api.OrderHoldReleaseApi.as_view(), name="order-hold-release"),
]
