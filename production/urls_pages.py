from django.urls import path

from production import views

app_name = "planner"

urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("orders/<code:number>/priority/", views.priority_action, name="priority"),
]
