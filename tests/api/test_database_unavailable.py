"""The database out of reach (stopped, restarting, refusing connections) is a 503 to try again, in
the API's shape under /api/ and as a page elsewhere, never a 500 with the driver's words. The
database here is really unreachable: the connection points at a port where nothing listens.
tests/integration/test_database_restart.py restarts a real PostgreSQL under the running service."""

import socket
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client

from tests.api.test_error_shapes import assert_refusal


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_down(transactional_db: None) -> Iterator[None]:
    connection.close()
    settings_dict = connection.settings_dict
    address = settings_dict["HOST"], settings_dict["PORT"]
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", _closed_port()
    yield
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = address


def test_an_api_call_while_the_database_is_down_is_a_503_database_unavailable(database_down):
    # when a client calls the API (its token is looked up in the database) while the database is down
    response = Client(raise_request_exception=False).get("/api/v1/orders/", HTTP_AUTHORIZATION="Token abc")
    # then it is told to try again, in the API's shape, without the driver's error text
    body = assert_refusal(response, 503, "database_unavailable")
    assert response["Retry-After"] == "5"
    assert "connection" not in body["detail"].lower() and "127.0.0.1" not in body["detail"]


def test_a_page_while_the_database_is_down_is_a_503_page(database_down):
    # when someone opens the shop (it lists the products) while the database is down
    response = Client(raise_request_exception=False).get("/")
    # then the page says the shop is unavailable for a moment, with no error text of the driver's
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "The shop is unavailable for a moment" in html
    assert "127.0.0.1" not in html and "OperationalError" not in html


def test_the_503_page_renders_with_no_context_at_all():
    from django.template import loader

    assert "Error 503" in loader.get_template("503.html").render()
