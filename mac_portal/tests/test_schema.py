"""The OpenAPI 3 schema at /api/schema/ and the browsable docs at /api/docs/ (served without any CDN)."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = [
    "/api/v1/entities/",
    "/api/v1/entities/{slug}/",
    "/api/v1/procedures/",
    "/api/v1/procedures/{slug}/",
    "/api/v1/centers/",
    "/api/v1/centers/{slug}/",
]


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)  # raises on any violation of the OpenAPI 3 specification


def test_schema_generation_has_no_warnings(tmp_path):
    # Same as `manage.py spectacular --validate --fail-on-warn`: an undocumented or untyped field fails here.
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(tmp_path / "schema.yaml"))


def test_every_catalog_endpoint_is_documented(schema):
    for path in PUBLIC_PATHS:
        operation = schema["paths"][path]["get"]
        assert operation["summary"], path
        assert "200" in operation["responses"], path
        assert "404" in operation["responses"], path
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (path, parameter["name"])


def test_filter_parameters_list_their_choices(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/procedures/"]["get"]["parameters"]}
    assert {"q", "entity", "center", "channel", "intent", "page", "page_size"} <= set(parameters)
    assert {"presencial", "telefonico", "virtual"} <= set(parameters["channel"]["schema"]["enum"])
    assert {"tramite", "orientacion", "empresa"} <= set(parameters["intent"]["schema"]["enum"])
    assert parameters["q"]["schema"]["maxLength"] == 200
    assert "400" in schema["paths"]["/api/v1/procedures/"]["get"]["responses"]


def test_fee_is_documented_as_a_decimal_string_in_pen(schema):
    procedure = schema["components"]["schemas"]["Procedure"]["properties"]
    assert procedure["fee"]["type"] == "string"
    assert procedure["fee"]["format"] == "decimal"
    currency = schema["components"]["schemas"][procedure["currency"]["allOf"][0]["$ref"].rsplit("/", 1)[1]]
    assert currency["enum"] == ["PEN"]


def test_docs_page_renders_with_local_assets_only(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert '<html lang="es-pe">' in html and "<main" in html and "<h1" in html
    # No inline script or style (Content-Security-Policy): Swagger UI's configuration is a script file (?script).
    assert "<style" not in html and " style=" not in html
    assert all(" src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assets = re.findall(r"""<(?:script|link)[^>]*(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert assets, "the page loads its assets"
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
    # Every asset is one of our static files (drf-spectacular-sidecar) or our own configuration script.
    for url in assets:
        assert not re.match(r"^(https?:)?//", url), url
        if url == "/api/docs/?script=":
            assert "SwaggerUIBundle" in client.get(url).content.decode()
            continue
        assert url.startswith(settings.STATIC_URL), url
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url
    assert "/api/docs/?script=" in assets
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
