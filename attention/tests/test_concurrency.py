"""Counters calling next at the same instant, raced with real concurrent PostgreSQL connections (one per thread,
committed data): no ticket is ever called twice and none is lost (SELECT … FOR UPDATE SKIP LOCKED)."""

import threading
import time
from collections import Counter

import pytest
import time_machine
from django.db import connection, transaction

from appointments.tests.conftest import NOW
from appointments.tests.factories import ScheduleFactory, appointment_create, slot_create
from centers.tests.factories import CounterFactory

from ..constants import Outcome, TicketStatus
from ..errors import TicketInProgress
from ..models import Attention, Queue, Ticket
from ..services import attention_finish, ticket_call_next, ticket_check_in_appointment, ticket_issue
from .conftest import at
from .factories import session_open, ticket_create

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]

COUNTERS = 12
TICKETS = 120


def test_counters_calling_at_once_never_get_the_same_ticket(floor):
    sessions = [
        session_open(
            counter=CounterFactory(
                center=floor.center, entity=floor.dni.entity, label=f"R-{n:02d}", procedures=[floor.dni]
            )
        )
        for n in range(COUNTERS)
    ]
    tickets = [ticket_create(center=floor.center, procedure=floor.dni, at=at(9, 0, n % 60)) for n in range(TICKETS)]
    gate = threading.Barrier(COUNTERS)
    called: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def counter_at_work(session) -> None:
        try:
            gate.wait()
            while True:
                ticket = ticket_call_next(session=session, now=at(10))
                if ticket is None:
                    return
                with lock:
                    called.append(ticket.pk)
                attention_finish(ticket=ticket, session=session, outcome=Outcome.RESOLVED, now=at(10, 1))
        except Exception as exc:  # noqa: BLE001 - reported in the assertion, never hidden
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=counter_at_work, args=(session,)) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert errors == []
    duplicates = [pk for pk, times in Counter(called).items() if times > 1]
    assert duplicates == []
    assert sorted(called) == sorted(ticket.pk for ticket in tickets)
    assert Ticket.objects.filter(status=TicketStatus.FINISHED).count() == TICKETS
    assert Attention.objects.count() == TICKETS
    # Several counters really worked at once (the race was real, not one counter draining the queue).
    assert Attention.objects.values("counter").distinct().count() > 1


def test_greeters_checking_in_one_appointment_at_once_give_it_one_ticket(floor):
    schedule = ScheduleFactory(center=floor.center, procedures=[floor.dni], capacity=5)
    slot = slot_create(schedule=schedule, starts_at=at(10))
    with time_machine.travel(NOW, tick=False):
        appointment = appointment_create(slot=slot, procedure=floor.dni, n=7)
    gate = threading.Barrier(6)
    tickets: list[int] = []
    errors: list[str] = []

    def greeter() -> None:
        try:
            gate.wait()
            with time_machine.travel(at(9, 55), tick=False):
                tickets.append(ticket_check_in_appointment(center=floor.center, code=appointment.code).pk)
        except Exception as exc:  # noqa: BLE001 - reported in the assertion, never hidden
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=greeter) for _i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(set(tickets)) == 1 and len(tickets) == 6
    assert Ticket.objects.filter(appointment=appointment).count() == 1


def test_kiosks_issuing_at_once_get_distinct_numbers_and_one_queue_per_entity(floor):
    """The day's first tickets of two entities, 24 at once: the queues are created once, numbers never repeat."""
    gate = threading.Barrier(24)
    codes: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()

    def kiosk(n: int) -> None:
        try:
            gate.wait()
            procedure = floor.dni if n % 2 else floor.record
            code = ticket_issue(center=floor.center, procedure=procedure, now=at(9, 0, n)).code
            with lock:
                codes.append(code)
        except Exception as exc:  # noqa: BLE001 - reported in the assertion, never hidden
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=kiosk, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(set(codes)) == 24
    prefixes = {code.split("-")[0] for code in codes}
    assert len(prefixes) == 2 and Queue.objects.filter(center=floor.center).count() == 2
    for prefix in prefixes:
        assert sorted(code for code in codes if code.startswith(prefix)) == [f"{prefix}-{n:03d}" for n in range(1, 13)]


