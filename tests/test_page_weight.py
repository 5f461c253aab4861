"""Every citizen page under 100 KB transferred on first load: its HTML as the server sends it (gzip where the view
compresses) plus its CSS and JavaScript as WhiteNoise serves them in production (precompressed gzip)."""

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from centers.tests.factories import catalog_create
from common.tests.utils import new_address

pytestmark = pytest.mark.django_db
BUDGET = 100 * 1024
ASSET = re.compile(r"""<(?:link[^>]*rel="stylesheet"[^>]*href|script[^>]*src)="([^"]+)\"""")


def first_load_weight(response) -> tuple[int, dict[str, int]]:
    weights = {"html": len(response.content)}
    for url in ASSET.findall(_html(response)):
        path = finders.find(url.removeprefix(settings.STATIC_URL))
        assert path, url
        with open(path, "rb") as file:
            weights[url] = len(gzip.compress(file.read(), compresslevel=9))
    return sum(weights.values()), weights


def _html(response) -> str:
    body = response.content
    return (gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body).decode()


@pytest.fixture
def catalog():
    return catalog_create(procedures=60, centers=5)


def test_every_citizen_page_is_under_100_kb_on_first_load(catalog):
    client = Client(REMOTE_ADDR=new_address(), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    procedure, center = catalog.police_certificate, catalog.centers[0]
    pages = {
        "home": "/",
        "catalog": reverse("procedures:list"),
        "search": reverse("procedures:list") + "?q=antecedentes",
        "procedure": procedure.get_absolute_url(),
        "centers": reverse("centers:list"),
        "center": center.get_absolute_url(),
        "booking": reverse("appointments:new"),
        "booking search": reverse("appointments:new") + "?q=antecedentes",
        "look-up": reverse("appointments:manage"),
    }
    over = []
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        total, weights = first_load_weight(response)
        if total >= BUDGET:
            over.append(f"{name}: {total / 1024:.1f} KB ({weights})")
    assert not over, "\n".join(over)


def test_catalog_pages_are_compressed_and_booking_pages_are_not(catalog):
    """BREACH: only pages without personal data or secrets are compressed (the CSRF token is masked per response)."""
    client = Client(REMOTE_ADDR=new_address(), HTTP_ACCEPT_ENCODING="gzip")
    search = client.get(reverse("procedures:list") + "?q=antecedentes")
    assert search["Content-Encoding"] == "gzip" and "Accept-Encoding" in search["Vary"]
    assert "Certificado de antecedentes policiales" in gzip.decompress(search.content).decode()
    for url in (reverse("appointments:new"), reverse("appointments:manage")):
        assert not client.get(url).get("Content-Encoding"), url
