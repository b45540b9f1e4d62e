"""The pages in Simplified Chinese: every page a role reaches, asked for with `Accept-Language: zh-Hans`,
has no English word left but the data it shows; the header's switcher changes the language and a
logged-in user's choice is kept for their next log-in; dates are written the Chinese way."""

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from accounts.models import Preference
from bom.configurator.i18n import ZH_HANS
from inventory.models import Item, PurchaseOrder
from orders.models import Order, OrderEvent
from production.models import ProductionOrder, WorkCenter
from tests.factories import suit_spec
from tests.pages.test_links import LANDING, NOT_CRAWLED, crawl, factory_at_work  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("demo")

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-Hans"}

# English words a Chinese page may show, each for a reason:
ALLOWED_WORDS = {
    "English",  # the switcher names each language in its own language
    "CNY",  # the currency's code, in every language (bom/templatetags/money.py)
}
# Shown as they are in every language: the brand.
BRAND = "C2B Factory"
# Attributes people read (tooltips, placeholders, what a screen reader says), checked as text is.
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class _Visible(HTMLParser):
    """The text a person reads or hears on a page: its text outside scripts and styles, and the
    attributes above."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return unescape(" ".join(parser.parts))


def data_values() -> list[str]:
    """What pages show as it is stored, whatever the language: usernames, order, production order
    and purchase order numbers, SKUs, units, work-center codes and names, item names, suppliers
    (master data, kept in one language); and what the services wrote (an order's hold reason, its
    events' texts: rendered in the reader's language by the events work, not by the pages). Not the
    operations' names: the pages show them from the catalog, in the page's language."""
    values: set[str] = set(get_user_model().objects.values_list("username", flat=True))
    values |= set(Order.objects.values_list("number", flat=True))
    values |= set(Order.objects.exclude(hold_reason="").values_list("hold_reason", flat=True))
    values |= set(OrderEvent.objects.values_list("message", flat=True))
    values |= set(ProductionOrder.objects.values_list("number", flat=True))
    values |= {value for row in WorkCenter.objects.values_list("code", "name") for value in row}
    values |= {value for row in Item.objects.values_list("sku", "name", "uom", "purchase_uom") for value in row}
    values |= {value for row in PurchaseOrder.objects.values_list("number", "supplier") for value in row}
    values |= catalog_chinese()
    return sorted((v for v in values if v), key=len, reverse=True)


def catalog_chinese() -> set[str]:
    """The catalog's Simplified Chinese texts: product data, which Chinese copy may write with Latin
    letters ("LED 顶灯", "手机 App 控制"). Only the translations: an English text left untranslated
    on a Chinese page is still found."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get(ZH_HANS), str):
                found.add(node[ZH_HANS].strip())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in (settings.BASE_DIR / "bom" / "catalog").glob("*.yaml"):
        walk(yaml.safe_load(path.read_text()))
    return found


def english_words(html: str, data: list[str]) -> set[str]:
    """The English words of a page once the brand and the data it shows are taken out."""
    text = visible_text(html).replace(BRAND, " ")
    # whole values only: a unit such as "m" must not cut an English word into short pieces
    shown = "|".join(re.escape(value) for value in data)
    text = re.sub(rf"(?<![A-Za-z])(?:{shown})(?![A-Za-z])", " ", text) if data else text
    return set(re.findall(r"[A-Za-z]{3,}", text)) - ALLOWED_WORDS


