"""The satisfaction survey in Chromium: answered at 320 px with and without JavaScript, a mistake shown and fixed,
the thanks page and the opt-out page; axe-core finds no WCAG 2.1 A/AA violation and nothing breaks the
Content-Security-Policy."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from attention.constants import Outcome
from attention.models import Attention
from attention.tests.factories import floor_create
from surveys.models import Response
from surveys.services import invitation_onsite, survey_defaults_create
from surveys.tokens import invitation_token

from .support import CSP_LISTENER, axe_violations, csp_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]


def assert_accessible(page: Page, name: str) -> None:
    violations = axe_violations(page) + [f"CSP: {violation}" for violation in csp_violations(page)]
    assert not violations, f"{name}: " + "\n".join(violations)


def _survey_url(base: str) -> str:
    survey_defaults_create()
    floor = floor_create()
    now = timezone.now()
    attention = Attention.objects.create(
        center=floor.center,
        service_day=timezone.localdate(now),
        procedure=floor.dni,
        counter=floor.reniec_counter,
        issued_at=now - dt.timedelta(minutes=20),
        finished_at=now,
        outcome=Outcome.RESOLVED,
    )
    invitation = invitation_onsite(attention=attention)
    return f"{base}/encuesta/{invitation_token(invitation_id=invitation.pk, nonce=invitation.nonce)}/"


def _fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _answer_all(page: Page, expectation: str, perception: str) -> None:
    for question in page.locator("fieldset.survey-question").all():
        question.locator("fieldset.survey-scale").nth(0).get_by_label(expectation, exact=True).check()
        question.locator("fieldset.survey-scale").nth(1).get_by_label(perception, exact=True).check()


def test_answering_on_a_phone_with_a_mistake_first(browser: Browser, live_server, lima_weekday_morning):
    url = _survey_url(live_server.url)
    context = browser.new_context(locale="es-PE", viewport={"width": 320, "height": 640})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.goto(url)
    assert _fits(page)
    assert_accessible(page, "survey")
    page.get_by_role("button", name="Enviar mis respuestas").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert "Responda cada pregunta con un número del 1 al 7." in page.content()
    assert_accessible(page, "survey with errors")
    _answer_all(page, "5", "6")
    page.get_by_label("¿Algo más que quiera contarnos? (opcional)").fill("Todo bien")
    page.get_by_role("button", name="Enviar mis respuestas").click()
    page.get_by_role("heading", name="Gracias por sus respuestas").wait_for()
    assert_accessible(page, "thanks")
    page.goto(url)
    assert "Ya respondió esta encuesta" in page.content()
    assert_accessible(page, "already answered")
    page.goto(url + "baja/")
    assert_accessible(page, "opt-out")
    context.close()
    assert Response.objects.get().comment == "Todo bien"


def test_answering_without_javascript_at_320_px(browser: Browser, live_server, lima_weekday_morning):
    url = _survey_url(live_server.url)
    context = browser.new_context(java_script_enabled=False, locale="es-PE", viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(url)
    assert _fits(page)
    _answer_all(page, "4", "3")
    page.get_by_role("button", name="Enviar mis respuestas").click()
    page.get_by_role("heading", name="Gracias por sus respuestas").wait_for()
    context.close()
    assert set(Response.objects.get().answers.values_list("perception", flat=True)) == {3}
