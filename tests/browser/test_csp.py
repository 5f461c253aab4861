"""The Content-Security-Policy in a real browser: citizen pages, the admin (login, two-step verification, changelist,
change form, the appointments' day sheet) and the API docs render without a single violation."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import ConsoleMessage, Page, expect

from centers.tests.factories import CenterFactory, CounterFactory, OfferingFactory
from procedures.tests.factories import PoliceCertificateFactory

from .support import CSP_LISTENER, csp_violations, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]

PASSWORD = "una-clave-larga-de-prueba"


class Violations:
    """What the browser reported against the policy: securitypolicyviolation events and console errors."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(CSP_LISTENER)
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(message.text)

    def check(self, name: str) -> list[str]:
        self.page.wait_for_load_state("load")
        events = csp_violations(self.page)
        found = [f"{name}: {event}" for event in events] + [f"{name}: console: {text}" for text in self.console]
        self.console.clear()
        return found


@pytest.fixture
def violations(page: Page) -> Iterator[Violations]:
    yield Violations(page)


def test_pages_render_without_csp_violations(page: Page, violations: Violations, live_server):
    procedure = PoliceCertificateFactory()
    center = CenterFactory(code="MAC-LN", name="Centro MAC Lima Norte", hours=True)
    OfferingFactory(center=center, procedure=procedure)
    CounterFactory(center=center, label="V-01", entity=procedure.entity, procedures=[procedure])
    user = User.objects.create_superuser("jefa", "jefa@mac.gob.pe", PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    problems: list[str] = []

    for name, path in [("home", "/"), ("procedure", f"/tramites/{procedure.slug}/"), ("booking", "/citas/nueva/")]:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert response.headers.get("content-security-policy"), path
        problems += violations.check(name)

    page.goto(live_server.url + "/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "MAC Portal API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()
    problems += violations.check("API docs")

    # The admin: password, then the authenticator's code, then its pages.
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    problems += violations.check("admin login")
    page.fill("input[name=username]", "jefa")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "/admin/otp/verify/" in page.url
    problems += violations.check("two-step verification")
    page.fill("input[name=token]", totp_code(device))
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert page.url.endswith("/admin/"), page.url
    problems += violations.check("admin index")

    admin_pages = [
        ("center changelist", "/admin/centers/center/"),
        ("center change form", f"/admin/centers/center/{center.pk}/change/"),
        ("procedure change form", f"/admin/procedures/procedure/{procedure.pk}/change/"),
        ("user change form", f"/admin/auth/user/{user.pk}/change/"),
        ("appointments", "/admin/appointments/appointment/"),
        ("day sheet", f"/admin/appointments/daysheet/?center={center.pk}"),
    ]
    for name, path in admin_pages:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        problems += violations.check(name)
    # The admin's own scripts ran (a change form's inlines and widgets work under the policy).
    page.goto(live_server.url + f"/admin/centers/center/{center.pk}/change/")
    expect(page.locator(".add-row a").first).to_be_visible()
    problems += violations.check("center change form (scripts)")

    assert problems == [], "\n".join(problems)


def test_enrolment_page_shows_its_qr_code_without_csp_violations(page: Page, violations: Violations, live_server):
    User.objects.create_superuser("nuevo", "nuevo@mac.gob.pe", PASSWORD)
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("input[name=username]", "nuevo")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "/admin/otp/enrol/" in page.url
    expect(page.locator(".otp-qr svg")).to_be_visible()
    device = TOTPDevice.objects.get(user__username="nuevo", confirmed=False)
    page.fill("input[name=token]", totp_code(device))
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert page.locator(".otp-codes li").count() == 10
    problems = violations.check("enrolment")
    page.click("text=continuar")
    assert page.url.endswith("/admin/")
    problems += violations.check("admin after enrolment")
    assert problems == [], "\n".join(problems)
