"""The complaints book in a citizen's browser: accessible (axe-core, WCAG 2.1 A/AA) on every step, with and without
errors, and filed and looked up without JavaScript on a 320 px wide phone."""

import pytest
from playwright.sync_api import Page, expect

from .support import PageLoad, axe_violations, page_problems

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]


@pytest.fixture
def attachments_dir(settings, tmp_path):
    settings.COMPLAINTS_ATTACHMENTS_DIR = str(tmp_path / "attachments")


@pytest.mark.parametrize("path", ["/reclamos/", "/reclamos/consulta/"])
def test_complaint_pages_are_accessible(page: Page, live_server, catalog, path):
    load = PageLoad(page, live_server.url + path)
    problems = page_problems(page, load, path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("javascript", [False, True], ids=["without JavaScript", "with JavaScript and axe"])
def test_file_and_look_up_at_320px(browser, live_server, catalog, attachments_dir, javascript):
    """The whole path on a 320 px phone: a mistake, the filing, the tracking code, the status. Without JavaScript it
    must work; with it, axe-core checks every page on the way (axe needs JavaScript to run)."""
    context = browser.new_context(
        java_script_enabled=javascript, locale="es-PE", viewport={"width": 320, "height": 640}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()

    def check(name: str) -> None:
        # Measure the page as shown: after its stylesheets loaded (a visible text can come before them).
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, f"{name}: sideways scrolling"
        if javascript:
            assert axe_violations(page) == [], name

    try:
        page.goto(live_server.url + "/reclamos/")
        check("form")

        # A first try with mistakes: the messages show, and what was typed stays.
        page.get_by_label("¿Qué pasó?").fill("Mal")
        page.get_by_role("button", name="Presentar mi reclamo").click()
        expect(page.get_by_text("Cuéntenos un poco más sobre lo que pasó").first).to_be_visible()
        check("form with errors")

        page.get_by_label("¿Dónde lo atendieron?").select_option(label="Centro MAC Lima Norte")
        page.get_by_label("Entidad a la que se refiere su reclamo").select_option(
            label="Ministerio del Interior (MININTER)"
        )
        page.get_by_label("Tiempo de espera").check()
        page.get_by_label("¿Qué pasó?").fill("Esperé tres horas y nadie me llamó a la ventanilla de antecedentes.")
        page.get_by_label("¿Qué solicita?").fill("Que respeten el orden de los turnos.")
        page.get_by_label("Número de documento").fill("10117410")
        page.get_by_label("Nombres y apellidos").fill("Rosa Quispe Mamani")
        page.get_by_label("Correo electrónico").fill("rosa@example.com")
        page.get_by_label("Acepto que mis datos se usen").check()
        page.get_by_role("button", name="Presentar mi reclamo").click()

        expect(page.get_by_role("heading", name="Su reclamo fue registrado")).to_be_visible()
        code = page.locator("strong").first.inner_text().strip()
        assert len(code) == 11 and code[5] == "-"
        check("tracking code")

        page.get_by_role("link", name="Ver el estado de un reclamo").click()
        page.get_by_label("Código de seguimiento").fill(code)
        page.get_by_label("Número de documento").fill("10117410")
        page.get_by_role("button", name="Ver el estado").click()
        expect(page.get_by_text("Recibido, pendiente de respuesta")).to_be_visible()
        check("status")
    finally:
        context.close()
