import pytest
import time_machine

from appointments import sms
from appointments.tests.factories import ScheduleFactory, slot_create
from appointments.tests.utils import NOW, SLOT_START
from common import nudges
from procedures.tests.factories import ProcedureFactory


@pytest.fixture(autouse=True)
def _sms_locmem(settings):
    settings.SMS_BACKEND = "appointments.sms.LocmemBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def sms_outbox():
    return sms.outbox


@pytest.fixture
def frozen():
    """Time stands still at NOW (Monday 23 November 2026, 10:00 Lima)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def procedure(db):
    return ProcedureFactory(name="Duplicado de DNI", requirements=["Pago de la tasa", "Foto"])


@pytest.fixture
def schedule(db, procedure):
    return ScheduleFactory(procedures=[procedure], capacity=2)


@pytest.fixture
def slot(schedule):
    return slot_create(schedule=schedule, starts_at=SLOT_START)


@pytest.fixture
def broker_lost(monkeypatch):
    """The broker loses every scan nudged after commit (rows are planned and marked as usual; only the beat's scans
    act on them)."""
    monkeypatch.setattr(nudges, "nudge", lambda task: None)
