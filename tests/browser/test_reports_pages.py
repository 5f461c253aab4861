"""The analysts' pages in Chromium: an analyst signs in (two-step), reads /reportes/ and a yearly bulletin;
axe-core finds no WCAG 2.1 A/AA violation and nothing breaks the Content-Security-Policy (charts are SVG, no
script)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, expect

from centers.constants import StaffRole
from centers.tests.factories import staff_user_create
from reports.tests.utils import attention_create, lima, summary_refresh, world_create

from .support import CSP_LISTENER, axe_violations, csp_violations, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]


def test_analyst_reads_indicators_and_a_bulletin(browser: Browser, live_server):
    world = world_create()
    for day in range(1, 13):
        attention_create(center=world.north, procedure=world.dni, issued=lima(2016, 3, day, 9), wait=day)
    attention_create(center=world.callao, procedure=world.company, issued=lima(2016, 5, 2, 10), wait=5)
    summary_refresh()
    analyst = staff_user_create(role=StaffRole.ANALYST, username="analista")
    device = TOTPDevice.objects.create(user=analyst, name="authenticator", confirmed=True)
    context = browser.new_context(locale="es-PE", viewport={"width": 1366, "height": 900})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    base = live_server.url

    page.goto(f"{base}/admin/login/?next=/admin/")
    page.get_by_label("Nombre de usuario").fill("analista")
    page.get_by_label("Contraseña").fill("password")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/admin/otp/verify/**")
    page.fill("input[name=token]", totp_code(device))
    page.locator("input[type=submit]").click()

    page.goto(f"{base}/reportes/?start=2016-01-01&end=2016-12-31")
    expect(page.get_by_role("heading", name="Indicadores", exact=True)).to_be_visible()
    expect(page.locator("#centers table")).to_contain_text("Centro MAC Lima Norte")
    assert page.locator("svg[role=img]").count() >= 5
    violations = axe_violations(page) + [f"CSP: {v}" for v in csp_violations(page)]
    assert not violations, "\n".join(violations)

    page.get_by_role("link", name="Centro MAC Lima Norte").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("boletín anual 2016")
    violations = axe_violations(page) + [f"CSP: {v}" for v in csp_violations(page)]
    assert not violations, "\n".join(violations)
