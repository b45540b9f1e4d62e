from django.urls import path

from inventory import api

urlpatterns = [
    path("inventory/items/", api.ItemListApi.as_view(), name="item-list"),
    path("inventory/receipts/", api.ReceiptCreateApi.as_view(), name="receipt-create"),
    path("inventory/purchase-orders/", api.PurchaseOrderListCreateApi.as_view(), name="purchase-order-list"),
    path(
        "inventory/purchase-orders/<code:number>/receive/",
        api.PurchaseOrderReceiveApi.as_view(),
        name="purchase-order-receive",
    ),
]
