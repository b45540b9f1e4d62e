from django.urls import path

from production import views_floor as views

app_name = "floor"

urlpatterns = [
    path("", views.floor_home, name="home"),
    path("work-centers/<code:code>/", views.station_page, name="station"),
    path("orders/<code:number>/", views.production_order_page, name="production-order"),
    path("operations/<int:operation_id>/", views.operation_page, name="operation"),
    path("operations/<int:operation_id>/start/", views.operation_start_action, name="start"),
    path("operations/<int:operation_id>/finish/", views.operation_finish_action, name="finish"),
]
