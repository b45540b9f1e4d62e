"""Writes for accounts: registration, API tokens and saved measurement profiles."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from knox.models import AuthToken

from accounts.measurements import MeasurementValuesInvalid, measurement_values_clean
from accounts.models import PROFILE_NAME_MAX_LENGTH, PROFILES_PER_CUSTOMER, MeasurementProfile, Preference
from config.errors import InvalidInput, NotFound


@transaction.atomic
def user_register(*, username: str, email: str, password: str) -> AbstractUser:
    """Create a customer account. Raises django.core.exceptions.ValidationError on a weak password.

    The username is NFKC-normalised as Django's forms do, so `ａｌｉｃｅ` (full width) is `alice`.
    """
    user_model = get_user_model()
    user = user_model(username=user_model.normalize_username(username), email=email)
    validate_password(password, user=user)
    user.set_password(password)
    user.save()
    return user


def api_token_create(*, user: Any) -> str:
    """Issue a new API token for the user, valid for REST_KNOX's TOKEN_TTL, and return its key.

    Only the key's hash is stored, so the key is shown this once. The user's expired tokens go.
    """
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    _, key = AuthToken.objects.create(user=user)
    return key


def api_token_revoke(*, token: AuthToken) -> None:
    """Revoke one API token (the caller's own, at log-out)."""
    token.delete()


def api_tokens_purge_expired() -> int:
    """Delete every expired API token (Celery beat runs it hourly); returns how many there were.
    A request looks only at its own token (accounts.authentication), so the others go here."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


def api_tokens_revoke_all(*, user: Any) -> int:
    """Revoke every API token of the user; returns how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


# --- Measurement profiles ------------------------------------------------------------------------
#
# Every write of a customer's profiles first locks the customer's user row, so that two requests
# at once can neither both take the last free place nor both take the same name.


def _profile_owner_lock(*, owner_id: int) -> None:
    get_user_model()._default_manager.select_for_update().filter(pk=owner_id).values_list("pk").first()


def _profile_name_clean(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("name", _("A profile needs a name."))
    if len(name) > PROFILE_NAME_MAX_LENGTH:
        raise InvalidInput("name", _("At most %(most)s characters.") % {"most": PROFILE_NAME_MAX_LENGTH})
    return name


def _profile_values_clean(values: Any) -> dict[str, str]:
    try:
        return measurement_values_clean(values)
    except MeasurementValuesInvalid as exc:
        raise InvalidInput("values", " ".join(exc.messages())) from exc


def _profile_name_free(*, owner_id: int, name: str, exclude_pk: int | None = None) -> None:
    others = MeasurementProfile.objects.filter(owner_id=owner_id, name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise InvalidInput("name", _("You already have a profile named '%(name)s'.") % {"name": name})


def _profile_save(*, profile: MeasurementProfile) -> None:
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:  # the unique name, should a writer ever skip the owner's lock
        raise InvalidInput("name", _("You already have a profile named '%(name)s'.") % {"name": profile.name}) from exc


@transaction.atomic
def profile_create(*, owner: Any, name: str, values: dict[str, Any]) -> MeasurementProfile:
    """Save a new measurement profile for the customer, its values normalised to decimal strings.

    Raises InvalidInput on a bad name or value, a name the customer already uses (in any case),
    or when they already keep PROFILES_PER_CUSTOMER profiles.
    """
    name, cleaned = _profile_name_clean(name), _profile_values_clean(values)
    _profile_owner_lock(owner_id=owner.pk)
    if MeasurementProfile.objects.filter(owner=owner).count() >= PROFILES_PER_CUSTOMER:
        raise InvalidInput(
            "non_field_errors",
            _("You can keep at most %(most)s measurement profiles; delete one to save another.")
            % {"most": PROFILES_PER_CUSTOMER},
        )
    _profile_name_free(owner_id=owner.pk, name=name)
    profile = MeasurementProfile(owner=owner, name=name, values=cleaned)
    _profile_save(profile=profile)
    return profile


@transaction.atomic
def profile_update(
    *, profile: MeasurementProfile, name: str | None = None, values: dict[str, Any] | None = None
) -> MeasurementProfile:
    """Rename a profile and/or replace its values (the whole object: a key left out is dropped).

    Raises InvalidInput as profile_create does, NotFound if the profile was deleted meanwhile.
    """
    new_name = None if name is None else _profile_name_clean(name)
    new_values = None if values is None else _profile_values_clean(values)
    _profile_owner_lock(owner_id=profile.owner_id)
    current = MeasurementProfile.objects.filter(pk=profile.pk).first()
    if current is None:
        raise NotFound(_("There is no such measurement profile."))
    if new_name is not None:
        _profile_name_free(owner_id=current.owner_id, name=new_name, exclude_pk=current.pk)
        current.name = new_name
    if new_values is not None:
        current.values = new_values
    _profile_save(profile=current)
    return current


@transaction.atomic
def profile_delete(*, profile: MeasurementProfile) -> None:
    """Delete a measurement profile (nothing else refers to it: orders keep their own spec)."""
    _profile_owner_lock(owner_id=profile.owner_id)
    MeasurementProfile.objects.filter(pk=profile.pk).delete()


def preference_language_set(*, user: Any, language: str) -> Preference:
    """Save the language of the user's pages (a code of settings.LANGUAGES).
    Raises InvalidInput for a language the site does not speak."""
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput("language", gettext("Choose one of the languages offered."))
    preference, _created = Preference.objects.update_or_create(user=user, defaults={"language": language})
    return preference
