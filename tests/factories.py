"""factory_boy factories and the demo specs the tests order."""

from typing import Any

import factory
from django.contrib.auth import get_user_model


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"customer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "a-Long-pass-123")

    @factory.post_generation
    def _save(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


def suit_spec(**overrides: Any) -> dict[str, Any]:
    """A complete, valid made-to-measure suit (medium size, navy wool)."""
    spec: dict[str, Any] = {
        "fabric": "wool-navy",
        "jacket": "sb2",
        "lapel": "notch",
        "vents": "center",
        "lining": "navy",
        "with_trousers": True,
        "pleats": "flat",
        "height_cm": 180,
        "chest_cm": 100,
        "waist_cm": 86,
        "sleeve_cm": 64,
        "jacket_length_cm": 76,
        "inseam_cm": 82,
    }
    spec.update(overrides)
    return spec


def cabinet_spec(**overrides: Any) -> dict[str, Any]:
    """A complete, valid custom cabinet."""
    spec: dict[str, Any] = {
        "width_mm": 800,
        "height_mm": 1800,
        "depth_mm": 400,
        "material": "oak-veneer",
        "doors": "double",
        "shelves": 4,
        "handle": "bar-steel",
    }
    spec.update(overrides)
    return spec
