"""The citizen's booking in a real browser: the whole path without JavaScript, and every step (and an error state)
accessible (axe-core, WCAG 2.1 A/AA) and light on first load (under 100 KB gzip of HTML + CSS + JS)."""

import re
import secrets
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import Page, Route, expect

from .support import PageLoad, axe_violations, page_problems

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]

# The clock stands at Tuesday 10 March 2026, 10:00 in Lima (lima_weekday_morning): the first bookable time is
# the next morning's.
DAY = "2026-03-11"
DAY_LABEL = "miércoles 11 de marzo de 2026"
TIME_LABEL = "08:30–09:00"


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings):
    """The frozen clock puts every run in the same rate-limit window of the shared Redis, and every browser comes
    from 127.0.0.1: count this test's bookings and look-ups apart from earlier runs."""
    settings.RATE_LIMIT_NAMESPACE = secrets.token_hex(8)


def without_http_cache(page: Page) -> Page:
    """Every navigation then downloads its CSS and JS again, as on a first visit (Playwright turns the HTTP cache
    off while requests are routed), so each step is weighed as if the citizen had landed on it."""

    def pass_through(route: Route) -> None:
        route.continue_()

    page.route("**/*", pass_through)
    return page


def fill_citizen_data(page: Page, *, document_number: str) -> None:
    page.get_by_label("Número de documento").fill(document_number)
    page.get_by_label("Nombres y apellidos").fill("Rosa María Quispe Mamani")
    page.get_by_label("Correo electrónico").fill("rosa@example.pe")
    page.get_by_label("He leído las condiciones de tratamiento de datos personales y las acepto.").check()


def test_a_citizen_books_from_the_procedure_page_without_javascript(
    page_without_js: Page, live_server, catalog, schedule, slot, mailoutbox
):
    from appointments.models import Appointment

    page = page_without_js
    procedure = catalog["procedure"]
    page.goto(live_server.url + procedure.get_absolute_url())

    page.locator("main").get_by_role("link", name="Reservar cita").click()
    expect(page.get_by_text("Paso 2 de 6")).to_be_visible()
    page.get_by_role("link", name="Elegir un día aquí (Centro MAC Lima Norte)").click()

    expect(page.get_by_role("table", name="Marzo de 2026")).to_be_visible()
    page.get_by_role("link", name=re.compile(DAY_LABEL)).click()

    page.get_by_role("radio", name=re.compile(TIME_LABEL)).check()
    page.get_by_role("button", name="Continuar", exact=True).click()

    expect(page.get_by_role("heading", name="Sus datos", exact=True)).to_be_visible()
    fill_citizen_data(page, document_number="10117410")
    page.get_by_role("button", name="Continuar al resumen").click()

    expect(page.get_by_role("heading", name="Revise su cita antes de reservarla")).to_be_visible()
    expect(page.get_by_text("DNI 10117410")).to_be_visible()
    assert not Appointment.objects.exists()  # nothing is booked before the citizen confirms
    page.get_by_role("button", name="Confirmar y reservar").click()

    expect(page.get_by_role("heading", name="Su cita está reservada")).to_be_visible()
    appointment = Appointment.objects.get()
    assert appointment.slot_id == slot.pk and appointment.procedure_id == procedure.pk
    assert page.url == live_server.url + reverse("appointments:confirmation", kwargs={"code": appointment.code})
    assert page.locator(".booking-code").inner_text().strip() == appointment.code_display
    expect(page.get_by_text("Miércoles 11 de marzo de 2026, 08:30")).to_be_visible()
    expect(page.get_by_text("(hora de Lima)").first).to_be_visible()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["rosa@example.pe"]


