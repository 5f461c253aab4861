"""The time-zone promise: a booking at 08:30 Lima is 08:30 everywhere (database, page filters, e-mail, SMS, .ics)."""

import datetime as dt
from decimal import Decimal

import icalendar
import pytest
from django.db import connection
from django.template import Context, Template
from django.utils import timezone

from appointments.documents import appointment_ics, appointment_qr_png, appointment_qr_svg, qr_content
from appointments.emails import appointment_email_build, appointment_sms_text
from appointments.formatting import fee_display
from appointments.tests.factories import appointment_create
from appointments.tests.utils import SLOT_START

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(frozen, slot, procedure):
    procedure.fee = Decimal("5.40")
    procedure.save()
    center = slot.center
    center.name, center.address, center.district = "Centro MAC Lima Norte", "Av. Alfredo Mendiola 1400", "Independencia"
    center.save()
    return appointment_create(slot=slot, n=1)


@pytest.mark.postgresql
def test_the_slot_is_stored_aware_and_in_utc(appointment):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT starts_at AT TIME ZONE 'UTC' FROM appointments_slot WHERE id = %s", [appointment.slot_id]
        )
        assert cursor.fetchone()[0] == dt.datetime(2026, 12, 1, 13, 30)
    assert appointment.slot.starts_at == SLOT_START


def test_pages_show_lima_time_even_under_another_active_time_zone(appointment):
    template = Template(
        "{% load booking %}{{ s|lima_when }} | {{ s|lima_time }} | {{ code|booking_code }} | {{ fee|fee }}"
    )
    with timezone.override("UTC"):
        rendered = template.render(
            Context({"s": appointment.slot.starts_at, "code": appointment.code, "fee": Decimal("5.40")})
        )
    assert rendered == f"martes 1 de diciembre de 2026, 08:30 | 08:30 | {appointment.code_display} | S/ 5.40"
    assert fee_display(Decimal("0.00")) == "Gratuito"


def test_the_confirmation_email_says_0830_lima_and_carries_everything(appointment):
    with timezone.override("UTC"):
        message = appointment_email_build(appointment=appointment, kind="confirmation")
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert "martes 1 de diciembre de 2026, 08:30" in body
        assert appointment.code_display in body
        assert "Av. Alfredo Mendiola 1400" in body
        assert "Pago de la tasa" in body and "Foto" in body  # the requirements checklist
        assert "S/ 5.40" in body
        assert "/citas/gestionar/acceso/?t=" in body and f"?codigo={appointment.code}" not in body
    assert message.subject == f"Su cita está reservada (código {appointment.code_display})"
    names = sorted(attachment.filename for attachment in message.attachments)
    assert names == [f"cita-{appointment.code}.ics", f"cita-{appointment.code}.png"]


def test_the_sms_says_0830(appointment):
    text = appointment_sms_text(appointment=appointment, kind="confirmation")
    assert text == (
        f"MAC: cita reservada, código {appointment.code_display}, 01/12/2026 08:30 en Centro MAC Lima Norte."
    )
    assert len(text) <= 160


def test_the_ics_event_is_at_0830_lima_at_the_center(appointment, settings):
    settings.APPOINTMENTS_ICS_UID_DOMAIN = "mac.gob.pe"
    raw = appointment_ics(appointment=appointment).decode()
    assert "DTSTART;TZID=America/Lima:20261201T083000" in raw
    assert "DTEND;TZID=America/Lima:20261201T090000" in raw
    assert "BEGIN:VTIMEZONE" in raw and "TZID:America/Lima" in raw
    calendar = icalendar.Calendar.from_ical(raw)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{appointment.code}@mac.gob.pe"
    assert event.decoded("DTSTART") == SLOT_START
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=-5)
    assert "Av. Alfredo Mendiola 1400" in str(event["LOCATION"])
    assert str(event["SUMMARY"]) == "Cita: Duplicado de DNI"
    assert "Pago de la tasa" in str(event["DESCRIPTION"])
    assert int(event["SEQUENCE"]) == 0


def test_the_qr_code_opens_the_appointment_page_and_keeps_the_code_readable(appointment, settings):
    settings.PORTAL_BASE_URL = "https://mac.example.gob.pe"
    assert qr_content(appointment) == f"https://mac.example.gob.pe/citas/gestionar/?codigo={appointment.code}"
    assert qr_content(appointment).endswith(appointment.code)  # the greeter's scanner reads it after codigo=


def test_the_calendar_file_says_fee_and_optional_requirements_as_the_site_does(appointment):
    from procedures.models import Requirement

    Requirement.objects.create(
        procedure=appointment.procedure, text="Carné de extranjería", is_optional=True, position=9
    )
    description = str(
        icalendar.Calendar.from_ical(appointment_ics(appointment=appointment)).walk("VEVENT")[0]["DESCRIPTION"]
    )
    assert "Tasa: S/ " in description and "Costo" not in description
    assert "- Carné de extranjería (solo en algunos casos)" in description


def test_qr_code_of_the_booking_code(appointment):
    png = appointment_qr_png(appointment=appointment)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = appointment_qr_svg(appointment=appointment)
    assert svg.startswith("<svg") and appointment.code_display in svg
