"""Order events are stored as kind + params and put into words when read, in the reader's language;
milestone mails are written in the customer's language; the orders' refusals are translated."""

import importlib
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from accounts.services import preference_language_set
from orders import services
from orders.events import TEMPLATES, event_text
from orders.models import Order, OrderEvent
from orders.services import milestone_mail, order_event_notify, order_place, order_ship
from tests.factories import UserFactory, cabinet_spec

pytestmark = pytest.mark.usefixtures("demo")
CABINET = {"product": "custom-cabinet", "spec": cabinet_spec(), "quantity": 1}
PLACEHOLDER = re.compile(r"%\(\w+\)s")
CONVERSION = importlib.import_module("orders.migrations.0004_order_event_params")


@pytest.fixture(autouse=True)
def _language_restored():
    """LocaleMiddleware leaves the language of the last request active in the thread: restore it."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def _placed_and_released(customer):
    order, _ = order_place(customer=customer, lines=[CABINET], idempotency_key=None)
    services.order_release(order_id=order.pk)
    order.refresh_from_db()
    return order


def test_events_are_stored_as_kind_and_params_not_as_english_sentences(customer):
    # when an order is placed and released
    order = _placed_and_released(customer)
    # then its events hold what their text needs, and no sentence
    events = {e.kind: e for e in order.events.all()}
    assert events["submitted"].params == {"number": order.number}
    assert events["confirmed"].params == {"promised_date": order.promised_date.isoformat()}
    assert all(e.message == "" for e in events.values())
    # and they read as before in English
    assert events["submitted"].text == f"Order {order.number} received."
    assert events["confirmed"].text == f"Your order is confirmed. We expect to ship it on {order.promised_date}."


def test_the_same_events_read_in_chinese_for_a_chinese_reader(customer):
    order = _placed_and_released(customer)
    with translation.override("zh-hans"):
        texts = {e.kind: e.text for e in order.events.all()}
    assert texts["submitted"] == f"订单 {order.number} 已收到。"
    assert texts["confirmed"] == f"订单已确认，预计 {order.promised_date} 发货。"


def test_every_kind_has_a_chinese_text():
    for kind, templates in TEMPLATES.items():
        for template in templates:
            with translation.override("en"):
                english = str(template)
            with translation.override("zh-hans"):
                chinese = str(template)
            assert chinese != english and any("\u4e00" <= ch <= "\u9fff" for ch in chinese), kind
            assert PLACEHOLDER.findall(chinese) == PLACEHOLDER.findall(english), kind


def test_a_kind_the_registry_does_not_know_reads_as_its_stored_message_or_its_name():
    assert event_text("recalled", {}, "Recalled by the maker.") == "Recalled by the maker."
    assert event_text("recalled", {}) == "recalled"


def test_a_confirmed_event_without_a_date_says_so_without_one():
    assert event_text("confirmed", {}) == "Your order is confirmed."


def test_the_api_answers_event_messages_in_the_language_the_client_asks_for(customer, customer_api):
    order = _placed_and_released(customer)
    # when a client asks in Chinese, then in English (no Accept-Language)
    chinese = customer_api.get(f"/api/v1/orders/{order.number}/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    english = customer_api.get(f"/api/v1/orders/{order.number}/")
    # then the same events, the same fields, each message in the client's language
    assert chinese.status_code == english.status_code == 200
    assert [set(e) for e in chinese.json()["events"]] == [{"at", "kind", "message"}] * len(order.events.all())
    assert [e["kind"] for e in chinese.json()["events"]] == [e["kind"] for e in english.json()["events"]]
    assert chinese.json()["events"][0]["message"] == f"订单 {order.number} 已收到。"
    assert english.json()["events"][0]["message"] == f"Order {order.number} received."


def test_the_order_page_prints_the_events_in_the_active_language(customer, client):
    order = _placed_and_released(customer)
    client.force_login(customer)
    page = client.get(f"/orders/{order.number}/", HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
    assert f"订单 {order.number} 已收到。" in page


def test_the_migration_turns_the_english_sentences_written_so_far_into_params(customer):
    order, _ = order_place(customer=customer, lines=[CABINET], idempotency_key=None)
    OrderEvent.objects.filter(order=order).delete()
    old = {
        "submitted": "Order C2B-000042 received.",
        "confirmed": "Your order is confirmed. We expect to ship it on 2026-12-24.",
        "shipped": "Your order has been shipped.",
        "on_hold": "Checked by hand.",  # not a sentence the services wrote
    }
    for kind, message in old.items():
        OrderEvent.objects.create(order=order, kind=kind, message=message)
    # when the data migration runs
    CONVERSION.messages_to_params(apps, None)
    # then the sentences became params and read the same; the unknown one stays as it was
    events = {e.kind: e for e in OrderEvent.objects.filter(order=order)}
    assert events["submitted"].params == {"number": "C2B-000042"} and events["submitted"].message == ""
    assert events["confirmed"].params == {"promised_date": "2026-12-24"} and events["confirmed"].message == ""
    assert events["shipped"].params == {} and events["shipped"].message == ""
    assert events["on_hold"].message == "Checked by hand."
    assert {kind: e.text for kind, e in events.items()} == old
    # and back again, the messages are as they were
    CONVERSION.params_to_messages(apps, None)
    assert {e.kind: e.message for e in OrderEvent.objects.filter(order=order)} == old


def test_a_milestone_mail_is_written_in_the_language_given(customer):
    order = _placed_and_released(customer)
    event = order.events.get(kind="confirmed")
    # when the mail is written in Chinese
    subject, body = milestone_mail(event, language="zh-hans")
    # then its subject and body are Chinese, with the link to the order
    assert subject == f"{order.number}：订单已确认"
    assert body.startswith(f"订单已确认，预计 {order.promised_date} 发货。")
    assert "查看订单进度" in body and f"/orders/{order.number}/" in body
    # and in English otherwise, as before
    subject, body = milestone_mail(event, language="en")
    assert subject == f"{order.number}: your order is confirmed"
    assert "Follow your order" in body


def test_a_customer_who_reads_chinese_is_mailed_in_chinese(mailoutbox, monkeypatch):
    customer = UserFactory(email="mei@example.com")
    order = _placed_and_released(customer)
    # given the customer reads Chinese (they chose it with the switcher)
    preference_language_set(user=customer, language="zh-hans")
    # when the milestone is mailed, from a task with no request (English active)
    sent = order_event_notify(event_id=order.events.get(kind="submitted").pk)
    # then in Chinese
    assert sent and len(mailoutbox) == 1
    assert mailoutbox[0].subject == f"{order.number}：订单已收到"
    assert mailoutbox[0].body.startswith(f"订单 {order.number} 已收到。")
    assert translation.get_language() == "en"  # the task's language is left as it was


def test_user_language_is_the_site_language_until_a_customer_saves_one(customer):
    from accounts.language import user_language

    assert user_language(customer) == settings.LANGUAGE_CODE
    preference_language_set(user=customer, language="zh-hans")
    assert user_language(customer) == "zh-hans"


def test_a_refusal_of_an_order_is_in_chinese_for_a_chinese_client_and_changes_nothing(customer, planner_api):
    order = _placed_and_released(customer)
    events = order.events.count()
    # when a Chinese planner ships an order that is not made yet
    response = planner_api.post(f"/api/v1/orders/{order.number}/ship/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    # then a Chinese refusal with the same machine code
    assert response.status_code == 409
    assert response.json() == {"detail": "只有已完工的订单才能发货。", "code": "not_completed"}
    # and nothing changed
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED and order.events.count() == events


def test_an_invalid_transition_names_both_statuses_in_the_readers_language(customer):
    order = _placed_and_released(customer)
    order.status = Order.Status.SHIPPED  # as if shipped meanwhile
    with translation.override("zh-hans"), pytest.raises(services.InvalidTransition) as refused:
        services._transition(order, Order.Status.CANCELLED, kind="cancelled")
    assert refused.value.message == "状态为“已发货”的订单不能变为“已取消”。"
    assert refused.value.code == "invalid_transition"
    with pytest.raises(services.InvalidTransition) as refused:
        services._transition(order, Order.Status.ON_HOLD, kind="on_hold")
    assert refused.value.message == "An order that is shipped cannot become on hold."


def test_order_ship_refusal_in_english_without_a_language(customer):
    order = _placed_and_released(customer)
    with pytest.raises(services.InvalidTransition, match="Only a completed order can be shipped."):
        order_ship(order=order, user=None)
