"""The capacity rules raced with real concurrent PostgreSQL connections (one per thread, committed data).

200 booking attempts run in 200 threads, each with its own database connection. At most
RACE_CONNECTIONS of them hold a connection at the same moment, because the server's max_connections
(100 by default) is shared with the other test workers; all of them start together behind one gate.
"""

import os
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from appointments.constants import CONSENT_VERSION, AppointmentStatus
from appointments.errors import BookingError
from appointments.models import Appointment, Slot
from appointments.services import appointment_book, appointment_cancel, appointment_reschedule
from appointments.tests.factories import ScheduleFactory, appointment_create, citizen, slot_create
from appointments.tests.utils import SLOT_START

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]


@pytest.fixture(autouse=True)
def _no_messages(broker_lost):
    """Messages are planned as rows as usual, but not rendered and sent here: this file measures the races."""


ATTEMPTS = 200
RACE_CONNECTIONS = int(os.environ.get("BOOKING_RACE_CONNECTIONS", "30"))


def race(count: int, action: Callable[[int], object]) -> Counter:
    """Run action(i) for i in range(count) in as many threads, all released at once; count the outcomes."""
    gate = threading.Event()
    seats = threading.BoundedSemaphore(RACE_CONNECTIONS)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def worker(i: int) -> None:
        gate.wait()
        with seats:
            try:
                action(i)
                outcome = "ok"
            except BookingError as exc:
                outcome = exc.code
            except Exception as exc:  # noqa: BLE001 - reported in the assertion, never hidden
                outcome = f"error: {type(exc).__name__}: {exc}"
            finally:
                connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def book(slot: Slot, procedure_id: int, n: int, **overrides):
    return appointment_book(
        slot_id=slot.pk, procedure_id=procedure_id, citizen=citizen(n, **overrides), consent_version=CONSENT_VERSION
    )


@pytest.mark.parametrize("capacity", [1, 7])
def test_two_hundred_citizens_race_for_a_slot(frozen, procedure, capacity):
    schedule = ScheduleFactory(procedures=[procedure], capacity=capacity)
    slot = slot_create(schedule=schedule, starts_at=SLOT_START)

    outcomes = race(ATTEMPTS, lambda i: book(slot, procedure.pk, i))

    assert outcomes == {"ok": capacity, "slot_full": ATTEMPTS - capacity}
    slot.refresh_from_db()
    assert slot.booked == capacity
    assert Appointment.objects.filter(slot=slot, status=AppointmentStatus.BOOKED).count() == capacity


def test_one_document_racing_for_more_appointments_than_allowed(frozen, settings):
    settings.APPOINTMENTS_MAX_ACTIVE_PER_DOCUMENT = 3
    # Ten procedures with roomy slots: only the per-document limit can stop the bookings.
    slots = [slot_create(schedule=ScheduleFactory(capacity=50), starts_at=SLOT_START) for _i in range(10)]
    procedure_ids = [slot.schedule.procedures.get().pk for slot in slots]

    outcomes = race(60, lambda i: book(slots[i % 10], procedure_ids[i % 10], 5))

    assert outcomes["ok"] == 3
    assert set(outcomes) <= {"ok", "limit_reached", "duplicate"}
    assert Appointment.objects.filter(document_number="40000005", status=AppointmentStatus.BOOKED).count() == 3
    assert sum(Slot.objects.values_list("booked", flat=True)) == 3


def test_one_document_racing_for_the_same_procedure_gets_one(frozen, procedure):
    schedule = ScheduleFactory(procedures=[procedure], capacity=100)
    slots = [slot_create(schedule=schedule, starts_at=SLOT_START.replace(hour=8 + h)) for h in range(5)]

    outcomes = race(50, lambda i: book(slots[i % 5], procedure.pk, 9))

    assert outcomes == {"ok": 1, "duplicate": 49}
    assert sum(Slot.objects.values_list("booked", flat=True)) == 1


def test_cancellations_and_reschedules_racing_bookings_keep_counts_exact(frozen, procedure):
    """Citizens cancel or move away from a full slot while others race for the places they free."""
    schedule = ScheduleFactory(procedures=[procedure], capacity=10)
    busy = slot_create(schedule=schedule, starts_at=SLOT_START)
    other = slot_create(schedule=schedule, starts_at=SLOT_START.replace(hour=11))
    holders = [appointment_create(slot=busy, n=1000 + i) for i in range(10)]

    def action(i: int):
        if i < 5:
            return appointment_cancel(appointment=holders[i], by_staff=True)
        if i < 10:
            return appointment_reschedule(appointment=holders[i], slot_id=other.pk)
        return book(busy, procedure.pk, i)

    outcomes = race(100, action)

    assert not [outcome for outcome in outcomes if outcome.startswith("error")], outcomes
    for slot in (busy, other):
        slot.refresh_from_db()
        active = Appointment.objects.filter(slot=slot, status=AppointmentStatus.BOOKED).count()
        assert slot.booked == active <= slot.capacity
    assert other.booked == 5
    # Every successful booker holds one of the places the leavers freed (how many depends on who came first).
    assert outcomes["ok"] == 10 + busy.booked


def test_citizens_swapping_slots_never_deadlock(frozen, procedure):
    """A moves 08:30 → 11:00 while B moves 11:00 → 08:30: slots are locked in id order, so nobody waits forever."""
    schedule = ScheduleFactory(procedures=[procedure], capacity=20)
    first = slot_create(schedule=schedule, starts_at=SLOT_START)
    second = slot_create(schedule=schedule, starts_at=SLOT_START.replace(hour=11))
    holders = [appointment_create(slot=first if i % 2 else second, n=2000 + i) for i in range(20)]

    outcomes = race(
        20, lambda i: appointment_reschedule(appointment=holders[i], slot_id=second.pk if i % 2 else first.pk)
    )

    assert outcomes == {"ok": 20}
    for slot in (first, second):
        slot.refresh_from_db()
        assert slot.booked == 10 == Appointment.objects.filter(slot=slot, status=AppointmentStatus.BOOKED).count()


def test_a_closure_racing_bookings_never_loses_or_strands_an_appointment(frozen, procedure):
    """While citizens book Tuesday's slots, staff close the center that day: every booking either fails
    cleanly or lands on a slot kept (withdrawn) for it; counters match the rows."""
    from appointments.services import slots_generate, slots_generate_for_center
    from centers.models import Closure

    schedule = ScheduleFactory(procedures=[procedure], capacity=3, rules=[(1, "08:30", "12:30")])
    slots_generate(schedule=schedule)
    tuesday = list(Slot.objects.filter(schedule=schedule, starts_at__date=SLOT_START.date()))

    def action(i: int):
        if i == 20:
            Closure.objects.create(center=schedule.center, date=SLOT_START.date(), reason="Simulacro")
            return slots_generate_for_center(center_id=schedule.center_id)
        return book(tuesday[i % len(tuesday)], procedure.pk, 3000 + i)

    outcomes = race(40, action)

    assert not [outcome for outcome in outcomes if outcome.startswith("error")], outcomes
    remaining = Slot.objects.filter(schedule=schedule, starts_at__date=SLOT_START.date())
    assert all(slot.is_withdrawn and slot.booked > 0 for slot in remaining)
    for slot in remaining:
        assert slot.booked == Appointment.objects.filter(slot=slot, status=AppointmentStatus.BOOKED).count()
    assert outcomes["ok"] == 1 + sum(slot.booked for slot in remaining)  # the closure itself counts as one "ok"
