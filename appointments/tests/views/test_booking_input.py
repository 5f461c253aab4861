"""Junk at every step of the booking wizard: a Spanish message, a way back, never a 500."""

import re

import pytest
from django.test import Client

from appointments.models import Appointment
from appointments.services import slots_generate
from appointments.tests.factories import ScheduleFactory
from appointments.tests.pages import (
    BOOK_URL,
    CITIZEN_INPUT,
    DETAILS_URL,
    NEW_URL,
    details_page,
    fill,
    form_to,
    forms_in,
    review_page,
)
from appointments.tests.utils import slot_at
from centers.tests.factories import CenterFactory

pytestmark = pytest.mark.django_db

# --- Junk at every step: a Spanish message, a way back, never a 500 --------------------------------------------


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"procedure": "no-existe"}, 404, "No conocemos el trámite «no-existe»"),
        ({"procedure": "<script>alert(1)</script>"}, 404, "No conocemos el trámite «&lt;script&gt;"),
        ({"procedure": "x" * 500}, 404, "No conocemos el trámite"),
        ({"procedure": "dni\x00"}, 404, "No conocemos el trámite"),
        ({"center": "marte"}, 400, "Ese centro no ofrece citas para este trámite"),
        ({"center": "otro-centro"}, 400, "Ese centro no ofrece citas para este trámite"),
        ({"center": "{center}", "month": "2026-13"}, 400, "Elija un mes entre noviembre de 2026 y mayo de 2027"),
        ({"center": "{center}", "month": "abcd"}, 400, "Elija un mes entre"),
        ({"center": "{center}", "month": "2020-01"}, 400, "Elija un mes entre"),
        ({"center": "{center}", "month": "2031-01"}, 400, "Elija un mes entre"),
        ({"center": "{center}", "day": "mañana"}, 400, "«mañana» no es una fecha"),
        ({"center": "{center}", "day": "2026-02-30"}, 400, "no es una fecha"),
        ({"center": "{center}", "day": "2026-11-20"}, 400, "Las citas se reservan desde hoy hasta"),
        ({"center": "{center}", "day": "2099-01-01"}, 400, "Las citas se reservan desde hoy hasta"),
    ],
)
def test_junk_in_the_first_steps_gets_a_clear_message(client, schedule, procedure, center, params, status, message):
    CenterFactory(slug="otro-centro", name="Otro centro")
    query = {"procedure": procedure.slug} | {key: value.format(center=center.slug) for key, value in params.items()}
    response = client.get(NEW_URL, query)
    assert response.status_code == status
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert "<h1" in html  # the step itself, to choose again


def test_a_day_without_times_says_so(client, schedule, procedure, center):
    response = client.get(NEW_URL, {"procedure": procedure.slug, "center": center.slug, "day": "2026-12-05"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No hay citas el sábado 5 de diciembre de 2026" in html
    assert "Elegir otro día" in html


@pytest.mark.parametrize(
    ("slot", "status", "message"),
    [
        ("", 400, "Elija un horario."),
        ("abc", 400, "Ese horario no es uno de los de este día"),
        ("99999999", 400, "Ese horario no es uno de los de este día"),
        ("-1", 400, "Ese horario no es uno de los de este día"),
        ("{other_day}", 400, "Ese horario no es uno de los de este día"),
        ("{other_center}", 400, "Ese horario no es uno de los de este día"),
        ("{full}", 409, "Ese horario ya no está disponible"),
    ],
)
def test_a_wrong_time_gets_back_to_the_times(client, schedule, procedure, center, slot, status, message):
    other_center = ScheduleFactory(procedures=[procedure], rules=[(1, "08:30", "09:00")])
    slots_generate(schedule=other_center)
    full = slot_at(schedule, 2026, 12, 1, 10, 0)
    fill(full)
    value = slot.format(
        other_day=slot_at(schedule, 2026, 12, 2, 8, 30).pk,
        other_center=other_center.slots.first().pk,
        full=full.pk,
    )
    params = {"procedure": procedure.slug, "center": center.slug, "day": "2026-12-01", "slot": value}
    for response in (client.get(DETAILS_URL, params), client.post(DETAILS_URL, {**params, **CITIZEN_INPUT})):
        assert response.status_code == status
        html = response.content.decode()
        assert message in html
        assert "¿A qué hora?" in html


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"document_number": ""}, "document_number", "Ingrese su número de documento."),
        ({"document_number": "1011741"}, "document_number", "El DNI tiene 8 dígitos"),
        ({"document_number": "10117410-7"}, "document_number", "El carácter de verificación no corresponde"),
        ({"document_type": "ruc", "document_number": "20123456788"}, "document_number", "No es un RUC válido"),
        ({"document_type": "ce", "document_number": "ABC"}, "document_number", "carné de extranjería"),
        ({"document_type": "passport", "document_number": "12"}, "document_number", "pasaporte tiene de 5 a 20"),
        ({"document_type": "cedula"}, "document_type", "Elija un tipo de documento."),
        ({"full_name": "R2D2"}, "full_name", "El nombre solo puede tener letras"),
        ({"full_name": "  "}, "full_name", "Ingrese su nombre completo."),
        ({"email": "", "phone": ""}, "email", "Indique un correo electrónico o un celular"),
        ({"email": "rosa@"}, "email", "Ingrese un correo electrónico como nombre@ejemplo.com"),
        ({"phone": "(01) 311-2222"}, "phone", "Parece un teléfono fijo"),
        ({"phone": "12"}, "phone", "Ingrese un número de celular, por ejemplo 987 654 321."),
        ({"preferred_language": "klingon"}, "preferred_language", "Elija un idioma de la lista."),
        ({"priority_need": "vip"}, "priority_need", "Elija una opción de la lista."),
        ({"age_band": "30-44"}, "segmentation_consent", "Marque esta casilla si nos permite usar"),
        ({"segmentation_consent": "on", "gender": "x"}, "gender", "Elija una opción de la lista."),
        ({"consent": None}, "consent", "Lea y acepte las condiciones de tratamiento de datos personales."),
    ],
)
def test_citizen_data_errors_are_shown_next_to_each_field(client, schedule, procedure, center, typed, field, message):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    page = details_page(client, procedure, center, slot)

    response = form_to(page, DETAILS_URL).submit(client, **{**CITIZEN_INPUT, **typed})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="form-errors"' in html and "Corrija" in html  # the summary at the top, linking to the field
    assert f'href="#id_{field}"' in html
    error_block = html[html.index(f'id="id_{field}_error"') :][:600]
    assert message in error_block  # next to the field
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error\b', html)  # read out with the field
    assert not any(form.action == BOOK_URL for form in forms_in(response))  # the data page, not the review
    assert Appointment.objects.count() == 0


