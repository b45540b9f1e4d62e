"""Everything under /api/ answers JSON in API.md's shape, whatever goes wrong, through the real
middleware stack (django.test.Client); pages outside /api/ keep Django's HTML error pages."""

import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from orders.models import Order
from tests.api import urls_failing
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")

User = get_user_model()


def assert_refusal(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "code"} and body["code"] == code and body["detail"]
    return body


def assert_html(response, status: int) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")


def nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


# CSRF


def test_a_post_to_an_unknown_api_path_is_a_json_404_not_a_csrf_page(customer):
    # given a logged-in browser session that sends no CSRF token
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    # when it posts to a path that does not exist
    response = client.post("/api/v1/nope/", {"a": "b"})
    # then it learns there is no such endpoint, in JSON
    assert_refusal(response, 404, "not_found")


@pytest.mark.urls("tests.api.urls_failing")
def test_a_csrf_failure_on_an_api_path_answers_json_and_runs_nothing(customer):
    urls_failing.CALLS.clear()
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    response = client.post("/api/v1/guarded/", {"a": "b"})
    body = assert_refusal(response, 403, "permission_denied")
    assert body["detail"].startswith("CSRF Failed:")
    assert urls_failing.CALLS == []


@pytest.mark.urls("tests.api.urls_failing")
def test_a_csrf_failure_on_a_page_keeps_django_s_html_page(customer):
    urls_failing.CALLS.clear()
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert_html(client.post("/guarded/", {"a": "b"}), 403)
    assert urls_failing.CALLS == []


def test_a_session_post_to_an_endpoint_without_csrf_is_refused_in_json(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    body = {"lines": [{"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}]}
    response = client.post("/api/v1/orders/", body, content_type="application/json")
    assert assert_refusal(response, 403, "permission_denied")["detail"].startswith("CSRF Failed:")
    assert not Order.objects.filter(customer=customer).exists()


# Paths that resolve to nothing


@pytest.mark.parametrize(
    "path", ["/api/v1/orders%0A/", "/api/v1/orders/%0A", "/api/v1/%0A", "/api/v1/products/mtm-suit%0D%0A/"]
)
def test_a_path_with_a_newline_is_a_json_404(customer, path):
    client = Client()
    client.force_login(customer)
    assert_refusal(client.get(path), 404, "not_found")
    assert_refusal(client.post(path, {}, content_type="application/json"), 404, "not_found")
    assert not Order.objects.exists()


@pytest.mark.parametrize("path", ["/api/", "/api", "/api/v2/orders/"])
def test_an_unknown_path_under_api_is_a_json_404(path):
    assert_refusal(Client().get(path), 404, "not_found")


def test_the_catch_all_leaves_every_url_name_reversible():
    assert reverse("shop:home") == "/" and reverse("schema") == "/api/v1/schema/"
    assert Client().get("/").status_code == 200


def test_an_unknown_page_keeps_django_s_html_404():
    assert_html(Client().get("/no-such-page/"), 404)
    assert_html(Client().get("/orders%0A/"), 404)


# Bodies too large


def test_a_body_over_the_upload_limit_is_a_json_413_and_creates_nothing(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "big", "email": "big@example.com", "password": "a-Long-pass-123", "x": "x" * 2000})
    response = Client().post("/api/v1/auth/register/", body, content_type="application/json")
    assert_refusal(response, 413, "request_too_large")
    assert not User.objects.filter(username="big").exists()


def test_a_body_over_the_default_upload_limit_is_refused_too():
    body = json.dumps({"username": "big", "email": "big@example.com", "password": "a-Long-pass-123"})
    body = body[:-1] + ', "x": "' + "x" * 3_000_000 + '"}'
    response = Client().post("/api/v1/auth/register/", body, content_type="application/json")
    assert_refusal(response, 413, "request_too_large")
    assert not User.objects.filter(username="big").exists()


def test_a_page_body_over_the_upload_limit_keeps_django_s_html_400(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post("/login/", {"username": "someone", "password": "x" * 2000})
    assert_html(response, 400)


# Unhandled exceptions


@pytest.mark.urls("tests.api.urls_failing")
def test_an_unhandled_exception_under_the_api_is_a_json_500():
    response = Client(raise_request_exception=False).get("/api/v1/boom/")
    body = assert_refusal(response, 500, "server_error")
    assert "unhandled bug" not in body["detail"]


@pytest.mark.urls("tests.api.urls_failing")
def test_an_unhandled_exception_on_a_page_keeps_django_s_html_500():
    assert_html(Client(raise_request_exception=False).get("/boom/"), 500)


# JSON nested too deep


@pytest.mark.parametrize("depth", [65, 950, 100_000])
def test_json_nested_too_deep_is_a_400_for_anyone_and_registers_no_one(depth):
    # given a body with a valid registration, nested `depth` levels deep in an extra field
    body = '{"username": "deep", "email": "deep@example.com", "password": "a-Long-pass-123", "x": DEEP}'
    body = body.replace("DEEP", nested(depth - 1))
    # when anyone posts it
    response = Client().post("/api/v1/auth/register/", body, content_type="application/json")
    # then it is refused as unreadable JSON, and nothing is created
    body = assert_refusal(response, 400, "parse_error")
    assert "nested deeper than 64 levels" in body["detail"]
    assert not User.objects.filter(username="deep").exists()


def test_json_nested_too_deep_is_a_400_on_the_configurator():
    body = '{"spec": {"chest_cm": DEEP}}'.replace("DEEP", nested(950))
    response = Client().post("/api/v1/products/mtm-suit/configure/", body, content_type="application/json")
    assert_refusal(response, 400, "parse_error")


def test_json_nested_too_deep_places_no_order(customer_api, customer):
    body = nested(950).join(['{"lines": [{"product": "mtm-suit", "quantity": 1, "spec": {"monogram": ', "}}]}"])
    response = customer_api.post(
        "/api/v1/orders/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert_refusal(response, 400, "parse_error")
    assert not Order.objects.filter(customer=customer).exists()


def test_json_within_the_depth_limit_is_read_as_before():
    # 64 levels: read, then refused by the configurator as a bad value, not as bad JSON
    body = '{"spec": {"chest_cm": DEEP}}'.replace("DEEP", nested(62))
    response = Client().post("/api/v1/products/mtm-suit/configure/", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["errors"]["chest_cm"]


def test_brackets_inside_strings_do_not_count_as_nesting():
    from config.parsers import json_depth

    assert json_depth('{"a": "[[[[{{{{", "b": ["\\"]]]]\\\\", {"c": 1}]}') == 3
    assert json_depth("") == 0
    assert json_depth('"[[[') == 0
    # a string full of brackets is read, then judged by the endpoint (here: fields missing)
    text = '{"note": "' + "[" * 100 + '"}'
    response = Client().post("/api/v1/auth/register/", text, content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"username", "email", "password"}
