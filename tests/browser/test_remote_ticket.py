"""Remote tickets and itineraries in Chromium: a citizen joins a center's line from a phone without JavaScript (the
status page refreshes itself), then leaves the line; with JavaScript, the join page and the status page of a visit
of two steps pass axe-core and keep the Content-Security-Policy."""

import pytest
from playwright.sync_api import Browser, Page, expect

from attention.constants import TicketStatus
from attention.links import ticket_status_path
from attention.models import Ticket
from attention.services import visit_issue
from attention.tests.factories import floor_create, remote_enable
from centers.tests.factories import OfferingFactory
from procedures.tests.factories import EntityFactory, ProcedureFactory

from .support import CSP_LISTENER
from .test_attention_pages import assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]


def test_join_from_a_phone_without_javascript_and_leave_the_line(
    page_without_js: Page, live_server, lima_weekday_morning
):
    floor = floor_create()
    remote_enable(center=floor.center, procedure=floor.dni)
    page = page_without_js
    page.goto(f"{live_server.url}/fila/{floor.center.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Haga la fila desde su celular")
    page.get_by_label("Duplicado de DNI").check()
    page.get_by_label("Número de documento").fill("10117410")
    page.get_by_label("Celular").fill("987 654 321")
    page.get_by_role("button", name="Obtener mi ticket").click()
    expect(page.get_by_role("status")).to_contain_text("0 personas antes que usted")
    assert page.locator('meta[http-equiv="refresh"]').count() == 1  # without JavaScript, it refreshes itself
    ticket = Ticket.objects.get()
    assert ticket.joined_remotely and ticket.contact_phone == "+51987654321"
    page.get_by_role("button", name="Dejar la fila (cancelar mi ticket)").click()
    expect(page.get_by_role("status")).to_contain_text("Usted dejó la fila")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CANCELLED and ticket.contact_phone == ""


def test_the_join_page_and_a_visits_status_page_are_accessible(browser: Browser, live_server, lima_weekday_morning):
    floor = floor_create()
    remote_enable(center=floor.center, procedure=floor.dni)
    bank = EntityFactory(name="Banco de la Nación", acronym="BN", slug="banco-de-la-nacion")
    payment = ProcedureFactory(entity=bank, name="Pago de tasas")
    OfferingFactory(center=floor.center, procedure=payment)
    floor.dni.paid_first_at = payment
    floor.dni.save(update_fields=["paid_first_at"])
    context = browser.new_context(locale="es-PE", timezone_id="America/Lima", viewport={"width": 390, "height": 844})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()

    page.goto(f"{live_server.url}/fila/{floor.center.slug}/")
    assert_accessible(page, "remote join page")
    page.get_by_role("button", name="Obtener mi ticket").click()  # nothing filled in: the errors
    expect(page.get_by_role("alert").first).to_contain_text("Revise los datos")
    assert_accessible(page, "remote join page with errors")

    visit = visit_issue(center=floor.center, procedures=[floor.dni])
    page.goto(live_server.url + ticket_status_path(visit))
    expect(page.get_by_role("status")).to_contain_text("Siguiente paso: RENIEC — Duplicado de DNI")
    assert_accessible(page, "status page of a visit of two steps")
    context.close()
