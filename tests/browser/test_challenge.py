"""The adaptive challenge in a real browser: while bookings rush, the final step shows the interstitial, the vendored
ALTCHA widget solves the proof of work in a worker (no CDN), and Continue books; the page is accessible and light."""

import secrets
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from .support import PageLoad, page_problems
from .test_booking_pages import DAY, fill_citizen_data, without_http_cache

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]


@pytest.fixture(autouse=True)
def _rush(settings):
    settings.RATE_LIMIT_NAMESPACE = secrets.token_hex(8)
    settings.CHALLENGE_NETWORK_THRESHOLD = 1  # every booking is "a rush"
    settings.CHALLENGE_COST = 50  # a light proof of work: the test checks the protocol, not the phone's patience


def test_the_widget_solves_the_challenge_and_the_booking_goes_through(page: Page, live_server, catalog, schedule, slot):
    from appointments.models import Appointment

    page = without_http_cache(page)
    errors: list[str] = []
    console: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: errors.append(str(error)))
    query = urlencode({"procedure": catalog["procedure"].slug, "center": catalog["center"].slug, "day": DAY})
    page.goto(f"{live_server.url}{reverse('appointments:details')}?{query}&slot={slot.pk}")
    fill_citizen_data(page, document_number="10117410")
    page.get_by_role("button", name="Continuar al resumen").click()

    load = PageLoad(page, "challenge", action=page.get_by_role("button", name="Confirmar y reservar").click)

    expect(page.get_by_role("heading", name="Un momento, por favor")).to_be_visible()
    assert not Appointment.objects.exists()
    try:
        page.wait_for_function(
            "() => { const field = document.querySelector('input[name=altcha]'); return field && field.value; }",
            timeout=90_000,  # a loaded CI machine: the widget gets its time
        )
    except Exception as exc:
        state = page.evaluate("() => document.querySelector('altcha-widget')?.getState?.()")
        raise AssertionError(f"the widget did not solve the challenge ({state}); console: {console}") from exc
    assert page.locator("#challenge-wait").is_hidden()  # with JavaScript, no wait is asked for
    problems = page_problems(page, load, "challenge", status=429)
    page.get_by_role("button", name="Continuar", exact=True).click()

    expect(page.get_by_role("heading", name="Su cita está reservada")).to_be_visible()
    assert Appointment.objects.get().slot_id == slot.pk
    assert not problems, "\n".join(problems)
    # Chromium logs the interstitial's own 429 status as a console error; anything else is a real one.
    assert [error for error in errors if "status of 429" not in error] == []
