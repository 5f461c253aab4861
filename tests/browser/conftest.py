"""End-to-end fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

The live server is a real server thread on the PostgreSQL test database, so tests that use it commit their
data (transactional database). Playwright's sync API keeps an event loop running in this thread, which Django
would otherwise take for async code calling the ORM: DJANGO_ALLOW_ASYNC_UNSAFE says it is fine here. Both the
loop and that variable last only while this package's tests run (package-scoped), so the rest of the suite keeps
Django's async-safety checks.
"""

import datetime as dt
import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from .support import LIMA

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as instance:
            yield instance


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = chromium_path()
    if not executable:
        pytest.fail(
            "Chromium is needed for the browser tests and was not found: install the Debian package 'chromium' "
            "(scripts/test does so where it may) or set CHROMIUM_PATH.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh context per test, in Spanish, Lima time, phone-sized (citizens mostly come on a phone)."""
    context = browser.new_context(locale="es-PE", timezone_id="America/Lima", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False, locale="es-PE", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def lima_weekday_morning(time_machine) -> dt.datetime:
    """A Tuesday 10:00 in Lima (no holiday): the centers are open. The clock ticks, so timeouts still work."""
    moment = dt.datetime(2026, 3, 10, 10, 0, tzinfo=LIMA)
    time_machine.move_to(moment, tick=True)
    return moment


@pytest.fixture
def catalog(lima_weekday_morning) -> dict:
    """A small believable catalog: the police-record certificate offered at an open MAC center, and neighbours."""
    from centers.tests.factories import CenterFactory, CounterFactory, OfferingFactory
    from procedures.tests.factories import (
        POLICE_CERTIFICATE_REQUIREMENTS,
        EntityFactory,
        PoliceCertificateFactory,
        ProcedureFactory,
    )

    mininter = EntityFactory(name="Ministerio del Interior", acronym="MININTER", sector="Interior")
    bn = EntityFactory(name="Banco de la Nación", acronym="BN", sector="Economía y Finanzas")
    police_record = PoliceCertificateFactory(
        entity=mininter,
        summary="Documento que acredita si una persona registra o no antecedentes policiales.",
        keywords="record policial, policia",
        payment_instructions="Pague la tasa en el Banco de la Nación o en línea con Págalo.pe.",
        requirements=POLICE_CERTIFICATE_REQUIREMENTS,
    )
    fee_payment = ProcedureFactory(
        entity=bn,
        code="BN-001",
        name="Pago de tasas",
        summary="Pago de tasas de las entidades públicas en la ventanilla del Banco de la Nación.",
        demand_rank=1,
        requirements=["Código de la tasa", "DNI"],
    )
    ProcedureFactory.create_batch(3, entity=bn)
    center = CenterFactory(
        code="MAC-LIMA-NORTE",
        name="Centro MAC Lima Norte",
        address="Av. Alfredo Mendiola 1400, Independencia",
        hours=True,
    )
    for procedure in (police_record, fee_payment):
        OfferingFactory(center=center, procedure=procedure)
    CounterFactory(center=center, label="V-01", entity=mininter, procedures=[police_record], languages=["es", "qu"])
    return {"procedure": police_record, "center": center, "entity": mininter}


@pytest.fixture
def schedule(catalog):
    """The police-record certificate (appointment optional) by appointment at Lima Norte: weekdays 08:30–10:30,
    30-minute times for 2 citizens each, bookable from 30 days before until 2 hours before."""
    from appointments.services import slots_generate
    from appointments.tests.factories import ScheduleFactory

    schedule = ScheduleFactory(
        center=catalog["center"],
        procedures=[catalog["procedure"]],
        capacity=2,
        min_lead_minutes=120,
        max_days_ahead=30,
        rules=[(weekday, "08:30", "10:30") for weekday in range(5)],
    )
    slots_generate(schedule=schedule)
    return schedule


@pytest.fixture
def slot(schedule):
    from appointments.tests.factories import lima

    return schedule.slots.get(starts_at=lima(2026, 3, 11, 8, 30))
