"""Reads for accounts: a customer's saved measurement profiles, only ever their own."""

from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.models import MeasurementProfile, Preference
from config.errors import NotFound


def profile_list(*, owner: Any) -> QuerySet[MeasurementProfile]:
    """The customer's profiles by name (case-insensitive), then by age."""
    return MeasurementProfile.objects.filter(owner=owner).order_by(Lower("name"), "id")


def profile_get(*, owner: Any, profile_id: int) -> MeasurementProfile:
    """One of the customer's profiles; NotFound for anyone else's (its existence is not revealed)."""
    profile = MeasurementProfile.objects.filter(owner=owner, pk=profile_id).first()
    if profile is None:
        raise NotFound(_("There is no such measurement profile."))
    return profile


def preference_language(*, user: Any) -> str | None:
    """The language a logged-in user chose for their pages, or None if they never chose one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Preference.objects.filter(user=user).values_list("language", flat=True).first()
