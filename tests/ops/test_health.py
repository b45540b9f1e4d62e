"""The liveness and readiness probes: unauthenticated, cheap, and honest about what is down."""

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert len(queries) == 0
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ready_with_the_database_and_in_process_tasks(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_readyz_checks_the_real_broker(client, settings):
    # given the suite's own Redis (started by scripts/with-services) as the broker
    url = os.environ.get("CELERY_BROKER_URL")
    assert url, "scripts/with-services exports the Redis URL"
    with override_settings(CELERY_BROKER_URL=url, CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_readyz_answers_503_naming_the_broker_when_it_is_down(client):
    # given a broker nobody listens on
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:9/0", CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/readyz")
    # then it says so, and the database is still reported
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["database"] == "ok"
    assert body["broker"].startswith("unreachable")


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_take_only_get(client, path, db):
    assert client.post(path).status_code == 405
