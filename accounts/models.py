"""A customer's saved measurement profiles (the account's own records; users are Django's)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

PROFILE_NAME_MAX_LENGTH = 60
PROFILES_PER_CUSTOMER = 20


class MeasurementProfile(models.Model):
    """Named measurements a customer keeps to fill in specs: `values` maps option keys to decimal
    strings (`{"chest_cm": "100"}`), checked and normalised by `accounts.measurements`."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="measurement_profiles")
    name = models.CharField(max_length=PROFILE_NAME_MAX_LENGTH)
    values = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            # "Work" and "work" would be the same profile to the customer choosing from a list.
            models.UniqueConstraint("owner", Lower("name"), name="measurement_profile_name_unique_per_owner"),
            models.CheckConstraint(condition=~Q(name=""), name="measurement_profile_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Preference(models.Model):
    """A user's own settings: the language of their pages (one of settings.LANGUAGES), saved when
    they switch it and applied whenever they are logged in (config.middleware)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"
