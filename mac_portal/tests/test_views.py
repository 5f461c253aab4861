"""The home page, the error pages, the language switch and the weight of a citizen page."""

import datetime as dt
import gzip
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.urls import reverse

from centers.constants import Channel
from centers.models import Center
from centers.tests.factories import CenterFactory, catalog_create
from mac_portal.views import server_error
from procedures.tests.factories import ProcedureFactory

LIMA = ZoneInfo("America/Lima")
WEDNESDAY_10AM = dt.datetime(2026, 11, 25, 10, 0, tzinfo=LIMA)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    catalog = catalog_create(procedures=30, centers=5)
    for rank, procedure in enumerate(catalog.procedures[1:8], start=3):
        procedure.demand_rank = rank
        procedure.save(update_fields=["demand_rank"])
    CenterFactory(name="Línea MAC", channel=Channel.PHONE, phone="(01) 200-1010", hours=True)
    return catalog


def test_home_has_search_most_demanded_and_service_points(client, catalog, django_assert_max_num_queries):
    with time_machine.travel(WEDNESDAY_10AM, tick=False), django_assert_max_num_queries(6):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es-pe">' in html
    assert '<span class="site-brand-name" lang="es">Mejor Atención al Ciudadano</span>' in html
    # Booking and "change or cancel my appointment" are one tap away: the menu, the home page, the footer.
    main = html[html.index("<main") : html.index("</main>")]
    assert '<a class="btn btn-primary btn-lg" href="/citas/nueva/">Reservar cita</a>' in main
    assert 'href="/citas/gestionar/">Cambiar o anular mi cita</a>' in main
    assert 'href="/citas/gestionar/">Mi cita</a>' in html[: html.index("<main")]
    assert 'href="/citas/gestionar/">Cambiar o anular mi cita</a>' in html[html.index("<footer") :]
    assert 'href="#main"' in html and 'id="main"' in html  # skip link
    assert '<form class="search-box" action="/tramites/" method="get" role="search">' in html
    assert 'name="q"' in html
    assert "Trámites más solicitados" in html
    assert html.count('class="card procedure-card') == 6
    assert html.index(catalog.police_certificate.name) < html.index(catalog.procedures[1].name)  # rank 2 first
    assert html.count("Abierto ahora · cierra a las 20:30") == 6
    # Footer: phone line, complaints book, personal data.
    assert '<a class="footer-phone" href="tel:012001010">(01) 200-1010</a>' in html
    assert "Libro de Reclamaciones" in html and "Ley 29733" in html
    footer = html[html.index("<footer") :]
    assert 'href="/reclamos/">' in footer and 'href="/reclamos/consulta/">' in footer  # the virtual complaints book
    # Navigation, including the appointments link.
    for label, href in (("Trámites", "/tramites/"), ("Centros MAC", "/centros/"), ("Citas", "/citas/nueva/")):
        assert f'href="{href}"' in html and label in html


