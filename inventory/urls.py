from django.urls import path

from inventory import api

urlpatterns = [
    path("inventory/items/", api.ItemListApi.as_view(), name="item-list"),
    path("inventory/receipts/", api.ReceiptCreateApi.as_view(), name="receipt-create"),
]
