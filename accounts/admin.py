from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import MeasurementProfile, Preference
from accounts.services import profile_delete


@admin.register(MeasurementProfile)
class MeasurementProfileAdmin(admin.ModelAdmin):
    """Staff see customers' profiles and may delete one (a customer's request); only the customer
    creates or edits them, through the API's checks and limits."""

    list_display = ["name", "owner", "updated_at", "created_at"]
    list_select_related = ["owner"]
    search_fields = ["name", "owner__username", "owner__email"]
    readonly_fields = ["owner", "name", "values", "created_at", "updated_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: MeasurementProfile) -> None:
        profile_delete(profile=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[MeasurementProfile]) -> None:
        for profile in queryset.order_by("owner_id", "pk"):  # each owner's lock, in one order
            profile_delete(profile=profile)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    """Staff see which language each user chose for their pages (and their mails); the user
    chooses it with the header's switcher."""

    list_display = ["user", "language"]
    list_filter = ["language"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["user", "language"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
