"""The in-person channel end to end in Chromium: a walk-in takes a ticket at the kiosk, a counter agent calls and
serves it from the admin with the keyboard, and the waiting-room screen (another page) shows it being called —
live, without reloading. axe-core checks the kiosk, the printed ticket, its status page, the screen and the
staff screens."""

import pytest
from playwright.sync_api import Browser, expect

from attention.constants import DeviceKind, TicketStatus
from attention.models import Attention, Ticket
from attention.services import device_token_create
from attention.tests.factories import floor_create
from centers.constants import StaffRole
from centers.tests.factories import staff_user_create

from .support import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]


def assert_accessible(page, name):
    violations = axe_violations(page)
    assert not violations, f"{name}: " + "\n".join(violations)


def test_a_ticket_from_kiosk_to_finish_while_the_screen_calls_it(browser: Browser, live_server, lima_weekday_morning):
    floor = floor_create()
    _kiosk, kiosk_token = device_token_create(center=floor.center, kind=DeviceKind.KIOSK, name="Entrada")
    _screen, screen_token = device_token_create(center=floor.center, kind=DeviceKind.SCREEN, name="Sala")
    staff_user_create(role=StaffRole.SUPERVISOR, center=floor.center, username="supervisora")
    base = live_server.url

    kiosk = browser.new_context(locale="es-PE", viewport={"width": 1080, "height": 1920}).new_page()
    kiosk.goto(f"{base}/kiosko/{floor.center.slug}/?token={kiosk_token}")
    assert "token" not in kiosk.url
    assert_accessible(kiosk, "kiosk: procedures")
    kiosk.get_by_role("link", name="Duplicado de DNI").click()
    assert_accessible(kiosk, "kiosk: preferential attention")
    kiosk.get_by_role("button", name="No — deme mi ticket").click()
    code = kiosk.locator(".ticket-number").inner_text()
    assert code == "A-001"
    assert_accessible(kiosk, "printed ticket")
    kiosk.get_by_role("link", name="Ver el estado de mi ticket").click()
    expect(kiosk.get_by_role("status")).to_contain_text("0 personas antes que usted")
    assert_accessible(kiosk, "ticket status")

    screen = browser.new_context(locale="es-PE", viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(f"{base}/pantalla/{floor.center.slug}/?token={screen_token}")
    expect(screen.locator(".screen-newest")).to_contain_text("Bienvenido")
    assert_accessible(screen, "waiting-room screen (1080p)")

    staff = browser.new_context(locale="es-PE", viewport={"width": 1366, "height": 768}).new_page()
    staff.goto(f"{base}/admin/login/?next=/admin/attention/counterscreen/")
    staff.get_by_label("Nombre de usuario").fill("supervisora")
    staff.get_by_label("Contraseña").fill("password")
    staff.get_by_role("button", name="Iniciar sesión").click()
    staff.locator("#id_counter").select_option(label=str(floor.reniec_counter))
    staff.get_by_role("button", name="Abrir ventanilla").click()
    assert_accessible(staff, "counter screen (open)")
    staff.keyboard.press("n")  # call next
    expect(staff.locator(".screen-current")).to_contain_text(code)
    assert_accessible(staff, "counter screen (ticket called)")

    # The screen shows it within a few polls, without reloading (htmx), highlighted and announced.
    expect(screen.locator(".screen-newest")).to_contain_text(code, timeout=10_000)
    expect(screen.locator(".screen-newest")).to_contain_text("Ventanilla V-01")
    assert screen.locator('[aria-live="assertive"]').count() == 1

    staff.keyboard.press("s")  # start
    expect(staff.locator(".screen-current")).to_contain_text("En atención")
    staff.keyboard.press("f")  # finish (resolved)
    expect(staff.get_by_role("button", name="Llamar al siguiente (N)")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.FINISHED
    assert Attention.objects.get(ticket=ticket).outcome == "resolved"

    for path, name in [
        ("/admin/attention/greeterscreen/", "greeter screen"),
        ("/admin/attention/supervisionscreen/", "supervision screen"),
    ]:
        staff.goto(base + path)
        assert_accessible(staff, name)

    small = browser.new_context(locale="es-PE", viewport={"width": 1280, "height": 720}).new_page()
    small.goto(f"{base}/pantalla/{floor.center.slug}/?token={screen_token}")
    expect(small.locator(".screen-newest")).to_contain_text(code)
    assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing cut at 720p
    assert_accessible(small, "waiting-room screen (720p)")
