"""Production in the reader's language: the traveler's labels, and the shop floor's refusals."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from reportlab.lib.units import mm

from config.errors import InvalidTransition
from inventory.models import Item
from orders.services import order_place, order_release
from production.models import Operation, ProductionOrder
from production.services import production_order_set_priority, production_replan
from tests.factories import suit_spec
from tests.production.test_traveler_pdf import LONG_SKU, poppler

pytestmark = pytest.mark.usefixtures("demo")
# LocaleMiddleware picks the request's language from Accept-Language (the i18n branch adds it to
# the settings; here it is added for these tests alone).
WITH_LOCALE = override_settings(
    MIDDLEWARE=[
        *settings.MIDDLEWARE[:3],  # after SessionMiddleware, before CommonMiddleware
        "django.middleware.locale.LocaleMiddleware",
        *settings.MIDDLEWARE[3:],
    ]
)
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-Hans"}


@pytest.fixture(autouse=True)
def _language_restored():
    """LocaleMiddleware leaves the language of the last request active in the thread: restore it."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def _released(customer) -> ProductionOrder:
    order, _ = order_place(
        customer=customer, lines=[{"product": "mtm-suit", "quantity": 1, "spec": suit_spec()}], idempotency_key=None
    )
    order_release(order_id=order.pk)
    production_replan()
    return ProductionOrder.objects.get(order_line__order=order)


def _traveler(api, po, tmp_path, **headers):
    with WITH_LOCALE:
        response = api.get(f"/api/v1/production/orders/{po.number}/traveler.pdf", **headers)
    assert response.status_code == 200
    path = tmp_path / f"traveler-{len(headers)}.pdf"
    path.write_bytes(response.content)
    return path


def test_a_traveler_asked_for_in_chinese_has_chinese_labels(customer, operator_api, tmp_path):
    po = _released(customer)
    Item.objects.filter(pk=po.materials.order_by("item__sku").first().item_id).update(sku=LONG_SKU)
    # when an operator whose browser asks for Chinese prints the traveler
    path = _traveler(operator_api, po, tmp_path, **CHINESE)
    # then its title, headings and column names are Chinese
    text = poppler("pdftotext", "-layout", str(path), "-")
    for label in ["流转卡", "订单", "承诺交期", "计划完工", "工序", "工位", "计划开工", "状态", "完成人", "扫码",
                  "物料", "名称", "数量", "已备料", "定制规格", "待开工"]:  # fmt: skip
        assert label in text, label
    for english in ["Traveler", "Work center", "Planned start", "Done by", "Specification", "Material", "Pending"]:
        assert english not in text, english
    # and the long SKU still stays within its column, nothing lost
    words = [w for w in poppler("pdftotext", "-bbox", str(path), "-").splitlines() if "<word" in w]
    sku_words = [w for w in words if len(t := w.split(">")[1].split("<")[0]) > 2 and t in LONG_SKU]
    assert sku_words
    assert all(float(w.split('xMax="')[1].split('"')[0]) <= 14 * mm + 34 * mm for w in sku_words)
    assert LONG_SKU in poppler("pdftotext", "-raw", str(path), "-").replace("\n", "")


def test_a_traveler_asked_for_without_a_language_is_in_english(customer, operator_api, tmp_path):
    po = _released(customer)
    text = poppler("pdftotext", "-layout", str(_traveler(operator_api, po, tmp_path)), "-")
    assert f"Traveler {po.number}" in text and "Work center" in text and "工序" not in text


def test_an_operation_that_cannot_start_is_refused_in_chinese_and_stays_pending(customer, operator_api):
    po = _released(customer)
    cut = po.operations.get(key="cut")
    with WITH_LOCALE:
        response = operator_api.post(f"/api/v1/production/operations/{cut.pk}/start/", **CHINESE)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "predecessors_open"
    assert body["detail"].startswith("请先完成") and body["detail"].endswith("。")
    cut.refresh_from_db()
    assert cut.status == Operation.Status.PENDING and cut.started_at is None


def test_a_priority_refusal_names_the_status_in_chinese(customer):
    po = _released(customer)
    ProductionOrder.objects.filter(pk=po.pk).update(status=ProductionOrder.Status.DONE)
    with translation.override("zh-hans"), pytest.raises(InvalidTransition) as refused:
        production_order_set_priority(number=po.number, priority=5, user=None)
    assert refused.value.message == f"{po.number} 状态为“已完工”，只有未完结的生产单才能调整优先级。"
    assert refused.value.code == "not_open"
    assert ProductionOrder.objects.get(pk=po.pk).priority == po.priority
    with pytest.raises(InvalidTransition, match="is done; only an open order can change priority"):
        production_order_set_priority(number=po.number, priority=5, user=None)
