"""factory_boy factories and the demo specs the tests order."""

from typing import Any

import factory
from django.contrib.auth import get_user_model

from orders.demo import CABINET, SUIT


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
    return {**SUIT, **overrides}


def cabinet_spec(**overrides: Any) -> dict[str, Any]:
    """A complete, valid custom cabinet."""
    return {**CABINET, **overrides}
