"""The OpenAPI document says what the list endpoints answer: API.md's paginated object."""

import pytest
from django.test import Client

pytestmark = pytest.mark.usefixtures("demo")

PAGINATED = {"count", "next", "previous", "results"}


@pytest.fixture
def schema():
    response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _ok_schema(schema, path: str) -> dict:
    body = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    while "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    return body


def test_the_shortage_list_is_declared_as_the_paginated_object_it_answers(schema, planner):
    # given the schema's answer for GET /api/v1/inventory/shortages/
    declared = _ok_schema(schema, "/api/v1/inventory/shortages/")
    # then it is API.md's paginated object of shortages, with page and page_size parameters
    assert declared["type"] == "object" and set(declared["properties"]) == PAGINATED
    assert declared["properties"]["results"]["items"] == {"$ref": "#/components/schemas/Shortage"}
    parameters = {p["name"] for p in schema["paths"]["/api/v1/inventory/shortages/"]["get"]["parameters"]}
    assert {"page", "page_size"} <= parameters
    # and it is what the endpoint answers
    client = Client()
    client.force_login(planner)
    answer = client.get("/api/v1/inventory/shortages/")
    assert answer.status_code == 200 and set(answer.json()) == PAGINATED


def test_no_list_endpoint_is_declared_as_a_bare_array(schema):
    bare = [
        path
        for path, operations in schema["paths"].items()
        if "get" in operations
        and "application/json" in operations["get"]["responses"].get("200", {}).get("content", {})
        and _ok_schema(schema, path).get("type") == "array"
    ]
    assert bare == []
