"""Schemathesis against /api/v1/schema/: generated requests as a customer and as a planner, every
answer checked against the schema (no 5xx; status codes, content types and bodies as documented)."""

import os
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import api_token_create
from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Per operation and role in `make test`; `make fuzz` runs many more (FUZZ_EXAMPLES).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(autouse=True)
def _keep_the_test_transaction() -> Any:
    """The WSGI app closes the database connection after each request, which would end the test's
    transaction; Django's test client keeps it the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _call(case: Any, user: Any) -> None:
    cache.clear()  # the rate limits are tested on their own; here every call is judged on its merits
    case.call_and_validate(headers={"Authorization": f"Token {api_token_create(user=user)}"}, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_answers_a_customer_as_its_schema_says(case, customer):
    _call(case, customer)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_answers_a_planner_as_its_schema_says(case, planner):
    _call(case, planner)


class _AsCustomer(schema.as_state_machine()):  # type: ignore[misc]
    """Sequences of calls the schema links (an order placed, then read or cancelled), as a customer."""

    token = ""

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        cache.clear()
        return {"headers": {"Authorization": f"Token {self.token}"}}

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        case.validate_response(response, checks=CHECKS)


def test_linked_calls_answer_as_the_schema_says(customer):
    _AsCustomer.token = api_token_create(user=customer)
    _AsCustomer.run(
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