def test_when_every_candidate_is_locked_the_full_rule_still_finds_the_next_ticket(floor, monkeypatch):
    """next_ticket_lock first looks among the first CANDIDATES eligible tickets; when other counters hold every one
    of them (locked, not yet called), the full query still gives the next ticket in the rule's order."""
    from ..selectors import eligibility

    monkeypatch.setattr(eligibility, "CANDIDATES", 2)
    session = session_open(
        counter=CounterFactory(center=floor.center, entity=floor.dni.entity, label="F-01", procedures=[floor.dni])
    )
    tickets = [ticket_create(center=floor.center, procedure=floor.dni, at=at(9, minute)) for minute in range(4)]
    locked, release = threading.Event(), threading.Event()

    def other_counters_hold_the_first_two() -> None:
        try:
            with transaction.atomic():
                list(Ticket.objects.select_for_update().filter(pk__in=[tickets[0].pk, tickets[1].pk]))
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=other_counters_hold_the_first_two)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        with transaction.atomic():
            found = eligibility.next_ticket_lock(counter=session.counter, agent_id=session.agent_id, now=at(10))
        assert found is not None and found.pk == tickets[2].pk
    finally:
        release.set()
        holder.join(timeout=30)
    with transaction.atomic():  # released: the first in the rule's order again
        found = eligibility.next_ticket_lock(counter=session.counter, agent_id=session.agent_id, now=at(10))
    assert found.pk == tickets[0].pk


def _wait_until_blocked_on_a_lock(pid: int) -> None:
    """Until PostgreSQL backend `pid` waits for a lock (polled, at most 30 s)."""
    deadline = time.monotonic() + 30
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
            if row and row[0] == "Lock":
                return
    raise AssertionError("the second call never waited for the session's lock")


def test_a_double_click_on_call_next_calls_one_ticket(floor):
    """The second click waits for the session's lock while the first call commits: it must then see the ticket the
    first one called (TicketInProgress), not call another (its in-progress check runs after the lock, in a statement
    of its own snapshot)."""
    session = session_open(
        counter=CounterFactory(center=floor.center, entity=floor.dni.entity, label="F-01", procedures=[floor.dni])
    )
    tickets = [ticket_create(center=floor.center, procedure=floor.dni, at=at(9, minute)) for minute in range(2)]
    first_called, commit = threading.Event(), threading.Event()
    second_pid: list[int] = []
    outcome: dict = {}

    def first_click() -> None:
        try:
            with transaction.atomic():
                outcome["first"] = ticket_call_next(session=session, now=at(10))
                first_called.set()
                commit.wait(timeout=30)
        finally:
            connection.close()

    def second_click() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            first_called.wait(timeout=30)
            try:
                outcome["second"] = ticket_call_next(session=session, now=at(10))
            except TicketInProgress as exc:
                outcome["second"] = exc
        finally:
            connection.close()

    first, second = threading.Thread(target=first_click), threading.Thread(target=second_click)
    first.start()
    assert first_called.wait(timeout=30)
    second.start()
    try:
        while not second_pid:
            assert second.is_alive() or second_pid
        _wait_until_blocked_on_a_lock(second_pid[0])
    finally:
        commit.set()
        first.join(timeout=30)
        second.join(timeout=30)
    assert outcome["first"].pk == tickets[0].pk
    assert isinstance(outcome["second"], TicketInProgress)
    assert list(Ticket.objects.filter(status=TicketStatus.CALLED).values_list("pk", flat=True)) == [tickets[0].pk]
    assert Attention.objects.filter(ticket__in=tickets).count() == 1