def test_the_kept_header_and_footer_follow_the_page_the_visitor_and_the_catalog(client, catalog):
    """The header and footer are kept per process ({% memo %}): each page still marks its own section and sends its
    own path in the language form, each response has its own CSRF token, and a new phone line shows at once."""

    def chrome(url: str) -> tuple[str, str]:
        html = client.get(url).content.decode()
        return html[: html.index("<main")], html[html.index("<footer") :]

    def token(header: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', header)[1]

    manage, footer = chrome("/citas/gestionar/")
    assert '<a href="/citas/gestionar/" aria-current="page">Mi cita</a>' in manage
    assert '<a href="/citas/nueva/">Reservar</a>' in manage
    assert 'name="next" value="/citas/gestionar/"' in manage
    assert '<a class="footer-phone" href="tel:012001010">(01) 200-1010</a>' in footer
    book, _footer = chrome("/citas/nueva/?q=dni")
    assert '<a href="/citas/nueva/" aria-current="page">Reservar</a>' in book
    assert '<a href="/citas/gestionar/">Mi cita</a>' in book
    assert 'name="next" value="/citas/nueva/?q=dni"' in book
    again, _footer = chrome("/citas/gestionar/")
    assert again.replace(token(again), "") == manage.replace(token(manage), "")
    assert token(again) != token(manage) and "placeholder" not in again

    phone_line = Center.objects.get(channel=Channel.PHONE)
    phone_line.phone = "(01) 200-2020"
    phone_line.save()
    _header, footer = chrome("/citas/gestionar/")
    assert '<a class="footer-phone" href="tel:012002020">(01) 200-2020</a>' in footer


def test_pages_use_no_inline_styles_and_vendored_css(client, catalog):
    police = catalog.police_certificate
    for url in (
        "/",
        "/tramites/",
        "/tramites/?q=zzzz",
        police.get_absolute_url(),
        "/centros/",
        catalog.centers[0].get_absolute_url(),
        "/no-existe/",
    ):
        html = client.get(url).content.decode()
        assert "style=" not in html, url
        assert "<script" not in html, url  # works without JavaScript
        assert re.search(r'href="/static/vendor/bootstrap/bootstrap\.min\.css"', html), url
        # Every stylesheet, script, image or font the page loads is served from here, not from another host.
        assets = re.findall(r"""<(?:link|script|img|source)[^>]*(?:src|href)\s*=\s*["']([^"']+)["']""", html)
        assert assets, url
        for asset in assets:
            assert not re.match(r"^(https?:)?//", asset), (url, asset)


def test_a_citizen_page_weighs_under_100_kb_compressed(client, catalog):
    """First load of the heaviest page (the full catalog list): HTML plus stylesheets, gzip-compressed."""
    weights = {}
    for url in (
        "/",
        "/tramites/",
        catalog.police_certificate.get_absolute_url(),
        catalog.centers[0].get_absolute_url(),
    ):
        html = client.get(url).content
        css = b"".join(
            Path(finders.find(path.decode())).read_bytes()
            for path in re.findall(rb'<link rel="stylesheet" href="/static/([^"]+)"', html)
        )
        weights[url] = len(gzip.compress(html)) + len(gzip.compress(css))
    assert max(weights.values()) < 100 * 1024, weights


def test_spanish_by_default_and_english_through_the_switch(client, catalog):
    html = client.get(reverse("procedures:list")).content.decode()
    assert "Trámites" in html and "Buscar" in html
    assert 'action="/i18n/setlang/"' in html and 'value="en"' in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tramites/"})
    assert response.status_code == 302 and response["Location"] == "/tramites/"
    html = client.get(reverse("procedures:list")).content.decode()
    assert '<html lang="en">' in html
    assert ">Procedures</h1>" in html and "30 procedures found" in html and "Free" in html

    client.post("/i18n/setlang/", {"language": "es-pe", "next": "/"})
    assert ">Trámites</h1>" in client.get(reverse("procedures:list")).content.decode()


def test_browser_language_does_not_switch_the_portal_away_from_spanish(client):
    ProcedureFactory(name="Pago de tasas")
    html = client.get(reverse("procedures:list"), headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="es-pe">' in html and "Se encontró 1 trámite" in html


def test_an_unknown_language_cookie_falls_back_to_spanish(client):
    client.cookies["django_language"] = "xx"
    assert ">Trámites</h1>" in client.get(reverse("procedures:list")).content.decode()


def test_unknown_page_is_a_friendly_404_with_search_and_links(client):
    response = client.get("/esto-no-existe/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "No encontramos esta página" in html
    assert 'action="/tramites/"' in html and 'href="/centros/"' in html
    assert "<title>Página no encontrada | MAC</title>" in html


def test_500_page_needs_no_database_and_no_request_context(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Algo salió mal de nuestro lado" in html
    assert 'href="/"' in html


def test_the_api_answers_an_address_no_route_matches_in_its_one_error_shape(client):
    """A slug with characters a slug cannot have matches no route: the API client still gets JSON, not a page."""
    for path in ("/api/v1/reports/%C3%93%F0%99%A2%AB/", "/api/v1/no-such-endpoint/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"code": "not_found", "detail": "No encontrado."}


def test_the_apis_500_is_json_too_and_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/api/v1/appointments/"))
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"code": "server_error", "detail": "Algo salió mal de nuestro lado"}
