"""The public catalog pages as a citizen uses them: search, filters, pagination, a procedure's page."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from centers.tests.factories import CenterFactory, OfferingFactory, catalog_create
from procedures.constants import AppointmentPolicy, Channel, CitizenIntent
from procedures.tests.factories import EntityFactory, ProcedureFactory, RequirementFactory

LIMA = ZoneInfo("America/Lima")
LIST_URL = reverse("procedures:list")
# A Wednesday morning, when a usual MAC week is open.
WEDNESDAY_10AM = dt.datetime(2026, 11, 25, 10, 0, tzinfo=LIMA)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    return catalog_create(procedures=30, centers=5)


def detail_url(procedure) -> str:
    return reverse("procedures:detail", kwargs={"slug": procedure.slug})


# --- The list and search -------------------------------------------------------------------------------------


def test_catalog_lists_procedures_with_entity_fee_and_channels(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Trámites" in html
    assert "Se encontraron 30 trámites" in html
    assert "Certificado de antecedentes policiales" in html
    assert "MININTER" in html
    assert "S/ 5.40" in html
    assert "Presencial" in html and "Virtual" in html
    assert 'role="search"' in html


@pytest.mark.parametrize("query", ["antecedentes policiales", "ANTECEDENTES", "policia", "Policía", "  policiales "])
def test_search_finds_the_police_record_certificate(client, catalog, query):
    response = client.get(LIST_URL, {"q": query})
    assert response.status_code == 200
    assert detail_url(catalog.police_certificate) in response.content.decode()


def test_search_with_a_filter_combines_both(client, catalog):
    other_entity = catalog.entities[0]
    response = client.get(LIST_URL, {"q": "policia", "entity": other_entity.slug})
    html = response.content.decode()
    assert response.status_code == 200
    assert "procedure-card" not in html  # the police certificate is MININTER's, not BN's
    assert "No encontramos trámites para «policia»" in html


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"channel": Channel.VIRTUAL}, "Pago en línea", "Pago presencial"),
        ({"intent": CitizenIntent.COMPANY}, "Constituir una empresa", "Pago presencial"),
        ({"entity": "sunat"}, "Pago presencial", "Pago en línea"),
    ],
)
def test_filters_narrow_the_list(client, params, shown, hidden):
    sunat = EntityFactory(name="Superintendencia Nacional de Aduanas y de Administración Tributaria", slug="sunat")
    ProcedureFactory(name="Pago presencial", entity=sunat)
    ProcedureFactory(name="Pago en línea", via_virtual=True, via_in_person=False)
    ProcedureFactory(name="Constituir una empresa", intent=CitizenIntent.COMPANY)
    html = client.get(LIST_URL, params).content.decode()
    assert shown in html
    assert hidden not in html


def test_center_filter_shows_only_what_is_offered_there(client):
    center = CenterFactory(slug="callao", hours=True)
    OfferingFactory(center=center, procedure=ProcedureFactory(name="Ofrecido en Callao"))
    ProcedureFactory(name="Ofrecido en otra parte")
    html = client.get(LIST_URL, {"center": "callao"}).content.decode()
    assert "Ofrecido en Callao" in html
    assert "Ofrecido en otra parte" not in html


def test_pagination_keeps_the_filters_and_tolerates_bad_page_numbers(client, catalog):
    second = client.get(LIST_URL, {"page": "2", "channel": "presencial"})
    assert second.status_code == 200
    html = second.content.decode()
    assert "Página 2 de 2" in html
    assert html.count('class="card procedure-card') == 10
    assert "?page=1&amp;channel=presencial" in html
    for junk, expected in [
        ("9999", "Página 2 de 2"),
        ("abc", "Página 1 de 2"),
        ("-1", "Página 2 de 2"),
        ("", "Página 1"),
    ]:
        response = client.get(LIST_URL, {"page": junk})
        assert response.status_code == 200, junk
        assert expected in response.content.decode(), junk


def test_no_results_page_helps_the_citizen(client, catalog):
    CenterFactory(channel=Channel.PHONE, name="Línea MAC", phone="(01) 200-1010")
    response = client.get(LIST_URL, {"q": "pasaporte diplomático xyzzy"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No encontramos trámites para «pasaporte diplomático xyzzy»" in html
    assert "Revise cómo escribió las palabras" in html
    assert "Use menos palabras" in html
    assert '<a href="tel:012001010">(01) 200-1010</a>' in html
    assert "Trámites más solicitados" in html and detail_url(catalog.police_certificate) in html
    assert "Ver trámites por entidad" in html and "?entity=reniec" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"entity": "no-existe"}, "No conocemos la entidad «no-existe»"),
        ({"center": "marte"}, "No conocemos el punto de atención «marte»"),
        ({"channel": "paloma"}, "«paloma» no es un canal"),
        ({"intent": "<script>"}, "«&lt;script&gt;» no es una opción"),
        ({"q": "a" * 201}, "Escriba como máximo 200 caracteres (escribió 201)"),
        ({"q": "dni\x00"}, "Los caracteres nulos no están permitidos"),
    ],
)
def test_bad_filter_values_get_a_spanish_form_error_not_a_500(client, catalog, params, message):
    response = client.get(LIST_URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Revise su búsqueda" in html
    assert message in html


@pytest.mark.parametrize("query", ["a & b | !c", "':* (", "ñandú", "1234567890" * 5, "*", "d'arc", "DROP TABLE"])
def test_odd_queries_never_break_the_search(client, catalog, query):
    assert client.get(LIST_URL, {"q": query}).status_code == 200


# --- A procedure's page --------------------------------------------------------------------------------------


def test_procedure_page_shows_what_to_bring_pay_and_where_to_go(client, catalog, django_assert_max_num_queries):
    police = catalog.police_certificate
    with time_machine.travel(WEDNESDAY_10AM, tick=False), django_assert_max_num_queries(8):
        response = client.get(detail_url(police))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="h2">Certificado de antecedentes policiales</h1>' in html
    # Requirements as a checklist that works without JavaScript.
    assert (
        'type="checkbox" id="requirement-1"' in html and '<label class="form-check-label" for="requirement-1">' in html
    )
    assert html.index("DNI vigente") < html.index("Comprobante de pago de la tasa")
    assert "S/ 5.40" in html and "La tasa es de S/ 5.40." in html
    assert "pagalo.pe" in html
    assert "Decreto Legislativo N.° 1267" in html
    assert "unos 15 minutos" in html
    assert "Se resuelve en ventanilla, el mismo día" in html
    assert "espere como máximo 30 minutos" in html and "como máximo 20 minutos" in html
    assert 'href="/citas/nueva/?procedure=certificado-de-antecedentes-policiales"' in html
    assert "Reservar cita" in html
    # Where: every center, its open-now status and hours.
    for center in catalog.centers:
        assert center.get_absolute_url() in html
    assert html.count("Abierto ahora · cierra a las 20:30") == 5
    assert "08:30–20:30" in html and "08:30–13:30" in html


def test_free_walk_in_procedure_says_free_and_offers_no_booking(client):
    procedure = ProcedureFactory(fee=Decimal("0"), appointment_policy=AppointmentPolicy.WALK_IN, resolution_days=7)
    html = client.get(detail_url(procedure)).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "Gratuito" in html and "Este trámite es gratuito." in html
    assert "Reservar cita" not in main and "/citas/nueva/" not in main  # only the menu and footer links
    assert "/citas/nueva/" in html
    assert "No necesita cita" in html
    assert "7 días hábiles" in html
    assert "Por ahora ningún punto de atención lo ofrece" in html


def test_required_appointment_is_said_plainly(client):
    procedure = ProcedureFactory(appointment_policy=AppointmentPolicy.REQUIRED, fee=Decimal("1234.5"))
    RequirementFactory(procedure=procedure, text="Partida de nacimiento", is_optional=True, note="Solo menores.")
    html = client.get(detail_url(procedure)).content.decode()
    assert "Para este trámite necesita una cita." in html
    assert f'href="/citas/nueva/?procedure={procedure.slug}"' in html
    assert "S/ 1,234.50" in html
    assert "solo en algunos casos" in html and "Solo menores." in html


def test_desk_hours_and_next_opening_on_a_procedure_page(client):
    center = CenterFactory(name="MAC Piura", hours=True)
    procedure = ProcedureFactory()
    OfferingFactory(center=center, procedure=procedure, hours=[(0, "09:00", "13:00"), (3, "09:00", "13:00")])
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        html = client.get(detail_url(procedure)).content.decode()
    assert "Horario de esta ventanilla" in html
    assert "Cerrado ahora" in html
    assert "Abre mañana a las 09:00" in html


def test_procedure_closed_on_a_holiday_says_why_and_when_it_reopens(client):
    center = CenterFactory(hours=True)
    procedure = ProcedureFactory()
    OfferingFactory(center=center, procedure=procedure)
    with time_machine.travel(dt.datetime(2026, 12, 8, 10, 0, tzinfo=LIMA), tick=False):
        html = client.get(detail_url(procedure)).content.decode()
    assert "Cerrado hoy: Inmaculada Concepción" in html
    assert "Abre el jueves 10 de diciembre a las 08:30" in html


def test_inactive_or_unknown_procedure_gives_the_friendly_404(client):
    inactive = ProcedureFactory(is_active=False)
    for url in [detail_url(inactive), "/tramites/no-existe/"]:
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "No encontramos esta página" in html
        assert 'action="/tramites/"' in html
