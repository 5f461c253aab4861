import datetime as dt

import pytest
from django.utils import timezone

from appointments.selectors import (
    appointment_day_sheet,
    appointment_lookup,
    appointment_search,
    availability_by_day,
    availability_month,
    centers_for_procedure,
    slots_of_day,
)
from appointments.services import appointment_cancel, slots_generate
from appointments.tests.factories import ScheduleFactory, appointment_create, lima, slot_create
from centers.tests.factories import CenterFactory, OfferingFactory
from procedures.tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedule(db, procedure):
    # Mondays to Fridays 08:30–10:30, 30-minute slots for 2 citizens.
    schedule = ScheduleFactory(procedures=[procedure], capacity=2, rules=[(d, "08:30", "10:30") for d in range(5)])
    return schedule


def test_month_availability_in_one_query(frozen, schedule, procedure, django_assert_num_queries):
    slots_generate(schedule=schedule)
    full = schedule.slots.filter(starts_at__date=dt.date(2026, 12, 2))
    for i, slot in enumerate(full):
        appointment_create(slot=slot, n=2 * i)
        appointment_create(slot=slot, n=2 * i + 1)
    with django_assert_num_queries(1):
        days = availability_month(procedure_id=procedure.pk, center_id=schedule.center_id, year=2026, month=12)
    assert days[dt.date(2026, 12, 1)] == 8  # 4 slots × 2
    assert days[dt.date(2026, 12, 2)] == 0  # all taken: shown as full
    assert dt.date(2026, 12, 5) not in days  # Saturday: no slots
    assert dt.date(2026, 12, 8) not in days  # holiday
    assert dt.date(2026, 12, 31) not in days  # beyond the 30-day window
    assert max(days) == dt.date(2026, 12, 23)


def test_availability_respects_the_minimum_notice(frozen, schedule, procedure):
    slots_generate(schedule=schedule)
    # Now is Monday 23 November 10:00; Tuesday's 08:30 slot is > 2 h away, today's are gone.
    frozen.move_to(lima(2026, 11, 24, 7, 0))
    days = availability_by_day(
        procedure_id=procedure.pk,
        center_id=schedule.center_id,
        date_from=dt.date(2026, 11, 24),
        date_to=dt.date(2026, 11, 24),
    )
    assert days == {dt.date(2026, 11, 24): 6}  # 09:00, 09:30 and 10:00 (× 2); 08:30 is too soon


def test_availability_range_is_bounded(frozen, procedure):
    with pytest.raises(ValueError):
        availability_by_day(
            procedure_id=procedure.pk, center_id=1, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 3, 15)
        )


def test_slots_of_a_day_in_order_with_free_places(frozen, schedule, procedure, django_assert_num_queries):
    slots_generate(schedule=schedule)
    taken = schedule.slots.get(starts_at=lima(2026, 12, 1, 9, 0))
    appointment_create(slot=taken, n=1)
    with django_assert_num_queries(1):
        options = slots_of_day(procedure_id=procedure.pk, center_id=schedule.center_id, day=dt.date(2026, 12, 1))
    assert [(timezone.localtime(o.starts_at).strftime("%H:%M"), o.free) for o in options] == [
        ("08:30", 2),
        ("09:00", 1),
        ("09:30", 2),
        ("10:00", 2),
    ]


def test_two_schedules_at_the_same_time_show_one_time(frozen, schedule, procedure):
    other = ScheduleFactory(center=schedule.center, procedures=[procedure], capacity=3)
    a = slot_create(schedule=schedule, starts_at=lima(2026, 12, 1, 8, 30))
    b = slot_create(schedule=other, starts_at=lima(2026, 12, 1, 8, 30))
    [option] = slots_of_day(procedure_id=procedure.pk, center_id=schedule.center_id, day=dt.date(2026, 12, 1))
    assert option.free == 5 and option.slot_id == b.pk
    assert a.pk != b.pk


def test_centers_offering_a_procedure_with_their_next_free_date(frozen, schedule, procedure, django_assert_num_queries):
    slots_generate(schedule=schedule)
    no_schedule = CenterFactory(name="Centro MAC Piura")
    OfferingFactory(center=no_schedule, procedure=procedure)
    elsewhere = CenterFactory(name="Centro MAC Callao")
    OfferingFactory(center=elsewhere, procedure=ProcedureFactory())
    # Fill all of Tuesday 24 November.
    for i, slot in enumerate(schedule.slots.filter(starts_at__date=dt.date(2026, 11, 24))):
        appointment_create(slot=slot, n=2 * i)
        appointment_create(slot=slot, n=2 * i + 1)
    with django_assert_num_queries(2):
        options = centers_for_procedure(procedure_id=procedure.pk)
    assert [(o.center.name, o.next_free_date) for o in options] == [
        (schedule.center.name, dt.date(2026, 11, 25)),
        ("Centro MAC Piura", None),
    ]


def test_lookup_needs_the_matching_document(frozen, slot):
    appointment = appointment_create(slot=slot, n=1)
    number = appointment.document_number
    assert appointment_lookup(code=appointment.code, document_number=number) == appointment
    assert appointment_lookup(code=appointment.code.lower()[:5] + "-" + appointment.code[5:], document_number=number)
    assert appointment_lookup(code=appointment.code, document_number="40000002") is None
    assert appointment_lookup(code="0000000000", document_number=number) is None
    assert appointment_lookup(code="basura", document_number="") is None


def test_lookup_answers_with_the_same_work_whether_the_code_exists(frozen, slot, django_assert_num_queries):
    appointment = appointment_create(slot=slot, n=1)
    for code in (appointment.code, "0000000000", "nonsense"):
        with django_assert_num_queries(1):
            appointment_lookup(code=code, document_number="99999999")


def test_day_sheet_in_time_order_without_cancelled(frozen, schedule):
    late = slot_create(schedule=schedule, starts_at=lima(2026, 12, 1, 10, 0))
    early = slot_create(schedule=schedule, starts_at=lima(2026, 12, 1, 8, 30))
    other_day = slot_create(schedule=schedule, starts_at=lima(2026, 12, 2, 8, 30))
    b = appointment_create(slot=late, n=1)
    a = appointment_create(slot=early, n=2)
    appointment_create(slot=other_day, n=3)
    cancelled = appointment_create(slot=early, n=4)
    appointment_cancel(appointment=cancelled)
    assert appointment_day_sheet(center_id=schedule.center_id, day=dt.date(2026, 12, 1)) == [a, b]


def test_staff_search_by_code_or_document(frozen, slot):
    appointment = appointment_create(slot=slot, n=1)
    assert list(appointment_search(query=appointment.code_display)) == [appointment]
    assert list(appointment_search(query=appointment.document_number)) == [appointment]
    assert list(appointment_search(query="12345678")) == []
