import secrets

import pytest
import time_machine

from appointments import sms
from appointments.tests.factories import ScheduleFactory, lima, slot_create
from procedures.tests.factories import ProcedureFactory

# Monday 23 November 2026, 10:00 in Lima: no holiday within the next week.
NOW = lima(2026, 11, 23, 10, 0)
# Tuesday 1 December 2026, 08:30 in Lima: inside the default 30-day window.
SLOT_START = lima(2026, 12, 1, 8, 30)


@pytest.fixture(autouse=True)
def _sms_locmem(settings):
    settings.SMS_BACKEND = "appointments.sms.LocmemBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings):
    """Each test counts rate limits apart from every other test, worker and earlier run, without flushing the
    shared cache (Redis): counters are keyed by this namespace."""
    settings.APPOINTMENTS_RATE_LIMIT_NAMESPACE = secrets.token_hex(8)


def new_address() -> str:
    """A client address no other test (or earlier run) has used: rate-limit counters live in the shared
    cache (Redis) for up to an hour, and the cache is never flushed (other test workers use it)."""
    return "10.{}.{}.{}".format(*secrets.token_bytes(3))


@pytest.fixture
def address() -> str:
    return new_address()


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
