"""Content-Security-Policy (issue 7): every page type carries the strict policy, no web page needs inline script or
style, and CSP_REPORT_ONLY=true switches the same policy to report-only."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpRequest
from django.urls import path, reverse

from mac_portal import urls as project_urls

ROOT = Path(__file__).resolve().parent.parent.parent
HEADER = "Content-Security-Policy"
# E-mail bodies are not web pages (mail clients need inline styles): they keep theirs.
NOT_WEB_PAGES = {"email"}
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=", re.IGNORECASE)

pytestmark = pytest.mark.django_db


def boom(request: HttpRequest):
    raise RuntimeError("a bug")


# This module is also the URLconf of the 500 test: the project's URLs plus one view that fails.
urlpatterns = [path("boom/", boom), *project_urls.urlpatterns]
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def assert_strict(response) -> None:
    policy = directives(response[HEADER])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert "'unsafe-inline'" not in response[HEADER] and "'unsafe-eval'" not in response[HEADER]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/tramites/",
        "/centros/",
        "/citas/nueva/",
        "/citas/gestionar/",
        "/no-existe/",
        "/admin/login/",
        "/api/v1/entities/",
        "/api/schema/",
        "/api/docs/",
        "/api/docs/?script=",
        "/healthz",
    ],
)
def test_every_page_type_carries_the_policy(client, url):
    response = client.get(url)
    assert response.status_code in (200, 302, 404), (url, response.status_code)
    assert_strict(response)


def test_admin_pages_carry_the_policy(admin_client):
    for url in (
        reverse("admin:index"),
        reverse("admin:centers_center_changelist"),
        reverse("admin:centers_center_add"),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


def test_the_api_answers_a_browser_with_json_not_a_page_with_inline_styles(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/api/v1/entities/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert_strict(response)


@pytest.mark.urls("mac_portal.tests.test_csp")
def test_the_500_page_carries_the_policy_and_has_no_inline_style(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_strict(response)
    assert not INLINE.search(response.content.decode())


def test_no_web_page_template_has_inline_script_style_or_handler():
    templates = [
        template
        for folder in [ROOT / "templates", *ROOT.glob("*/templates")]
        for template in folder.rglob("*.html")
        if not NOT_WEB_PAGES & set(template.relative_to(folder).parts)
    ]
    assert len(templates) > 20
    offenders = [
        f"{template.relative_to(ROOT)}: {match.group(0)}"
        for template in templates
        for match in INLINE.finditer(template.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(("report_only", "enforced"), [("true", False), ("false", True)])
def test_csp_report_only_switches_the_header(report_only, enforced):
    code = (
        "import json; from mac_portal.settings import base; "
        "print(json.dumps([bool(base.SECURE_CSP), bool(base.SECURE_CSP_REPORT_ONLY), base.CONTENT_SECURITY_POLICY]))"
    )
    env = {**os.environ, "CSP_REPORT_ONLY": report_only, "CSP_REPORT_URI": "/csp-report/"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    has_enforced, has_report_only, policy = json.loads(result.stdout.strip().splitlines()[-1])
    assert (has_enforced, has_report_only) == (enforced, not enforced)
    assert policy["report-uri"] == ["/csp-report/"]


def test_report_only_mode_sends_the_report_only_header(client, settings):
    settings.SECURE_CSP_REPORT_ONLY, settings.SECURE_CSP = settings.SECURE_CSP, {}
    response = client.get("/")
    assert HEADER not in response
    assert "'self'" in response["Content-Security-Policy-Report-Only"]
