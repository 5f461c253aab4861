"""Issue 12 tried again the way a citizen met it: on a 360 × 800 phone, with JavaScript on and off.

1. "change or cancel my appointment" is in reach from every page; 2. after a failed submit the error summary is on
screen (and focused with JavaScript); 3. Back after booking never resends the form nor books again, and Back from
the review keeps the data; 6. the day step shows free days without scrolling, "Continuar" stays next to the times
and a time never wraps.
"""

import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from .support import axe_violations
from .test_booking_pages import DAY, DAY_LABEL, TIME_LABEL, fill_citizen_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]

PHONE = {"width": 360, "height": 800}


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(request, browser: Browser) -> Iterator[Page]:
    """A 360 px phone, with JavaScript on and then off."""
    context = browser.new_context(
        java_script_enabled=request.param, locale="es-PE", timezone_id="America/Lima", viewport=PHONE
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.js_enabled = request.param  # type: ignore[attr-defined]
    yield page
    context.close()


def on_screen(page: Page, selector: str) -> bool:
    """The element's box is inside the visible viewport (not below the fold)."""
    box = page.locator(selector).first.bounding_box()  # relative to the viewport's top-left, whatever the scroll
    if box is None:
        return False
    return box["y"] >= 0 and box["y"] + min(box["height"], 40) <= PHONE["height"]


def test_1_change_or_cancel_is_in_reach_from_home_and_the_booking_flow(phone: Page, live_server, catalog, schedule):
    phone.goto(live_server.url + "/")
    menu_link = phone.get_by_role("navigation", name="Menú principal").get_by_role("link", name="Mi cita")
    expect(menu_link).to_be_visible()
    assert on_screen(phone, ".site-nav a[href='/citas/gestionar/']")
    assert phone.locator(".site-header").bounding_box()["height"] <= 120  # was a quarter of the screen
    expect(phone.get_by_role("link", name="Reservar cita", exact=True).first).to_be_visible()
    assert phone.locator("footer").get_by_role("link", name="Cambiar o anular mi cita").count() == 1

    phone.goto(live_server.url + reverse("appointments:new"))
    phone.locator("main").get_by_role("link", name="Cambiar o anular mi cita").click()
    assert phone.url == live_server.url + reverse("appointments:manage")
    expect(phone.get_by_label("Código de cita")).to_be_visible()


def test_2_the_error_summary_is_on_screen_after_a_failed_submit(phone: Page, live_server, catalog, schedule, slot):
    query = urlencode({"procedure": catalog["procedure"].slug, "center": catalog["center"].slug, "day": DAY})
    phone.goto(f"{live_server.url}{reverse('appointments:details')}?{query}&slot={slot.pk}")
    fill_citizen_data(phone, document_number="10117410-7")  # the check character of 10117410 is 2

    phone.get_by_role("button", name="Continuar al resumen").click()
    if phone.js_enabled:  # type: ignore[attr-defined]
        # The review is shown on the page (booking.js) once the browser's own checks pass; the server checks the
        # rest when the citizen confirms, and answers with the same page of errors, nothing booked.
        expect(phone.get_by_role("heading", name="Revise su cita antes de reservarla")).to_be_visible()
        phone.get_by_role("button", name="Confirmar y reservar").click()
    phone.wait_for_load_state("load")

    summary = phone.get_by_role("alert").filter(has_text="Corrija 1 dato, por favor")
    expect(summary).to_be_visible()
    assert on_screen(phone, "#form-errors"), phone.locator("#form-errors").bounding_box()
    if phone.js_enabled:  # type: ignore[attr-defined]
        assert phone.evaluate("() => document.activeElement.id") == "form-errors"


def test_3_back_after_booking_never_resubmits_nor_books_again(phone: Page, live_server, catalog, schedule, slot):
    from appointments.models import Appointment

    query = urlencode({"procedure": catalog["procedure"].slug, "center": catalog["center"].slug, "day": DAY})
    phone.goto(f"{live_server.url}{reverse('appointments:details')}?{query}&slot={slot.pk}")
    posts: list[str] = []
    phone.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    fill_citizen_data(phone, document_number="10117410")
    phone.get_by_role("button", name="Continuar al resumen").click()
    expect(phone.get_by_role("heading", name="Revise su cita antes de reservarla")).to_be_visible()
    review_url = phone.url
    # With JavaScript the review is on the data page: no request yet; without, the data step's POST led to it.
    assert len(posts) == (0 if phone.js_enabled else 1)  # type: ignore[attr-defined]

    # Back from the review: the data is still there.
    phone.go_back()
    assert phone.get_by_label("Número de documento").input_value() == "10117410"
    phone.go_forward()
    assert phone.url == review_url

    phone.get_by_role("button", name="Confirmar y reservar").click()
    expect(phone.get_by_role("heading", name="Su cita está reservada")).to_be_visible()
    confirmation_url = phone.url
    # With JavaScript one request booked (the data step's POST, confirmed on its page); without, two.
    assert [url.removeprefix(live_server.url) for url in posts] == (
        [reverse("appointments:details")]
        if phone.js_enabled  # type: ignore[attr-defined]
        else [reverse("appointments:details"), reverse("appointments:book")]
    )

    # Back: the review (the page's address, with JavaScript) leads to the same confirmation once its draft has booked
    # (no "Confirm Form Resubmission", no second booking, no "that time is no longer available").
    response = phone.go_back()
    assert response is None or response.request.method == "GET"
    assert phone.url == confirmation_url
    expect(phone.get_by_role("heading", name="Su cita está reservada")).to_be_visible()
    phone.reload()
    assert Appointment.objects.count() == 1


def test_6_free_days_first_continue_next_to_the_times_and_times_on_one_line(
    phone: Page, live_server, catalog, schedule
):
    url = (
        reverse("appointments:new")
        + "?"
        + urlencode({"procedure": catalog["procedure"].slug, "center": catalog["center"].slug})
    )
    phone.goto(live_server.url + url)

    first_free = phone.locator(".next-free-days a").first
    expect(first_free).to_be_visible()
    assert on_screen(phone, ".next-free-days a")
    assert re.search(DAY_LABEL, first_free.inner_text(), re.IGNORECASE)
    first_free.click()

    phone.get_by_role("radio", name=re.compile(TIME_LABEL)).check()
    assert on_screen(phone, ".slot-submit button"), "Continuar is next to the times, on screen"
    for box in phone.locator(".slot-time").evaluate_all(
        "times => times.map(t => [t.getBoundingClientRect().height, parseFloat(getComputedStyle(t).lineHeight)])"
    ):
        height, line = box
        assert height < line * 1.5, "a time wrapped onto two lines"
    phone.get_by_role("button", name="Continuar", exact=True).click()
    expect(phone.get_by_role("heading", name="Sus datos", exact=True)).to_be_visible()


def test_the_new_and_changed_pages_have_no_accessibility_violations(page: Page, live_server, catalog, schedule):
    """The API docs (our Swagger UI template), a walk-in answer of the booking search, and the data step."""
    page.set_viewport_size(PHONE)
    problems = []
    for name, path in [
        ("api docs", "/api/docs/"),
        ("walk-in search", reverse("appointments:new") + "?q=pago+de+tasas"),
        ("center", f"/centros/{catalog['center'].slug}/"),
    ]:
        page.goto(live_server.url + path, wait_until="load")
        if name == "api docs":
            page.locator(".swagger-ui .info").wait_for()
        assert page.locator("html").get_attribute("lang"), name
        problems += [f"{name}: {violation}" for violation in axe_violations(page)]
    assert not problems, "\n".join(problems)
