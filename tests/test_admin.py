"""Django admin: every model is registered, its pages render for a superuser, and what it lets
staff change goes through the services (no deleting records, cancelling through the service,
priorities that re-plan, catalog-frozen codes that stay put)."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from bom.models import BomLine, RoutingOperation
from inventory.models import Item, LedgerEntry
from orders.services import order_place, order_release
from production.models import MaterialRequirement, ProductionOrder, WorkCenter
from production.services import operation_start, production_replan
from tests.factories import UserFactory, suit_spec

pytestmark = pytest.mark.usefixtures("demo")
OUR_APPS = {"accounts", "bom", "inventory", "production", "orders", "outbox"}


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


# --- Helpers -------------------------------------------------------------------------------------


def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def released(customer, spec=None):
    order, _ = order_place(customer=customer, lines=[{"product": "mtm-suit", "spec": spec or suit_spec(),
                                                      "quantity": 1}], idempotency_key=None)  # fmt: skip
    order_release(order_id=order.pk)
    return ProductionOrder.objects.get(order_line__order=order)


def set_stock(sku: str, on_hand: Decimal) -> None:
    item = Item.objects.get(sku=sku)
    LedgerEntry.objects.create(item=item, reason="adjustment", on_hand_delta=on_hand - item.on_hand, source="test")
    Item.objects.filter(pk=item.pk).update(on_hand=on_hand)


def change_form_data(response) -> dict:
    """What the admin change form would post back unchanged: the form's and its inlines' values."""
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = value
    return data


def stock_state():
    return (
        list(Item.objects.order_by("pk").values_list("on_hand", "reserved")),
        LedgerEntry.objects.count(),
        list(MaterialRequirement.objects.order_by("pk").values_list("reserved", "consumed")),
    )


# --- Issue: deleting in admin bypasses cancellation ---------------------------------------------


def test_production_and_order_records_cannot_be_deleted_in_admin(client, customer):
    # given a released order: its production order, operations, material, ledger rows and line
    po = released(customer)
    order = po.order_line.order
    client = superuser_client(client)
    records = [po, po.operations.first(), po.materials.first(), LedgerEntry.objects.filter(source=po.number).first(),
               po.order_line, order, order.events.first()]  # fmt: skip
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    before = stock_state()
    for obj in records:
        meta = obj._meta
        model_admin = admin.site._registry[type(obj)]
        # when staff try the delete page, or the bulk "delete selected" action
        delete = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])
        assert client.get(delete).status_code == 403, delete
        assert client.post(delete, {"post": "yes"}).status_code == 403, delete
        assert "delete_selected" not in model_admin.get_actions(request), meta.model_name
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
        # then it is still there, and no inline on its page offers to delete a row
        assert type(obj).objects.filter(pk=obj.pk).exists(), obj
        for inline in model_admin.get_inline_instances(request, obj):
            assert not inline.has_delete_permission(request, obj), inline
    order.refresh_from_db()
    assert order.status == "confirmed"
    assert stock_state() == before


def test_an_order_is_cancelled_from_admin_through_the_service(client, customer, django_capture_on_commit_callbacks):
    # given a released order holding its cloth
    po = released(customer)
    order = po.order_line.order
    held: dict = defaultdict(Decimal)
    for requirement in po.materials.all():
        held[requirement.item_id] += requirement.reserved
    reserved_before = dict(Item.objects.filter(pk__in=held).values_list("pk", "reserved"))
    # when staff cancel it with the admin action
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client(client).post(
            reverse("admin:orders_order_changelist"),
            {"action": "cancel", "_selected_action": [order.pk]},
            follow=True,
        )
    # then the order and its production are cancelled and the material is back in stock
    assert response.status_code == 200
    assert f"{order.number} is cancelled." in [str(m) for m in response.context["messages"]]
    order.refresh_from_db()
    po.refresh_from_db()
    assert (order.status, po.status) == ("cancelled", "cancelled")
    assert all(r.reserved == r.consumed for r in po.materials.all())
    for item_id, reserved in Item.objects.filter(pk__in=held).values_list("pk", "reserved"):
        assert reserved == reserved_before[item_id] - held[item_id]


def test_a_cancellation_refused_in_admin_says_why_and_changes_nothing(client, customer, operator):
    # given an order whose production has started
    po = released(customer)
    order = po.order_line.order
    operation_start(operation_id=po.operations.get(key="pattern").pk, user=operator)
    order.refresh_from_db()
    before = (order.status, stock_state(), order.events.count())
    # when staff try to cancel it in admin
    response = superuser_client(client).post(
        reverse("admin:orders_order_changelist"), {"action": "cancel", "_selected_action": [order.pk]}, follow=True
    )
    # then admin says why, and nothing changed
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"{order.number}: This order can no longer be cancelled: production has started."]
    order.refresh_from_db()
    assert (order.status, stock_state(), order.events.count()) == before


# --- Issue: a work center's code cannot change once a published version uses it ---------------


def test_a_work_center_code_cannot_change_once_a_published_version_uses_it(client):
    # given a work center that the published suit routes through
    assert RoutingOperation.objects.filter(version__status="published", work_center="CUT").exists()
    center = WorkCenter.objects.get(code="CUT")
    client = superuser_client(client)
    url = reverse("admin:production_workcenter_change", args=[center.pk])
    # when staff post a new code (and a new name) on its change page
    data = {**change_form_data(client.get(url)), "code": "CUT-2", "name": "Cloth cutting (laser)"}
    response = client.post(url, data)
    # then the name changes and the code does not
    assert response.status_code == 302
    center.refresh_from_db()
    assert (center.code, center.name) == ("CUT", "Cloth cutting (laser)")
    # nor can it be deleted
    assert client.get(reverse("admin:production_workcenter_delete", args=[center.pk])).status_code == 403
    assert WorkCenter.objects.filter(pk=center.pk).exists()


def test_a_work_center_no_published_version_uses_is_renamed_freely(client):
    center = WorkCenter.objects.create(code="LASER", name="Laser cutter")
    client = superuser_client(client)
    url = reverse("admin:production_workcenter_change", args=[center.pk])
    response = client.post(url, {**change_form_data(client.get(url)), "code": "LASER-1"})
    assert response.status_code == 302
    center.refresh_from_db()
    assert center.code == "LASER-1"


def test_an_item_sku_cannot_change_once_a_published_version_uses_it(client):
    assert BomLine.objects.filter(version__status="published", item_sku="FAB-WOOL-NAVY").exists()
    item = Item.objects.get(sku="FAB-WOOL-NAVY")
    client = superuser_client(client)
    url = reverse("admin:inventory_item_change", args=[item.pk])
    response = client.post(url, {**change_form_data(client.get(url)), "sku": "FAB-WOOL-NAVY-2"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.sku == "FAB-WOOL-NAVY"


# --- Issue: priority changes in admin re-plan and re-allocate -----------------------------------


def test_raising_a_priority_in_admin_replans_and_gives_it_the_scarce_material(
    client, customer, django_capture_on_commit_callbacks
):
    # given two orders waiting for cashmere, planned oldest first, and cloth for one of them
    set_stock("FAB-CASHMERE-GREY", Decimal("0"))
    early, late = (
        released(customer, suit_spec(fabric="cashmere-grey")),
        released(customer, suit_spec(fabric="cashmere-grey")),
    )
    production_replan()
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.planned_finish < late.planned_finish
    need = MaterialRequirement.objects.get(production_order=late, item__sku="FAB-CASHMERE-GREY").quantity
    set_stock("FAB-CASHMERE-GREY", need)
    # when staff raise the later one's priority on its admin page
    client = superuser_client(client)
    url = reverse("admin:production_productionorder_change", args=[late.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**change_form_data(client.get(url)), "priority": "5"})
    assert response.status_code == 302
    # then it gets the cloth, and it is planned ahead of the other
    early.refresh_from_db()
    late.refresh_from_db()
    assert (late.priority, late.status, early.status) == (5, "planned", "awaiting_material")
    assert late.planned_finish < early.planned_finish


def test_priority_edited_in_the_admin_list_goes_through_the_service(
    client, customer, django_capture_on_commit_callbacks
):
    # given two orders planned oldest first
    early, late = released(customer), released(customer)
    production_replan()
    # when staff raise the later one's priority in the list
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client(client).post(
            reverse("admin:production_productionorder_changelist"),
            {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": late.pk, "form-0-priority": "3",
             "_save": "Save"},
        )  # fmt: skip
    assert response.status_code == 302
    # then the queue is re-planned with it first
    early.refresh_from_db()
    late.refresh_from_db()
    assert late.priority == 3
    assert late.planned_finish < early.planned_finish


def test_a_priority_out_of_range_is_refused_in_admin_and_changes_nothing(client, customer):
    po = released(customer)
    client = superuser_client(client)
    url = reverse("admin:production_productionorder_change", args=[po.pk])
    response = client.post(url, {**change_form_data(client.get(url)), "priority": "40000"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["priority"]
    po.refresh_from_db()
    assert po.priority == 0
