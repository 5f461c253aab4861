"""The in-person channel end to end in Chromium: a walk-in takes a ticket at the kiosk, a counter agent calls and
serves it from the admin with the keyboard, and the waiting-room screen (another page) shows it being called —
live, without reloading. axe-core checks the kiosk, the printed ticket, its status page, the screen and the
staff screens, and none of them breaks the Content-Security-Policy (htmx and the chime run from static files)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from attention.constants import DeviceKind, TicketStatus
from attention.models import Attention, Ticket
from attention.services import device_token_create
from attention.tests.factories import floor_create
from centers.constants import StaffRole
from centers.tests.factories import staff_user_create

from .support import CSP_LISTENER, axe_violations, csp_violations, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]


def assert_accessible(page: Page, name: str) -> None:
    """No WCAG 2.1 A/AA violation, and no Content-Security-Policy violation since the page loaded."""
    violations = axe_violations(page) + [f"CSP: {violation}" for violation in csp_violations(page)]
    assert not violations, f"{name}: " + "\n".join(violations)


def press(page: Page, key: str) -> None:
    """A counter shortcut, once the page's deferred shortcut script listens (a key pressed before is lost)."""
    page.wait_for_load_state("load")
    page.keyboard.press(key)


def new_page(browser: Browser, **options) -> Page:
    context = browser.new_context(locale="es-PE", **options)
    context.add_init_script(CSP_LISTENER)
    return context.new_page()


def test_a_ticket_from_kiosk_to_finish_while_the_screen_calls_it(browser: Browser, live_server, lima_weekday_morning):
    floor = floor_create()
    _kiosk, kiosk_token = device_token_create(center=floor.center, kind=DeviceKind.KIOSK, name="Entrada")
    _screen, screen_token = device_token_create(center=floor.center, kind=DeviceKind.SCREEN, name="Sala")
    supervisor = staff_user_create(role=StaffRole.SUPERVISOR, center=floor.center, username="supervisora")
    device = TOTPDevice.objects.create(user=supervisor, name="authenticator", confirmed=True)
    base = live_server.url

    kiosk = new_page(browser, viewport={"width": 1080, "height": 1920})
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

    screen = new_page(browser, viewport={"width": 1920, "height": 1080})
    screen.goto(f"{base}/pantalla/{floor.center.slug}/?token={screen_token}")
    expect(screen.locator(".screen-newest")).to_contain_text("Bienvenido")
    assert_accessible(screen, "waiting-room screen (1080p)")

    staff = new_page(browser, viewport={"width": 1366, "height": 768})
    staff.goto(f"{base}/admin/login/?next=/admin/attention/counterscreen/")
    staff.get_by_label("Nombre de usuario").fill("supervisora")
    staff.get_by_label("Contraseña").fill("password")
    staff.get_by_role("button", name="Iniciar sesión").click()
    staff.wait_for_url("**/admin/otp/verify/**")  # two-step verification: the authenticator's code
    staff.fill("input[name=token]", totp_code(device))
    staff.locator("input[type=submit]").click()
    staff.locator("#id_counter").select_option(label=str(floor.reniec_counter))
    staff.get_by_role("button", name="Abrir ventanilla").click()
    assert_accessible(staff, "counter screen (open)")
    press(staff, "n")  # call next
    expect(staff.locator(".screen-current")).to_contain_text(code)
    assert_accessible(staff, "counter screen (ticket called)")

    # The screen shows it within a few polls, without reloading (htmx), highlighted and announced.
    expect(screen.locator(".screen-newest")).to_contain_text(code, timeout=10_000)
    expect(screen.locator(".screen-newest")).to_contain_text("Ventanilla V-01")
    assert screen.locator('[aria-live="assertive"]').count() == 1

    press(staff, "s")  # start
    expect(staff.locator(".screen-current")).to_contain_text("En atención")
    press(staff, "f")  # finish (resolved)
    expect(staff.get_by_role("button", name="Llamar al siguiente (N)")).to_be_visible(timeout=10_000)
    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.FINISHED
    assert Attention.objects.get(ticket=ticket).outcome == "resolved"

    for path, name in [
        ("/admin/attention/greeterscreen/", "greeter screen"),
        ("/admin/attention/supervisionscreen/", "supervision screen"),
    ]:
        staff.goto(base + path)
        assert_accessible(staff, name)

    small = new_page(browser, viewport={"width": 1280, "height": 720})
    small.goto(f"{base}/pantalla/{floor.center.slug}/?token={screen_token}")
    expect(small.locator(".screen-newest")).to_contain_text(code)
    assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing cut at 720p
    assert_accessible(small, "waiting-room screen (720p)")
