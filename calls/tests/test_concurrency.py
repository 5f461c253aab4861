"""Double clicks and two tabs on the operator's screen, raced with real concurrent PostgreSQL connections (one per
thread, committed data): one open call per operator (a partial unique constraint), logged once (row lock)."""

import threading

import pytest
from django.db import connection

from attention.models import Attention

from ..constants import CallOutcome
from ..errors import CallNotOpen
from ..models import Call
from ..services import call_finish, call_start
from .conftest import at

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]

TABS = 6


def race(work) -> tuple[list, list[str]]:
    """Run `work` in TABS threads released at once; (their results, their errors as text)."""
    gate = threading.Barrier(TABS)
    results: list = []
    errors: list[str] = []
    lock = threading.Lock()

    def tab() -> None:
        try:
            gate.wait()
            result = work()
            with lock:
                results.append(result)
        except Exception as exc:  # noqa: BLE001 - reported in the assertions, never hidden
            with lock:
                errors.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=tab) for _n in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def test_taking_a_call_in_several_tabs_at_once_opens_one(phone, operator):
    calls, errors = race(lambda: call_start(line=phone.line, operator=operator, now=at(10)).pk)
    assert errors == [] and len(calls) == TABS
    assert len(set(calls)) == 1 and Call.objects.count() == 1


def test_logging_one_call_in_several_tabs_at_once_records_one_attention(phone, operator):
    call = call_start(line=phone.line, operator=operator, now=at(10))
    logged, errors = race(
        lambda: (
            call_finish(
                call=call, operator=operator, procedure=phone.procedure, outcome=CallOutcome.INFORMED, now=at(10, 2)
            ).pk
        )
    )
    assert logged == [call.pk] and errors == [CallNotOpen.__name__] * (TABS - 1)
    assert Attention.objects.count() == 1
