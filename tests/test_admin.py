"""Django admin: every model is registered, and its pages render for a superuser."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from orders.services import order_place, order_release
from tests.factories import UserFactory, suit_spec

pytestmark = pytest.mark.usefixtures("demo")
OUR_APPS = {"bom", "inventory", "production", "orders", "outbox"}


def test_every_model_of_ours_is_in_admin():
    ours = {m for m in apps.get_models() if m._meta.app_label in OUR_APPS}
    missing = {m.__name__ for m in ours if m not in admin.site._registry}
    assert missing == set(), missing


def test_admin_pages_render(client, customer):
    order, _ = order_place(
        customer=customer,
        lines=[{"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}],
        idempotency_key=None,
    )
    order_release(order_id=order.pk)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        if meta.app_label not in OUR_APPS:
            continue
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        assert client.get(changelist, {"q": "x"}).status_code == 200, changelist
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change


def test_a_published_version_cannot_be_edited_in_admin(client):
    from bom.models import ProductVersion

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    version = ProductVersion.objects.get(product__slug="mtm-suit", status="published")
    url = reverse("admin:bom_productversion_change", args=[version.pk])
    response = client.post(url, {"base_price": "1.00"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.base_price != 1
