"""Rate limits: from the environment, per real client address, and on the log-in page too."""

import os
import subprocess
import sys
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from config.settings.env import env_rates

DEFAULTS: dict[str, str | None] = {"anon": "600/min", "user": "1200/min", "auth": "20/min"}


def rates(**changed: str) -> AbstractContextManager[Any]:
    """The settings with some rates changed, as a test (or a deployer) would set them."""
    current = settings.REST_FRAMEWORK
    return override_settings(
        REST_FRAMEWORK={**current, "DEFAULT_THROTTLE_RATES": {**current["DEFAULT_THROTTLE_RATES"], **changed}}
    )


def test_throttle_rates_from_the_environment_merge_over_the_defaults(monkeypatch):
    monkeypatch.setenv("THROTTLE_RATES", " auth=5/minute, anon = none ,")
    assert env_rates("THROTTLE_RATES", DEFAULTS) == {"anon": None, "user": "1200/min", "auth": "5/minute"}


def test_without_throttle_rates_the_defaults_apply(monkeypatch):
    monkeypatch.delenv("THROTTLE_RATES", raising=False)
    assert env_rates("THROTTLE_RATES", DEFAULTS) == DEFAULTS


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("atuh=5/min", "scope one of anon, auth, user"),
        ("auth", "scope one of anon, auth, user"),
        ("auth=5/fortnight", "like 20/min"),
        ("auth=five/min", "like 20/min"),
        ("auth=", "like 20/min"),
    ],
)
def test_a_bad_throttle_rate_is_refused_with_a_clear_message(monkeypatch, value, says):
    monkeypatch.setenv("THROTTLE_RATES", value)
    with pytest.raises(ImproperlyConfigured, match=says):
        env_rates("THROTTLE_RATES", DEFAULTS)


def _settings_in_a_new_process(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_server_takes_its_rates_and_proxies_from_the_environment():
    # when the settings load with THROTTLE_RATES and NUM_PROXIES set
    run = _settings_in_a_new_process(
        {"THROTTLE_RATES": "auth=7/hour", "NUM_PROXIES": "1"},
        "rf = settings.REST_FRAMEWORK; print(rf['DEFAULT_THROTTLE_RATES']['auth'], rf['NUM_PROXIES'])",
    )
    # then they are in force
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["7/hour", "1"]


def test_the_server_refuses_to_start_with_a_bad_rate():
    run = _settings_in_a_new_process({"THROTTLE_RATES": "auth=lots"}, "print('started')")
    assert run.returncode != 0 and "started" not in run.stdout
    assert "ImproperlyConfigured: THROTTLE_RATES: the rate of 'auth' must be like 20/min" in run.stderr


@pytest.mark.parametrize("value", ["-1", "two"])
def test_the_server_refuses_to_start_with_a_bad_number_of_proxies(value):
    run = _settings_in_a_new_process({"NUM_PROXIES": value}, "print('started')")
    assert run.returncode != 0 and "started" not in run.stdout
    assert "NUM_PROXIES must be a whole number of at least 0" in run.stderr


def test_x_forwarded_for_is_not_trusted_by_default(anon, customer):
    # given a client at one address that sends a new X-Forwarded-For with each guess
    with rates(auth="3/min"):
        answers = [
            anon.post(
                "/api/v1/auth/token/",
                {"username": customer.username, "password": f"guess{i}"},
                format="json",
                REMOTE_ADDR="198.51.100.7",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
            ).status_code
            for i in range(4)
        ]
    # then the header does not make it a new client: the fourth guess is refused
    assert answers == [400, 400, 400, 429]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(anon, customer):
    # given one proxy in front of the server, forwarding for two clients
    with rates(auth="2/min"), override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}):
        first = [
            anon.post(
                "/api/v1/auth/token/",
                {"username": customer.username, "password": "wrong"},
                format="json",
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR=client,
            ).status_code
            for client in ["203.0.113.1", "203.0.113.1", "203.0.113.1", "203.0.113.2"]
        ]
    # then the proxy's address is not one shared budget: the second client still gets an answer
    assert first == [400, 400, 429, 400]


def test_the_login_page_is_throttled_like_the_token_endpoint(client, customer):
    # given a client that has used up the auth rate guessing on the log-in page
    with rates(auth="3/min"):
        guesses = [
            client.post("/login/", {"username": customer.username, "password": f"guess{i}"}).status_code
            for i in range(3)
        ]
        # when it sends even the right password
        answer = client.post("/login/", {"username": customer.username, "password": "a-Long-pass-123"})
    # then it is told to wait, and is not logged in
    assert guesses == [200, 200, 200]
    assert answer.status_code == 429
    assert "Too many attempts" in answer.text and "Please wait" in answer.text
    assert int(answer["Retry-After"]) > 0
    assert SESSION_KEY not in client.session


def test_the_login_page_and_the_token_endpoint_share_one_budget(client, anon, customer):
    with rates(auth="2/min"):
        for i in range(2):
            anon.post("/api/v1/auth/token/", {"username": customer.username, "password": f"guess{i}"}, format="json")
        answer = client.post("/login/", {"username": customer.username, "password": "a-Long-pass-123"})
    assert answer.status_code == 429
    assert SESSION_KEY not in client.session


def test_showing_the_login_page_is_not_an_attempt(client, customer):
    with rates(auth="2/min"):
        for _ in range(3):
            assert client.get("/login/").status_code == 200
        answer = client.post("/login/", {"username": customer.username, "password": "a-Long-pass-123"})
    assert answer.status_code == 302
    assert client.session[SESSION_KEY] == str(customer.pk)
