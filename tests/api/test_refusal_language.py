"""Refusals raised by the services come in the client's language; the machine code stays English."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from accounts.measurements import measurement_value_clean, measurement_values_clean
from accounts.models import MeasurementProfile
from bom.models import ProductVersion
from bom.services import PublishRefused, version_create_from_definition, version_publish
from inventory.models import Item, LedgerEntry, PurchaseOrder, Receipt
from inventory.services import purchase_order_create
from orders.models import Order
from tests.factories import cabinet_spec

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-Hans"}


@pytest.fixture(autouse=True)
def _language_restored():
    """LocaleMiddleware leaves the language of the last request active in the thread: restore it."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def _stock():
    return list(Item.objects.order_by("pk").values_list("sku", "on_hand", "reserved")), LedgerEntry.objects.count()


@pytest.mark.usefixtures("demo")
def test_a_receipt_of_an_unknown_sku_is_refused_in_chinese_and_nothing_changes(planner_api):
    before = _stock()
    response = planner_api.post(
        "/api/v1/inventory/receipts/", {"sku": "NO-SUCH", "quantity": "5"}, format="json", **CHINESE
    )
    assert response.status_code == 400
    assert response.json() == {"sku": ["没有 SKU 为“NO-SUCH”的物料。"]}
    assert _stock() == before and not Receipt.objects.exists()


@pytest.mark.usefixtures("demo")
def test_a_receipt_refusal_is_in_english_without_accept_language(planner_api):
    response = planner_api.post("/api/v1/inventory/receipts/", {"sku": "NO-SUCH", "quantity": "5"}, format="json")
    assert response.json() == {"sku": ["There is no item with SKU 'NO-SUCH'."]}


@pytest.mark.usefixtures("demo")
def test_receiving_a_closed_purchase_order_names_its_status_in_chinese(planner, planner_api):
    purchase = purchase_order_create(
        sku="HW-HINGE", supplier="Blum", quantity=Decimal("2"), expected_date=date(2026, 12, 1), user=planner
    )
    PurchaseOrder.objects.filter(pk=purchase.pk).update(status=PurchaseOrder.Status.RECEIVED)
    before = _stock()
    response = planner_api.post(
        f"/api/v1/inventory/purchase-orders/{purchase.number}/receive/", {"quantity": "1"}, format="json",
        **CHINESE,
    )  # fmt: skip
    assert response.status_code == 409
    assert response.json() == {"detail": f"采购单 {purchase.number} 状态为“已收货”。", "code": "not_open"}
    assert _stock() == before and not Receipt.objects.exists()


def test_a_measurement_profile_refused_in_chinese_is_not_saved(customer_api):
    response = customer_api.post(
        "/api/v1/me/profiles/", {"name": "Work", "values": {"chest_cm": "abc"}}, format="json", **CHINESE
    )
    assert response.status_code == 400
    assert response.json() == {"values": {"chest_cm": ['必须是数字：JSON 数字或十进制字符串，例如 "98.5"。']}}
    assert not MeasurementProfile.objects.exists()


def test_measurement_problems_are_made_in_the_active_language():
    with translation.override("zh-hans"):
        with pytest.raises(ValueError, match="最多 6 位小数"):
            measurement_value_clean("1.1234567")
        with pytest.raises(ValueError) as too_many:
            measurement_values_clean({f"k{i}": 1 for i in range(51)})
    assert too_many.value.errors == ["一个量体档案最多 50 项尺寸，这里有 51 项。"]
    with pytest.raises(ValueError, match="At most 6 decimal places."):
        measurement_value_clean("1.1234567")


@pytest.mark.django_db
def test_a_catalog_definition_refused_in_chinese_keeps_the_path_first():
    versions = ProductVersion.objects.count()
    with translation.override("zh-hans"), pytest.raises(PublishRefused) as refused:
        version_create_from_definition(definition={"name": "Chair"})
    # the path stays before ": ", so a catalog file's problem can still be located at its line
    assert refused.value.problems == ["slug: 缺少“slug”"]
    assert refused.value.message.startswith("此版本无法发布：\n- slug")
    assert ProductVersion.objects.count() == versions


@pytest.mark.usefixtures("demo")
def test_publishing_a_published_version_again_is_refused_in_chinese():
    version = ProductVersion.objects.filter(status=ProductVersion.Status.PUBLISHED).first()
    with translation.override("zh-hans"), pytest.raises(PublishRefused) as refused:
        version_publish(version=version)
    assert refused.value.problems == [f"版本 {version.number} 已是“已发布”状态，请编辑新的草稿"]
    assert refused.value.code == "publish_refused"
    version.refresh_from_db()
    assert version.status == ProductVersion.Status.PUBLISHED


def test_an_unknown_endpoint_answers_in_chinese(anon):
    # config is not an installed app: its catalog is found through LOCALE_PATHS
    response = anon.get("/api/v1/no-such-thing/", **CHINESE)
    assert response.status_code == 404
    assert response.json() == {"detail": "没有这个接口。", "code": "not_found"}


@pytest.mark.usefixtures("demo")
def test_a_role_refusal_is_in_chinese_for_a_chinese_client(customer_api):
    response = customer_api.post("/api/v1/production/replan/", **CHINESE)
    assert response.status_code == 403
    assert response.json() == {"detail": "只有生产计划员和工作人员可以执行此操作。", "code": "permission_denied"}


@pytest.mark.usefixtures("demo")
def test_an_order_without_its_idempotency_key_is_refused_in_chinese_and_not_placed(customer_api):
    body = {"lines": [{"product": "custom-cabinet", "spec": cabinet_spec(), "quantity": 1}]}
    response = customer_api.post("/api/v1/orders/", body, format="json", **CHINESE)
    assert response.status_code == 400
    assert response.json() == {"Idempotency-Key": ["必须提供此请求头：由客户端生成的 UUID。"]}
    assert not Order.objects.exists()


@override_settings(LOCALE_PATHS=[settings.BASE_DIR / "config" / "locale"], API_JSON_MAX_DEPTH=3)
def test_a_body_nested_too_deep_is_refused_in_chinese_once_config_locale_is_a_locale_path(customer_api):
    response = customer_api.post("/api/v1/me/profiles/", '{"a": [[[[1]]]]}', content_type="application/json", **CHINESE)
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON 解析错误：嵌套超过 3 层。", "code": "parse_error"}
    assert not MeasurementProfile.objects.exists()