def test_every_booking_step_is_accessible_and_light(page: Page, live_server, catalog, schedule):
    """The path with JavaScript on (axe needs it), each step reached as the citizen reaches it and checked whole:
    all problems of all steps are reported together."""
    page = without_http_cache(page)
    problems: list[str] = []

    load = PageLoad(page, live_server.url + reverse("appointments:new"))
    problems += page_problems(page, load, "procedure choice")
    page.get_by_label("Trámites con cita, por entidad").select_option(catalog["procedure"].slug)
    continue_button = page.get_by_role("button", name="Continuar", exact=True)

    load = PageLoad(page, "center", action=continue_button.click)
    problems += page_problems(page, load, "center")
    day_link = page.get_by_role("link", name="Elegir un día aquí (Centro MAC Lima Norte)")

    load = PageLoad(page, "month calendar", action=day_link.click)
    problems += page_problems(page, load, "month calendar")
    time_link = page.get_by_role("link", name=re.compile(DAY_LABEL))

    load = PageLoad(page, "day times", action=time_link.click)
    problems += page_problems(page, load, "day times")
    page.get_by_role("radio", name=re.compile(TIME_LABEL)).check()

    load = PageLoad(page, "data form", action=continue_button.click)
    problems += page_problems(page, load, "data form")
    fill_citizen_data(page, document_number="10117410")

    # The review booking.js shows on the data page: no request; the focus on its heading, its own title.
    page.get_by_role("button", name="Continuar al resumen").click()
    heading = page.get_by_role("heading", name="Revise su cita antes de reservarla")
    expect(heading).to_be_focused()
    expect(page).to_have_title(re.compile("^Revisar · "))
    expect(page.get_by_text("DNI 10117410")).to_be_visible()
    expect(page.get_by_role("button", name="Continuar al resumen")).to_be_hidden()
    problems += [f"review on the data page: WCAG 2.1 A/AA violation: {v}" for v in axe_violations(page)]
    page.get_by_role("button", name="Corregir mis datos").click()
    expect(page.get_by_label("Número de documento")).to_have_value("10117410")

    # The review page, as a browser without JavaScript reaches it (the form sent without the script's handler).
    load = PageLoad(
        page, "review page", action=lambda: page.evaluate("document.querySelector('form.citizen-form').submit()")
    )
    problems += page_problems(page, load, "review page")

    load = PageLoad(page, "confirmation", action=page.get_by_role("button", name="Confirmar y reservar").click)
    problems += page_problems(page, load, "confirmation")
    expect(page.get_by_role("heading", name="Su cita está reservada"), "the booking did not go through").to_be_visible()

    load = PageLoad(page, live_server.url + reverse("appointments:manage"))
    problems += page_problems(page, load, "appointment look-up")

    assert not problems, "\n".join(problems)


def test_an_invalid_dni_is_summarised_accessibly(page: Page, live_server, catalog, schedule, slot):
    from appointments.models import Appointment

    page = without_http_cache(page)
    query = urlencode({"procedure": catalog["procedure"].slug, "center": catalog["center"].slug, "day": DAY})
    page.goto(f"{live_server.url}{reverse('appointments:details')}?{query}&slot={slot.pk}")
    fill_citizen_data(page, document_number="10117410-7")  # the check character of 10117410 is 2

    # The browser's own checks pass, so booking.js shows its review; the server's check answers the confirmation.
    page.get_by_role("button", name="Continuar al resumen").click()
    load = PageLoad(
        page, "data form with an error", action=page.get_by_role("button", name="Confirmar y reservar").click
    )

    summary = page.get_by_role("alert").filter(has_text="Corrija 1 dato, por favor")
    expect(summary).to_be_visible()
    expect(summary.get_by_text("El carácter de verificación no corresponde")).to_be_visible()
    assert summary.get_by_role("link", name="Número de documento").get_attribute("href") == "#id_document_number"
    assert page.get_by_label("Número de documento").get_attribute("aria-invalid") == "true"
    problems = page_problems(page, load, "data form with an error", status=400)
    assert not problems, "\n".join(problems)
    assert not Appointment.objects.exists()
