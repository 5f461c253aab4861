"""The public service-point pages: where to go, when it is open, what is served there."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from centers.constants import Channel
from centers.tests.factories import (
    CenterFactory,
    ClosureFactory,
    CounterFactory,
    OfferingFactory,
    catalog_create,
)
from procedures.tests.factories import EntityFactory, ProcedureFactory

LIMA = ZoneInfo("America/Lima")
WEDNESDAY_10AM = dt.datetime(2026, 11, 25, 10, 0, tzinfo=LIMA)
SATURDAY_3PM = dt.datetime(2026, 11, 28, 15, 0, tzinfo=LIMA)
HOLIDAY_10AM = dt.datetime(2026, 12, 8, 10, 0, tzinfo=LIMA)  # Inmaculada Concepción, a Tuesday

pytestmark = pytest.mark.django_db


def at(moment, client, url):
    with time_machine.travel(moment, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def lima_norte():
    return CenterFactory(
        name="MAC Lima Norte",
        slug="lima-norte",
        address="Av. Alfredo Mendiola 1400",
        district="Independencia",
        province="Lima",
        region="Lima",
        phone="(01) 200-1000",
        email="limanorte@mac.gob.pe",
        hours=True,
    )


def test_center_list_shows_every_service_point_with_open_now(client, django_assert_max_num_queries):
    catalog_create(procedures=30, centers=5)
    CenterFactory(name="Línea MAC", channel=Channel.PHONE, phone="(01) 200-1010", hours=[(0, "08:00", "20:00")])
    CenterFactory(name="Portal gob.pe", channel=Channel.VIRTUAL, always_open=True)
    with time_machine.travel(WEDNESDAY_10AM, tick=False), django_assert_max_num_queries(5):
        response = client.get(reverse("centers:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Centros MAC y puntos de atención" in html
    assert html.count("Abierto ahora · cierra a las 20:30") == 5
    assert "Línea MAC" in html and "Cerrado ahora" in html and "Abre el lunes 30 de noviembre a las 08:00" in html
    assert "Portal gob.pe" in html and "Abierto ahora · las 24 horas" in html
    for heading in ("Presencial", "Telefónico", "Virtual"):
        assert f">{heading}</h2>" in html


def test_center_page_shows_address_contact_hours_and_what_is_served(client, lima_norte, django_assert_max_num_queries):
    reniec = EntityFactory(name="Registro Nacional de Identificación y Estado Civil", acronym="RENIEC", slug="reniec")
    bn = EntityFactory(name="Banco de la Nación", acronym="BN", slug="bn")
    sunat = EntityFactory(name="SUNAT", acronym="", slug="sunat")
    for name in ("Duplicado de DNI", "Rectificación de datos del DNI"):
        OfferingFactory(center=lima_norte, procedure=ProcedureFactory(entity=reniec, name=name))
    OfferingFactory(center=lima_norte, procedure=ProcedureFactory(entity=bn, name="Pago de tasas"))
    OfferingFactory(center=lima_norte, procedure=ProcedureFactory(entity=bn, name="Retirado"), is_active=False)
    CounterFactory(center=lima_norte, entity=sunat, languages=["es", "qu"])  # present by its counter only
    with time_machine.travel(WEDNESDAY_10AM, tick=False), django_assert_max_num_queries(8):
        response = client.get(lima_norte.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="h2">MAC Lima Norte</h1>' in html
    assert "Av. Alfredo Mendiola 1400" in html and "Independencia, Lima" in html
    assert '<a href="tel:012001000">(01) 200-1000</a>' in html
    assert "mailto:limanorte@mac.gob.pe" in html
    assert "Abierto ahora · cierra a las 20:30" in html
    assert '<tr class="today">' in html  # Wednesday's row stands out
    assert "Sábado" in html and "08:30–13:30" in html and "Domingo" in html and "Cerrado" in html
    assert "Español, Quechua" in html
    # Entities present: by offerings and by counters.
    for name in ("Registro Nacional de Identificación y Estado Civil", "Banco de la Nación", "SUNAT"):
        assert name in html
    # Procedures grouped by entity, inactive offerings hidden.
    assert "(2 trámites)" in html and "(1 trámite)" in html
    groups = html[html.index("Trámites que se ofrecen aquí") :]
    assert groups.index("Banco de la Nación") < groups.index("Pago de tasas") < groups.index("Registro Nacional")
    assert "Retirado" not in html


def test_center_closed_on_saturday_afternoon_shows_next_opening(client, lima_norte):
    html = at(SATURDAY_3PM, client, lima_norte.get_absolute_url())
    assert "Cerrado ahora" in html
    assert "Abre el lunes 30 de noviembre a las 08:30" in html


def test_center_opening_tomorrow_morning(client, lima_norte):
    html = at(dt.datetime(2026, 11, 25, 21, 0, tzinfo=LIMA), client, lima_norte.get_absolute_url())
    assert "Cerrado ahora" in html and "Abre mañana a las 08:30" in html


def test_center_on_a_national_holiday_says_why_and_when_it_reopens(client, lima_norte):
    html = at(HOLIDAY_10AM, client, lima_norte.get_absolute_url())
    assert "Cerrado hoy: Inmaculada Concepción" in html
    assert "Abre el jueves 10 de diciembre a las 08:30" in html
    assert "Próximos cierres" in html and "Batalla de Ayacucho" in html


def test_center_closure_is_shown_today_and_ahead(client, lima_norte):
    ClosureFactory(center=lima_norte, date=dt.date(2026, 11, 25), reason="Fumigación del local")
    ClosureFactory(center=lima_norte, date=dt.date(2026, 11, 29), reason="Domingo: no cuenta")  # closed anyway
    html = at(WEDNESDAY_10AM, client, lima_norte.get_absolute_url())
    assert "Cerrado hoy: Fumigación del local" in html
    assert "Abre mañana a las 08:30" in html
    assert "Próximos cierres" in html and "Miércoles 25/11/2026" in html
    assert "Domingo: no cuenta" not in html


def test_center_closure_on_the_list_and_home(client, lima_norte):
    ClosureFactory(center=lima_norte, date=dt.date(2026, 11, 25), reason="Simulacro de sismo")
    assert "Cerrado hoy: Simulacro de sismo" in at(WEDNESDAY_10AM, client, reverse("centers:list"))
    assert "Cerrado hoy: Simulacro de sismo" in at(WEDNESDAY_10AM, client, reverse("home"))


def test_unknown_or_inactive_center_gives_the_friendly_404(client):
    inactive = CenterFactory(is_active=False)
    for url in [inactive.get_absolute_url(), "/centros/no-existe/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "No encontramos esta página" in response.content.decode()


def test_a_center_page_is_short_with_a_map_link_and_book_here(client):
    from decimal import Decimal

    from centers.tests.factories import OfferingFactory
    from procedures.constants import AppointmentPolicy
    from procedures.tests.factories import EntityFactory, ProcedureFactory

    center = CenterFactory(
        name="Centro MAC Callao", address="Av. Guardia Chalaca 1803", latitude=Decimal("-12.056"), longitude=None
    )
    bookable = ProcedureFactory(name="Duplicado de DNI", appointment_policy=AppointmentPolicy.REQUIRED)
    walk_in = ProcedureFactory(name="Pago de tasas", appointment_policy=AppointmentPolicy.WALK_IN)
    for procedure in (bookable, walk_in):
        OfferingFactory(center=center, procedure=procedure)
    for n in range(20):
        OfferingFactory(center=center, procedure=ProcedureFactory(entity=EntityFactory(name=f"Entidad {n}")))

    html = client.get(center.get_absolute_url()).content.decode()

    # No coordinates pair: the map link searches the address (a plain link, no embedded map).
    assert 'href="https://www.openstreetmap.org/search?query=Av.+Guardia+Chalaca+1803' in html
    assert "<iframe" not in html
    assert 'href="#book-here">Reservar cita aquí</a>' in html
    assert f'href="/citas/nueva/?procedure={bookable.slug}&amp;center={center.slug}">Duplicado de DNI</a>' in html
    assert f"?procedure={walk_in.slug}&amp;center=" not in html
    # The entities fold away: the page does not start with 20 buttons.
    assert "22 entidades atienden aquí" in html
    assert 'class="entity-links"' not in html
