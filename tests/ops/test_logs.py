"""Request ids: answered to the caller, and on every log line the request writes (JSON lines when
LOG_FORMAT=json). tests/integration/test_request_id.py follows one into a real worker."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_a_response_carries_the_request_id_given_or_a_new_one(client):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert given["X-Request-ID"] == "lb-7f3a.42"
    made = client.get("/healthz")
    assert len(made["X-Request-ID"]) == 32 and made["X-Request-ID"] != given["X-Request-ID"]
    # a header that is not a plain token is not echoed into logs or answers
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\n{injected}")
    assert forged["X-Request-ID"] != "x\n{injected}" and len(forged["X-Request-ID"]) == 32


def test_log_format_json_writes_one_json_object_per_line_with_the_request_id():
    # given the settings with LOG_FORMAT=json, in a process of their own (logging is configured once)
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "Client().get('/api/v1/no-such-thing/', HTTP_X_REQUEST_ID='req-42', HTTP_HOST='127.0.0.1')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "LOG_FORMAT": "json"}
    # when a request is answered 404 (Django logs it as a warning)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    # then the log line is JSON with the request's id
    lines = [json.loads(line) for line in out.stderr.splitlines() if line.startswith("{")]
    assert any(
        line["request_id"] == "req-42" and line["logger"] == "django.request" and line["level"] == "WARNING"
        for line in lines
    ), out.stderr