def test_the_invalid_field_is_described_by_its_error(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    response = form_to(details_page(client, procedure, center, slot), DETAILS_URL).submit(
        client, **{**CITIZEN_INPUT, "document_number": "123"}
    )
    html = response.content.decode()
    field = html[html.index('name="document_number"') - 300 : html.index('name="document_number"') + 400]
    assert 'aria-invalid="true"' in field
    assert "id_document_number_error" in field


@pytest.mark.parametrize(
    ("document_type", "number", "shown"),
    [
        ("dni", "10117410-2", "DNI 10117410"),
        ("ruc", "20131312955", "RUC 20131312955"),
        ("ce", "001234567", "Carné de extranjería 001234567"),
        ("passport", "ab 12345", "Pasaporte AB12345"),
    ],
)
def test_every_document_type_is_accepted(client, schedule, procedure, center, document_type, number, shown):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    review = review_page(client, procedure, center, slot, document_type=document_type, document_number=number)
    assert review.status_code == 200, review.content.decode()[:2000]
    assert shown in review.content.decode()
    assert form_to(review, BOOK_URL).submit(client, button="Confirmar y reservar").status_code == 303


def test_statistics_data_needs_its_own_consent_and_is_recorded_with_it(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    review = review_page(client, procedure, center, slot, segmentation_consent="on", age_band="30-44", gender="female")
    assert "30 a 44 años, Femenino" in review.content.decode()
    form_to(review, BOOK_URL).submit(client, button="Confirmar y reservar")
    appointment = Appointment.objects.get()
    assert appointment.segmentation_consent and appointment.age_band == "30-44" and appointment.gender == "female"


def test_correct_my_data_goes_back_to_the_filled_form(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    review = review_page(client, procedure, center, slot)
    edit_url = re.search(r'href="([^"]+)"[^>]*>Corregir mis datos<', review.content.decode())[1].replace("&amp;", "&")

    back = client.get(edit_url)

    assert back.status_code == 200
    html = back.content.decode()
    assert not any(form.action == BOOK_URL for form in forms_in(back))  # the data page, not the review
    assert 'value="Rosa María Quispe Mamani"' in html and 'value="10117410"' in html
    assert dict(form_to(back, DETAILS_URL).fields)["preferred_language"] == "qu"
    assert Appointment.objects.count() == 0


def test_going_back_from_the_review_keeps_the_data(client, schedule, procedure, center):
    """The browser's Back from the review reloads the data step (no-store): it shows this browser's draft."""
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    review_page(client, procedure, center, slot)

    back = details_page(client, procedure, center, slot)

    assert 'value="10117410"' in back.content.decode()
    assert 'value="10117410"' not in details_page(Client(), procedure, center, slot).content.decode()


def test_the_booking_post_with_junk_never_breaks(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    assert client.get(BOOK_URL).status_code == 405
    assert client.post(BOOK_URL, {}).status_code == 302  # no draft: back to the first step
    path = {"procedure": procedure.slug, "center": center.slug, "day": "2026-12-01", "slot": str(slot.pk)}
    # The data itself posted to the final step (no draft) books nothing: only a reviewed draft books.
    assert client.post(BOOK_URL, {**path, **CITIZEN_INPUT}).status_code == 302
    for junk in ["<>", "x" * 200, "a" * 22]:
        assert client.post(BOOK_URL, {"borrador": junk}).status_code == 302
    assert Appointment.objects.count() == 0
