from django.urls import path

from orders import views

app_name = "shop"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/<slug:slug>/", views.configure_page, name="configure"),
    path("products/<slug:slug>/review/", views.review_order, name="review"),
    path("products/<slug:slug>/order/", views.place_order, name="place-order"),
    path("products/<slug:slug>/profiles/", views.save_profile, name="save-profile"),
    path("orders/", views.my_orders, name="orders"),
    path("orders/<code:number>/", views.order_page, name="order"),
    path("orders/<code:number>/cancel/", views.cancel_order, name="cancel-order"),
    path("orders/<code:number>/release/", views.release_held_order, name="release-held-order"),
    path("orders/<code:number>/ship/", views.ship_order, name="ship-order"),
]
