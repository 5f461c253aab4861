"""What a citizen's browser sees: accessible pages (axe-core, WCAG 2.1 A/AA), light on first load, usable without JS."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from .support import LIMA, PageLoad, axe_violations, page_problems

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]

# (name, path, expected status); {procedure} and {center} are filled with the catalog's slugs.
CITIZEN_PAGES = [
    ("home", "/", 200),
    ("catalog", "/tramites/", 200),
    ("search", "/tramites/?q=antecedentes", 200),
    ("procedure detail", "/tramites/{procedure}/", 200),
    ("centers", "/centros/", 200),
    ("center detail", "/centros/{center}/", 200),
    ("not found", "/tramites/no-existe-este-tramite/", 404),
]


@pytest.mark.parametrize(("name", "path", "status"), CITIZEN_PAGES, ids=[page[0] for page in CITIZEN_PAGES])
def test_citizen_page_is_accessible_and_light(page: Page, live_server, catalog, name, path, status):
    url = live_server.url + path.format(procedure=catalog["procedure"].slug, center=catalog["center"].slug)

    load = PageLoad(page, url)

    problems = page_problems(page, load, name, status=status)
    assert not problems, "\n".join(problems)


def test_pages_work_without_javascript(page_without_js: Page, live_server, catalog):
    """Home renders and its search form submits to the catalog, which lists the police-record certificate."""
    page = page_without_js
    response = page.goto(live_server.url + "/")
    assert response is not None and response.status == 200

    search_box = page.locator("form input[name='q']").first
    search_box.fill("antecedentes")
    with page.expect_navigation():
        search_box.press("Enter")

    address = urlsplit(page.url)
    assert address.path == "/tramites/"
    assert parse_qs(address.query).get("q") == ["antecedentes"]
    expect(page.get_by_role("link", name="Certificado de antecedentes policiales").first).to_be_visible()

    page.get_by_role("link", name="Certificado de antecedentes policiales").first.click()
    assert urlsplit(page.url).path == f"/tramites/{catalog['procedure'].slug}/"
    expect(page.get_by_text("S/ 5.40").first).to_be_visible()
    expect(page.get_by_text("DNI vigente").first).to_be_visible()


def test_center_page_without_javascript_shows_hours_and_status(page_without_js: Page, live_server, catalog):
    page = page_without_js
    response = page.goto(live_server.url + f"/centros/{catalog['center'].slug}/")
    assert response is not None and response.status == 200
    expect(page.get_by_text("Av. Alfredo Mendiola 1400").first).to_be_visible()
    expect(page.get_by_text("08:30").first).to_be_visible()


def test_closed_center_is_accessible_too(page: Page, live_server, catalog, time_machine):
    """The open/closed status changes colours and text: check the closed look as well (a Sunday evening)."""
    time_machine.move_to(dt.datetime(2026, 3, 8, 20, 0, tzinfo=LIMA), tick=True)
    load = PageLoad(page, live_server.url + f"/centros/{catalog['center'].slug}/")
    assert load.response.status == 200
    violations = axe_violations(page)
    assert not violations, "closed center: WCAG 2.1 A/AA violations:\n" + "\n".join(violations)
