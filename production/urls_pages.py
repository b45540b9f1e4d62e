from django.urls import path

from production import views

app_name = "planner"

urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("orders/<code:number>/priority/", views.priority_action, name="priority"),
    path("shortages/", views.shortages_page, name="shortages"),
    path("shortages/order/", views.purchase_order_create_action, name="purchase-order-create"),
    path("purchase-orders/<code:number>/receive/", views.purchase_order_receive_action, name="purchase-order-receive"),
]