class _Recording:
    """A test client that keeps every HTML page it was answered, for the crawl."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.pages: dict[str, str] = {}

    def get(self, url: str, *args: Any, **kwargs: Any) -> Any:
        response = self.client.get(url, *args, **kwargs)
        if response["Content-Type"].startswith("text/html") and not url.startswith(NOT_CRAWLED):
            self.pages[url] = response.content.decode()
        return response


def _chinese_pages(client: Client, start: list[str]) -> dict[str, str]:
    recording = _Recording(client)
    seen, broken, _unvisited = crawl(recording, start)  # type: ignore[arg-type]
    assert broken == [] and seen
    return recording.pages


@pytest.mark.parametrize("role", list(LANDING))
def test_every_page_a_role_reaches_is_in_chinese(role, factory_at_work, request):  # noqa: F811
    # given the factory at work, and a user of that role whose browser asks for Simplified Chinese
    client = Client(raise_request_exception=False, **ZH)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    # when they open every page they reach, and the pages no link leads to: a configuration with a
    # conflict (its reasons), a complete one (its price and picture), its review, one with a value
    # implied, a page that does not exist, one they may not open
    pages = _chinese_pages(client, LANDING[role])
    suit = {k: ("true" if v is True else v) for k, v in suit_spec().items()}
    extra = {
        "/products/mtm-suit/?jacket=db6&lapel=shawl": {},
        "/products/mtm-suit/?check=1&jacket=db6&lapel=notch": {},
        "/products/mtm-suit/": {**suit, "quantity": "3"},
        "/products/mtm-suit/review/": {**suit, "quantity": "2"},
        "/products/mtm-suit/?lapel=shawl": {},  # the jacket implied
        "/products/custom-cabinet/": {},
        "/no-such-page/": {},
        "/floor/work-centers/NOPE/": {},
        "/planner/shortages/": {},
    }
    for url, query in extra.items():
        pages[f"{url} {query}"] = client.get(url, query).content.decode()
    # then no page has an English word left but its data
    data = data_values()
    found = {url: words for url, html in pages.items() if (words := english_words(html, data))}
    assert found == {}, f"{role}: English on Chinese pages: {found}"
    # and every page says it is in Chinese
    assert all('<html lang="zh-Hans">' in html for html in pages.values() if "<html" in html)
    assert len(pages) > 3


def test_a_customer_s_messages_and_order_page_are_in_chinese(client, customer):
    # given a customer whose browser asks for Simplified Chinese
    client.force_login(customer)
    suit = {k: ("true" if v is True else v) for k, v in suit_spec().items()}
    # when they place an order from the configurator page, and follow it to the order's page
    response = client.post("/products/mtm-suit/order/", {**suit, "quantity": "2"}, follow=True, **ZH)
    # then the page thanks them in Chinese, and has no English word but its data
    order = Order.objects.get(customer=customer)
    html = response.content.decode()
    assert f"谢谢！订单 {order.number} 已下单成功。" in html
    assert english_words(html, data_values()) == set()


def test_a_refused_log_in_and_the_sign_up_form_are_in_chinese(client):
    # when someone whose browser asks for Chinese fails to log in, and opens the sign-up form
    refused = client.post("/login/", {"username": "nobody", "password": "wrong"}, **ZH).content.decode()
    signup = client.post("/signup/", {"username": "", "password1": "x", "password2": "y"}, **ZH).content.decode()
    # then both pages, their errors and Django's own form texts are in Chinese
    assert "用户名或密码不正确，请重试。" in refused
    assert "创建账号" in signup and "该字段是必填项。" in signup
    assert english_words(refused, data_values()) == set()
    assert english_words(signup, data_values()) == set()


def test_accept_language_alone_chooses_the_language_for_anonymous_visitors(client):
    # given no cookie and no log-in: the browser's language decides, English when it asks for none
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR")
    plain = client.get("/")
    # then
    assert "为您定制，按单生产" in chinese.content.decode() and '<html lang="zh-Hans">' in chinese.content.decode()
    assert "Made for you, built on order" in english.content.decode()
    assert "Made for you, built on order" in plain.content.decode() and '<html lang="en">' in plain.content.decode()
    # and caches keep one page per language
    assert "Accept-Language" in chinese["Vary"] and "Cookie" in chinese["Vary"]
    # and the product's own text is in the page's language
    assert "量体定制西装" in chinese.content.decode() and "Made-to-measure suit" not in chinese.content.decode()


def test_the_switcher_changes_the_language_and_comes_back_to_the_same_page(client):
    # given an anonymous visitor on a product page in English
    page = client.get("/products/mtm-suit/?fabric=wool-navy").content.decode()
    assert 'action="/i18n/setlang/"' in page and '<label for="language"' in page
    assert '<option value="zh-hans" lang="zh-Hans">简体中文</option>' in page
    # when they switch to Chinese with the header's form (no JavaScript needed)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/products/mtm-suit/?fabric=wool-navy"})
    # then they come back to the same page, now in Chinese, whatever their browser says
    assert response.status_code == 302 and response["Location"] == "/products/mtm-suit/?fabric=wool-navy"
    again = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "重新开始" in again and "藏青羊毛" in again and '<html lang="zh-Hans">' in again
    # and nothing was saved for an anonymous visitor
    assert not Preference.objects.exists()


def test_a_user_s_choice_is_saved_and_applies_at_their_next_log_in(customer):
    # given a logged-in customer who switches to Chinese
    first = Client()
    first.force_login(customer)
    first.post("/i18n/setlang/", {"language": "zh-hans", "next": "/orders/"})
    assert Preference.objects.get(user=customer).language == "zh-hans"
    # when they log in again in a fresh browser (no cookie) that asks for English
    fresh = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "Made for you" in fresh.get("/").content.decode()  # English before logging in
    fresh.force_login(customer)
    # then their pages are in Chinese
    html = fresh.get("/orders/").content.decode()
    assert "还没有订单。" in html and '<html lang="zh-Hans">' in html
    # and switching back to English is saved in the same way
    fresh.post("/i18n/setlang/", {"language": "en", "next": "/orders/"})
    assert Preference.objects.get(user=customer).language == "en"
    other = Client(HTTP_ACCEPT_LANGUAGE="zh-Hans")
    other.force_login(customer)
    assert "No orders yet." in other.get("/orders/").content.decode()


def test_a_language_the_site_does_not_speak_changes_nothing(client, customer):
    # given a logged-in customer
    client.force_login(customer)
    # when the switcher is sent a language the site does not offer
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/orders/"})
    # then they are sent back, and no preference or cookie was saved
    assert response.status_code == 302
    assert not Preference.objects.exists() and "django_language" not in response.cookies


def test_a_sign_up_keeps_the_language_it_was_made_in(client):
    # when someone signs up from a Chinese page
    client.post(
        "/signup/",
        {"username": "li", "email": "li@example.com", "password1": "Tailor-made-2026", "password2": "Tailor-made-2026"},
        **ZH,
    )
    # then that is their language (their pages, and the mails about their orders)
    assert Preference.objects.get(user__username="li").language == "zh-hans"


def test_dates_on_a_chinese_page_are_written_the_chinese_way(client, customer):
    # given an order
    client.force_login(customer)
    suit = {k: ("true" if v is True else v) for k, v in suit_spec().items()}
    client.post("/products/mtm-suit/order/", suit)
    order = Order.objects.get(customer=customer)
    placed = timezone.localtime(order.created_at)
    # when its page and the list of orders are opened in Chinese
    page = visible_text(client.get(f"/orders/{order.number}/", **ZH).content.decode())
    listed = visible_text(client.get("/orders/", **ZH).content.decode())
    # then the dates are 2026年11月30日 17:45, not 2026-11-30
    chinese = f"{placed.year}年{placed.month}月{placed.day}日 {placed:%H:%M}"
    assert f"下单时间：{chinese}" in page and chinese in listed and "承诺发货日期：" in page
    # (the timeline's line, which prints each event, is the events work's to change, dates included)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page.split("订单动态")[0] + listed)
    # and in English they stay ISO
    assert f"Placed: {placed:%Y-%m-%d %H:%M}" in visible_text(client.get(f"/orders/{order.number}/").content.decode())


def test_the_api_follows_accept_language_only_never_the_page_s_choice(customer):
    # given a customer who chose Chinese for their pages, with a session
    client = Client()
    client.force_login(customer)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    # when the API is called with that session and the language cookie, in English
    described = client.get("/api/v1/products/mtm-suit/", HTTP_ACCEPT_LANGUAGE="en").json()
    refused = client.get("/api/v1/orders/NOPE-1/", HTTP_ACCEPT_LANGUAGE="en").json()
    # then it answers in English, as the request asked
    assert described["name"] == "Made-to-measure suit"
    assert refused == {"detail": "There is no such order.", "code": "not_found"}


def test_error_pages_say_why_in_chinese():
    # given a browser that asks for Chinese and sends forms without their CSRF token
    client = Client(enforce_csrf_checks=True, **ZH)
    # when it opens a product that does not exist, and posts a form that had expired
    missing = client.get("/products/no-such-thing/")
    expired = client.post("/login/", {"username": "mei", "password": "x"})
    # then both pages say why, in Chinese, with nothing in English but the data
    assert missing.status_code == 404 and "没有产品“no-such-thing”。" in missing.content.decode()
    assert expired.status_code == 403 and "表单打开太久或来自其他网站。" in expired.content.decode()
    data = [*data_values(), "no-such-thing"]
    assert english_words(missing.content.decode(), data) == set()
    assert english_words(expired.content.decode(), data) == set()
