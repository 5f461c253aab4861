"""Every endpoint of the OpenAPI schema answers a bad request with the one error shape
(`{"code", "detail", "errors"?, "retry_after"?}`, common.api.exceptions) and a documented 4xx status."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from common.tests.utils import new_address

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "detail", "errors", "retry_after"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        response = APIClient().get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (method.upper(), path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def unknown(path: str, operation: dict) -> str:
    """The path with an identifier nothing has in each of its parameters (a slug, or a number)."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            value = "999999999" if parameter.get("schema", {}).get("type") == "integer" else "no-such-thing-at-all"
            path = path.replace("{" + parameter["name"] + "}", value)
    return path


def bad_requests(method: str, path: str, operation: dict) -> list[tuple[str, dict, str | None]]:
    """(url, query or body, content type) of requests that must fail for this operation."""
    url = unknown(path, operation)
    query_names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    requests: list[tuple[str, dict, str | None]] = []
    if "{" in path:
        requests.append((url, {}, None))  # an unknown identifier
    if method == "GET":
        if query_names:
            requests.append((url, dict.fromkeys(query_names, "\x00not valid\x00"), None))
            requests.append((url, {}, None) if "page" not in query_names else (url, {"page": "zero"}, None))
    else:
        requests.append((url, {}, "application/json"))  # every required field missing
        requests.append((url, '{"not": json', "application/json"))  # a parse error
        requests.append((url, "a=1", "text/plain"))  # an unsupported media type
    return requests


def assert_error_shape(response, operation: dict) -> dict:
    assert 400 <= response.status_code < 500, response.content[:300]
    body = response.json()
    assert set(body) <= ERROR_KEYS, body
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["detail"], str) and body["detail"]
    if "errors" in body:
        assert body["errors"] and all(
            isinstance(messages, list) and all(isinstance(m, str) and m for m in messages)
            for messages in body["errors"].values()
        )
    if "retry_after" in body:
        assert int(response["Retry-After"]) == body["retry_after"] > 0
    documented = operation["responses"]
    assert str(response.status_code) in documented or "default" in documented
    return body


def test_every_operation_documents_the_error_shape(schema):
    assert "Error" in schema["components"]["schemas"]
    for method, path, operation in operations(schema):
        default = operation["responses"].get("default")
        assert default, f"{method} {path} has no default error response"
        assert default["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_every_endpoint_answers_bad_requests_in_the_one_shape(schema):
    api = APIClient(REMOTE_ADDR=new_address())
    checked = 0
    for method, path, operation in operations(schema):
        for url, data, content_type in bad_requests(method, path, operation):
            if method == "GET":
                response = api.get(url, data)
            elif isinstance(data, str):
                response = api.generic(method, url, data, content_type=content_type)
            else:
                response = api.generic(method, url, json.dumps(data), content_type=content_type)
            body = assert_error_shape(response, operation)
            if "{" in path and not data:
                assert (response.status_code, body["code"]) == (404, "not_found")
            if content_type == "text/plain":
                assert (response.status_code, body["code"]) == (415, "unsupported_media_type")
            if isinstance(data, str) and content_type == "application/json":
                assert (response.status_code, body["code"]) == (400, "parse_error")
            checked += 1
        # A method the endpoint does not have: 405 in the same shape.
        response = api.generic("DELETE", unknown(path, operation))
        assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    assert checked >= 20


def test_rate_limits_answer_in_the_one_shape(settings):
    settings.RATE_LIMITS = {"book": (20, 3600), "lookup": (1, 600)}
    api = APIClient(REMOTE_ADDR=new_address())
    body = {"code": "0000000000", "document_number": "40000001"}
    assert api.post("/api/v1/appointments/lookup/", body, format="json").status_code == 404
    response = api.post("/api/v1/appointments/lookup/", body, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert response.json()["retry_after"] == int(response["Retry-After"]) > 0


POST_ENDPOINTS = [
    "/api/v1/appointments/",
    "/api/v1/appointments/lookup/",
    "/api/v1/appointments/cancel/",
    "/api/v1/appointments/reschedule/",
]


@pytest.mark.parametrize("url", POST_ENDPOINTS)
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("[" * 100_000 + "]" * 100_000, 400, "parse_error"),  # deeply nested arrays
        ('{"a":' * 50_000 + "1" + "}" * 50_000, 400, "parse_error"),  # deeply nested objects
        ("[" * 40 + "]" * 40, 400, "parse_error"),  # nested past the API's depth, within the decoder's
        ('{"code": NaN}', 400, "parse_error"),
        (b'{"code": "\xff\xfe"}', 400, "parse_error"),  # not UTF-8
        ('{"code": "' + "x" * 3_000_000 + '"}', 413, "too_large"),  # over DATA_UPLOAD_MAX_MEMORY_SIZE
    ],
    ids=["nested-arrays", "nested-objects", "too-deep", "nan", "not-utf8", "too-large"],
)
def test_hostile_json_bodies_are_4xx_in_the_one_shape(url, body, status, code):
    response = APIClient(REMOTE_ADDR=new_address()).generic("POST", url, body, content_type="application/json")
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["detail"]


def test_a_wrong_content_type_is_415(client):
    response = APIClient(REMOTE_ADDR=new_address()).generic(
        "POST", "/api/v1/appointments/lookup/", "<xml/>", content_type="application/xml"
    )
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"
