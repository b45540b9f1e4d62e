"""API tokens: stored hashed, expiring, revoked by a password change and by logging out."""

import hashlib
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework.test import APIClient

from tests.factories import UserFactory

PASSWORD = "a-Long-pass-123"


def token_for(user, password: str = PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def status_with(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/orders/").status_code


def test_the_token_endpoint_keeps_its_shape(anon, customer):
    response = anon.post("/api/v1/auth/token/", {"username": customer.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert list(response.json()) == ["token"]
    bad = anon.post("/api/v1/auth/token/", {"username": customer.username, "password": "nope"}, format="json")
    assert bad.status_code == 400
    assert bad.json() == {"non_field_errors": ["Unable to log in with the username and password given."]}


def test_a_token_is_stored_only_as_its_hash(customer):
    # when a customer gets a token
    key = token_for(customer)
    # then the database holds its SHA-512 and a short lookup prefix, never the key itself
    row = AuthToken.objects.get(user=customer)
    stored = [str(getattr(row, field.attname)) for field in AuthToken._meta.concrete_fields]
    assert not any(key in value for value in stored)
    assert row.digest == hashlib.sha512(key.encode()).hexdigest()
    assert status_with(key) == 200


def test_a_token_expires_after_the_configured_time(customer):
    # given a token issued now
    before = timezone.now()
    token_for(customer)
    row = AuthToken.objects.get(user=customer)
    # then it expires API_TOKEN_TTL_HOURS later (30 days by default)
    assert before + timedelta(days=30) <= row.expiry <= timezone.now() + timedelta(days=30)


def test_an_expired_token_is_refused_with_401(customer):
    # given a token whose time is up
    key = token_for(customer)
    AuthToken.objects.filter(user=customer).update(expiry=timezone.now() - timedelta(seconds=1))
    # when it is used
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/orders/")
    # then it is refused, and it is gone
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token.", "code": "authentication_failed"}
    assert not AuthToken.objects.filter(user=customer).exists()


def test_a_password_change_revokes_every_token_of_that_user(customer, other_customer):
    # given two tokens of a customer and one of another
    first, second = token_for(customer), token_for(customer)
    others = token_for(other_customer)
    # when the customer's password changes
    customer.set_password("a-New-pass-456")
    customer.save()
    # then both of their tokens are refused, and the other customer's still works
    assert (status_with(first), status_with(second)) == (401, 401)
    assert not AuthToken.objects.filter(user=customer).exists()
    assert status_with(others) == 200
    assert status_with(token_for(customer, "a-New-pass-456")) == 200


def test_a_password_set_in_the_admin_revokes_the_tokens(client, customer):
    key = token_for(customer)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/auth/user/{customer.pk}/password/",
        {"password1": "a-New-pass-456", "password2": "a-New-pass-456", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert status_with(key) == 401


def test_saving_a_user_without_a_new_password_keeps_the_tokens(customer):
    key = token_for(customer)
    customer.email = "new@example.com"
    customer.save()
    get_user_model().objects.get(pk=customer.pk).save()
    assert status_with(key) == 200


def test_logout_revokes_only_the_token_it_was_sent_with(customer):
    # given two tokens of one customer
    used, other = token_for(customer), token_for(customer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {used}")
    # when they log out with one
    response = client.post("/api/v1/auth/logout/")
    # then that one is refused and the other still works
    assert response.status_code == 204
    assert status_with(used) == 401
    assert status_with(other) == 200


def test_logout_all_revokes_every_token_of_the_caller(customer, other_customer):
    first, second = token_for(customer), token_for(customer)
    others = token_for(other_customer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.post("/api/v1/auth/logout-all/").status_code == 204
    assert (status_with(first), status_with(second)) == (401, 401)
    assert status_with(others) == 200


def test_logout_all_from_a_browser_session(client, customer):
    key = token_for(customer)
    client.force_login(customer)
    assert client.post("/api/v1/auth/logout-all/").status_code == 204
    assert status_with(key) == 401


def test_logging_out_needs_a_token(anon, customer):
    tokens = AuthToken.objects.count()
    for path in ("/api/v1/auth/logout/", "/api/v1/auth/logout-all/"):
        response = anon.post(path)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
    assert AuthToken.objects.count() == tokens


def test_an_unknown_token_is_refused(db):
    assert status_with("0" * 64) == 401


def _ttl_in_a_new_process(value: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "print(settings.REST_KNOX['TOKEN_TTL'].total_seconds())"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "API_TOKEN_TTL_HOURS": value},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_the_token_lifetime_comes_from_the_environment():
    run = _ttl_in_a_new_process("2")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "7200.0"


@pytest.mark.parametrize("value", ["0", "-5", "forever"])
def test_a_token_lifetime_that_is_not_a_positive_number_of_hours_is_refused(value):
    run = _ttl_in_a_new_process(value)
    assert run.returncode != 0
    assert "API_TOKEN_TTL_HOURS must be a whole number of at least 1" in run.stderr


def test_a_request_reads_only_its_own_token_and_the_purge_deletes_the_other_expired_ones(
    customer, django_assert_num_queries
):
    # given a customer with one expired token and two live ones
    expired, live, other = token_for(customer), token_for(customer), token_for(customer)
    AuthToken.objects.filter(token_key=expired[: CONSTANTS.TOKEN_KEY_LENGTH]).update(
        expiry=timezone.now() - timedelta(seconds=1)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {live}")
    # when a live token is used: the token with its user, the role, the customer's orders
    with django_assert_num_queries(3):
        assert client.get("/api/v1/orders/").status_code == 200
    # then the expired token is still there (knox would have read every token to delete it)
    assert AuthToken.objects.filter(user=customer).count() == 3
    # when the hourly purge runs
    from accounts.tasks import purge_expired_tokens_task

    deleted = purge_expired_tokens_task.apply().get()
    # then only the expired one went, and the live ones still work
    assert deleted == 1
    assert AuthToken.objects.filter(user=customer).count() == 2
    assert status_with(live) == 200
    assert status_with(other) == 200
    assert status_with(expired) == 401
