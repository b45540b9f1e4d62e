from django.urls import path

from production import api

urlpatterns = [
    path("production/queue/", api.QueueApi.as_view(), name="production-queue"),
    path("production/work-centers/", api.WorkCenterListApi.as_view(), name="work-center-list"),
    path(
        "production/work-centers/<code:code>/operations/",
        api.WorkCenterOperationsApi.as_view(),
        name="work-center-operations",
    ),
    path("production/operations/<int:operation_id>/start/", api.OperationStartApi.as_view(), name="operation-start"),
    path("production/operations/<int:operation_id>/finish/", api.OperationFinishApi.as_view(), name="operation-finish"),
    path("production/replan/", api.ReplanApi.as_view(), name="production-replan"),
    path("production/orders/<code:number>/traveler.pdf", api.TravelerPdfApi.as_view(), name="traveler-pdf"),
    # Shortages read production's demand, so the view lives here; the path is API.md's.
    path("inventory/shortages/", api.ShortageListApi.as_view(), name="shortage-list"),
]
