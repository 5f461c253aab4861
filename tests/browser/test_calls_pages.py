"""The phone line in Chromium: an operator takes a call, finds the procedure with the type-ahead, reads its
information, books an appointment for the caller (recorded as booked by phone) and logs the call — with the
keyboard where it helps, axe-core clean and within the Content-Security-Policy (htmx and the timer are static
files)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, expect

from appointments.constants import BookingChannel
from appointments.models import Appointment
from calls.constants import CallOutcome
from calls.models import Call
from calls.tests.factories import line_create, operator_create

from .support import totp_code
from .test_attention_pages import assert_accessible, new_page, press

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]


def test_an_operator_books_an_appointment_for_a_caller(browser: Browser, live_server, lima_weekday_morning):
    phone = line_create()
    operator = operator_create(phone.line, username="operadora")
    device = TOTPDevice.objects.create(user=operator, name="authenticator", confirmed=True)
    page = new_page(browser, viewport={"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/calls/operatorscreen/")
    page.get_by_label("Nombre de usuario").fill("operadora")
    page.get_by_label("Contraseña").fill("password")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/admin/otp/verify/**")
    page.fill("input[name=token]", totp_code(device))
    page.locator("input[type=submit]").click()
    expect(page.get_by_role("button", name="Atender una llamada (N)")).to_be_visible()
    assert_accessible(page, "operator screen (waiting)")

    press(page, "n")  # take the call: the timer runs, the search has the focus
    expect(page.locator("[data-call-timer]")).to_have_text("0:01", timeout=5_000)
    page.keyboard.type("record policial")  # the type-ahead answers while typing (htmx)
    page.locator("#typeahead-results").get_by_role("link", name="Certificado de antecedentes policiales").click()
    expect(page.get_by_role("heading", name="Requisitos")).to_be_visible()
    expect(page.locator("#info-title ~ .screen-columns")).to_contain_text("Pago de la tasa")
    expect(page.locator("#info-title ~ .screen-columns")).to_contain_text("Abierto ahora")

    centers = page.get_by_label("Centro", exact=True)
    expect(centers.locator("option")).to_have_text(
        ["Centro MAC Lima Norte — libre desde el mié 11 mar"], ignore_case=True
    )
    centers.select_option(value=str(phone.center.pk))
    page.get_by_label("Día", exact=True).fill("2026-03-11")
    page.get_by_role("button", name="Ver horas").first.click()
    page.get_by_label("08:30 (libres: 2)").check()
    page.get_by_label("Número de documento").first.fill("40000001")
    page.get_by_label("Nombres y apellidos").fill("Rosa Quispe Mamani")
    page.get_by_label("Celular").fill("987654321")
    page.get_by_label("Quien llama escuchó las condiciones de datos personales y las acepta.").check()
    assert_accessible(page, "operator screen (booking)")
    page.get_by_role("button", name="Reservar la cita").click()

    appointment = Appointment.objects.get()
    expect(page.locator(".messagelist")).to_contain_text(f"Cita reservada: código {appointment.code_display}")
    assert appointment.channel == BookingChannel.PHONE and appointment.center == phone.center
    assert appointment.notifications.filter(kind="confirmation", channel="sms").exists()
    expect(page.get_by_label("Cita reservada", exact=True)).to_be_checked()  # the call's outcome, pre-set
    assert_accessible(page, "operator screen (booked)")
    page.get_by_role("button", name="Registrar la llamada (F)").click()
    expect(page.locator(".messagelist")).to_contain_text("Llamada registrada: Cita reservada")
    call = Call.objects.get()
    assert (call.outcome, call.appointment, call.attention.channel) == (CallOutcome.BOOKED, appointment, "telefonico")
