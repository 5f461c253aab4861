"""Slot generation: idempotent, holidays and closures respected, schedule changes never drop appointments."""

import datetime as dt

import pytest
from django.utils import timezone

from appointments.constants import AppointmentStatus
from appointments.models import Appointment, Slot
from appointments.selectors import slot_conflicts
from appointments.services import RuleRange, appointment_cancel, schedule_rules_set, slots_generate, slots_generate_all
from appointments.tests.factories import ScheduleFactory, appointment_create, lima
from appointments.tests.utils import NOW
from centers.models import Closure
from centers.services import closure_add

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 12, 1)


@pytest.fixture
def schedule(db, procedure):
    # Tuesdays 08:30–10:30 in 30-minute slots for 2 citizens each.
    return ScheduleFactory(procedures=[procedure], capacity=2, rules=[(1, "08:30", "10:30")])


def starts(schedule, **filters):
    return sorted(
        timezone.localtime(s).strftime("%m-%d %H:%M")
        for s in Slot.objects.filter(schedule=schedule, **filters).values_list("starts_at", flat=True)
    )


def test_generation_is_idempotent(frozen, schedule):
    first = slots_generate(schedule=schedule)
    second = slots_generate(schedule=schedule)
    assert first.created == 4 * 4  # 24 Nov, 1, 15, 22 Dec (8 Dec is a holiday) × 4 slots
    assert (second.created, second.updated, second.removed) == (0, 0, 0)
    assert starts(schedule)[:4] == ["11-24 08:30", "11-24 09:00", "11-24 09:30", "11-24 10:00"]
    assert not [s for s in starts(schedule) if s.startswith("12-08")]


def test_the_daily_run_extends_the_window(frozen, schedule):
    slots_generate(schedule=schedule)
    frozen.move_to(NOW + dt.timedelta(days=7))
    result = slots_generate_all()
    assert result.created == 4  # Tuesday 29 December comes into the window
    assert "12-29 08:30" in starts(schedule)


def test_a_closure_removes_free_slots_and_keeps_booked_ones_as_conflicts(
    frozen, schedule, django_capture_on_commit_callbacks
):
    slots_generate(schedule=schedule)
    slot = Slot.objects.get(schedule=schedule, starts_at=lima(2026, 12, 1, 9, 0))
    appointment = appointment_create(slot=slot, n=1)
    with django_capture_on_commit_callbacks(execute=True):
        closure_add(center=schedule.center, date=TUESDAY, reason="Fumigación")
    assert starts(schedule, starts_at__date=TUESDAY) == ["12-01 09:00"]
    slot.refresh_from_db()
    assert slot.is_withdrawn and slot.withdrawn_reason == "Fumigación"
    assert list(slot_conflicts()) == [slot]
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.BOOKED
    # Nobody can book the withdrawn slot any more.
    from appointments.errors import SlotFull

    with pytest.raises(SlotFull):
        appointment_create(slot=slot, n=2)
    # Staff cancel the appointment: the conflict is gone; removing the closure brings the day back.
    appointment_cancel(appointment=appointment, reason="Cierre", by_staff=True)
    assert list(slot_conflicts()) == []
    with django_capture_on_commit_callbacks(execute=True):
        Closure.objects.filter(center=schedule.center, date=TUESDAY).delete()
    assert starts(schedule, starts_at__date=TUESDAY, is_withdrawn=False) == [
        "12-01 08:30",
        "12-01 09:00",
        "12-01 09:30",
        "12-01 10:00",
    ]


def test_changing_the_rules_keeps_appointments_and_lists_conflicts(frozen, schedule):
    slots_generate(schedule=schedule)
    slot = Slot.objects.get(schedule=schedule, starts_at=lima(2026, 12, 1, 10, 0))
    appointment_create(slot=slot, n=1)
    # Tuesdays now end at 10:00, and Wednesdays open.
    result = schedule_rules_set(
        schedule=schedule,
        rules=[RuleRange(1, dt.time(8, 30), dt.time(10, 0)), RuleRange(2, dt.time(8, 30), dt.time(9, 30))],
    )
    assert result.conflicts == [slot.pk]
    assert "12-01 10:00" in starts(schedule)  # kept for its appointment…
    assert "11-24 10:00" not in starts(schedule)  # …while the free ones are gone
    assert "12-02 09:00" in starts(schedule)
    assert Slot.objects.get(pk=slot.pk).is_withdrawn
    assert [s.pk for s in slot_conflicts(center_id=schedule.center_id)] == [slot.pk]
    assert [a.full_name for a in slot_conflicts().get().active_appointments] == ["Rosa María Quispe B"]


def test_shrinking_capacity_never_goes_below_the_bookings(frozen, schedule):
    slots_generate(schedule=schedule)
    slot = Slot.objects.get(schedule=schedule, starts_at=lima(2026, 12, 1, 8, 30))
    first = appointment_create(slot=slot, n=1)
    appointment_create(slot=slot, n=2)
    schedule.capacity = 1
    schedule.save()
    result = slots_generate(schedule=schedule)
    slot.refresh_from_db()
    assert (slot.capacity, slot.booked) == (2, 2)
    assert result.conflicts == [slot.pk]
    assert Slot.objects.exclude(pk=slot.pk).filter(schedule=schedule, capacity=1).count() == 15
    # A cancellation gives the place back to the schedule, not to a new booking.
    appointment_cancel(appointment=first)
    slot.refresh_from_db()
    assert (slot.capacity, slot.booked) == (1, 1)
    assert list(slot_conflicts()) == []


def test_a_longer_slot_length_reshapes_free_slots(frozen, schedule):
    slots_generate(schedule=schedule)
    schedule.slot_minutes = 60
    schedule.save()
    slots_generate(schedule=schedule)
    assert starts(schedule, starts_at__date=TUESDAY) == ["12-01 08:30", "12-01 09:30"]
    slot = Slot.objects.get(schedule=schedule, starts_at=lima(2026, 12, 1, 8, 30))
    assert slot.ends_at == lima(2026, 12, 1, 9, 30)


def test_a_deactivated_schedule_withdraws_its_future(frozen, schedule):
    slots_generate(schedule=schedule)
    slot = Slot.objects.get(schedule=schedule, starts_at=lima(2026, 12, 1, 8, 30))
    appointment_create(slot=slot, n=1)
    schedule.is_active = False
    schedule.save()
    result = slots_generate(schedule=schedule)
    assert list(Slot.objects.filter(schedule=schedule).values_list("pk", flat=True)) == [slot.pk]
    assert result.conflicts == [slot.pk]


def test_past_slots_are_never_touched(frozen, schedule):
    slots_generate(schedule=schedule)
    slot = Slot.objects.get(schedule=schedule, starts_at=lima(2026, 11, 24, 8, 30))
    appointment_create(slot=slot, n=1)
    frozen.move_to(lima(2026, 11, 24, 9, 15))
    schedule.is_active = False
    schedule.save()
    slots_generate(schedule=schedule)
    assert Slot.objects.filter(schedule=schedule, starts_at__lt=timezone.now()).count() == 2  # 08:30 and 09:00
