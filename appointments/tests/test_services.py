import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from stdnum.pe import cui

from appointments.constants import CONSENT_VERSION, AppointmentStatus, DocumentType, NotificationKind
from appointments.errors import (
    Cooldown,
    Duplicate,
    InvalidBooking,
    LimitReached,
    SlotFull,
    WindowClosed,
)
from appointments.models import Appointment, DocumentQuota, Notification, Slot
from appointments.services import (
    RuleRange,
    appointment_book,
    appointment_cancel,
    appointment_check_in,
    appointment_reschedule,
    appointments_mark_no_shows,
    schedule_create,
    schedule_rules_validate,
)
from appointments.services import booking as booking_service
from appointments.tests.factories import ScheduleFactory, appointment_create, citizen, lima, slot_create
from appointments.tests.utils import NOW, SLOT_START
from centers.tests.factories import CenterFactory, LanguageFactory, OfferingFactory
from procedures.constants import AppointmentPolicy
from procedures.tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def book(slot, n=0, procedure=None, **overrides):
    return appointment_create(slot=slot, procedure=procedure, n=n, **overrides)


# --- booking -------------------------------------------------------------------------------------------------


def test_booking_takes_a_place_and_gives_an_unguessable_code(frozen, slot):
    first = book(slot, 1)
    second = book(slot, 2)
    slot.refresh_from_db()
    assert slot.booked == 2
    assert first.status == AppointmentStatus.BOOKED
    assert len(first.code) == 10 and first.code != second.code
    assert first.center_id == slot.center_id
    assert first.consent_version == CONSENT_VERSION and first.consent_at == NOW
    assert first.phone == "+51987654321"


def test_a_full_slot_refuses_the_next_citizen(frozen, slot, django_assert_num_queries):
    book(slot, 1)
    book(slot, 2)
    with pytest.raises(SlotFull) as info, django_assert_num_queries(1):  # the slot's read: no transaction
        book(slot, 3)
    assert info.value.code == "slot_full"
    assert Appointment.objects.count() == 2


def test_admit_sees_the_slot_before_anything_is_taken_and_may_refuse(frozen, slot):
    class Refused(Exception):
        pass

    seen = []

    def admit(found):
        seen.append((found.pk, found.center.slug))
        raise Refused

    with pytest.raises(Refused):
        booking_service.appointment_book(
            slot_id=slot.pk,
            procedure_id=slot.schedule.procedures.get().pk,
            citizen=citizen(1),
            consent_version=CONSENT_VERSION,
            admit=admit,
        )
    assert seen == [(slot.pk, slot.center.slug)]
    assert (Appointment.objects.count(), DocumentQuota.objects.count()) == (0, 0)
    slot.refresh_from_db()
    assert slot.booked == 0

    book(slot, 1)
    book(slot, 2)
    with pytest.raises(SlotFull):  # a full slot is admitted (counted by the caller) before it is refused
        booking_service.appointment_book(
            slot_id=slot.pk,
            procedure_id=slot.schedule.procedures.get().pk,
            citizen=citizen(3),
            consent_version=CONSENT_VERSION,
            admit=lambda found: seen.append((found.pk, found.center.slug)),
        )
    assert len(seen) == 2


def test_a_slot_the_caller_read_is_booked_without_a_second_read_and_its_window_checked_again(frozen, slot):
    procedure_id = slot.schedule.procedures.get().pk
    read = booking_service.slot_bookable(slot_id=slot.pk, procedure_id=procedure_id)
    assert (read.pk, read.booked, read.capacity, read.center.slug) == (slot.pk, 0, 2, slot.center.slug)

    def booking(n, given=read):
        return booking_service.appointment_book(
            slot_id=slot.pk,
            procedure_id=procedure_id,
            citizen=citizen(n),
            consent_version=CONSENT_VERSION,
            slot=given,
        )

    with CaptureQueriesContext(connection) as handed_on:
        appointment = booking(1)
    with CaptureQueriesContext(connection) as read_again:
        booking(2, given=None)
    assert appointment.slot_id == slot.pk
    assert len(read_again) - len(handed_on) == 1  # the slot's read
    with pytest.raises(SlotFull):  # the read said one place was free: the claim decides
        booking(3)
    assert Appointment.objects.count() == 2
    frozen.move_to(read.book_until + dt.timedelta(minutes=1))
    with pytest.raises(WindowClosed):
        booking(4)


def test_a_slot_that_fills_after_its_read_is_refused_by_the_claim(frozen, slot, monkeypatch):
    book(slot, 1)
    read = booking_service.slot_bookable
    reads = []

    def read_then_the_last_place_goes(**kwargs):
        found = read(**kwargs)
        reads.append(found.booked)
        if len(reads) == 1:  # one place left when read: another citizen takes it now
            book(slot, 2)
        return found

    monkeypatch.setattr(booking_service, "slot_bookable", read_then_the_last_place_goes)
    with pytest.raises(SlotFull):
        book(slot, 3)
    assert reads == [1, 1]  # the other citizen's read came second and still saw the place
    assert Appointment.objects.count() == 2


def test_the_database_refuses_a_slot_over_capacity(frozen, slot):
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=3)


def test_one_active_appointment_per_document_and_procedure(frozen, slot, schedule):
    book(slot, 1)
    other_slot = slot_create(schedule=schedule, starts_at=SLOT_START + dt.timedelta(hours=1))
    with pytest.raises(Duplicate):
        book(other_slot, 1)
    # The same DNI typed with its check character is the same document.
    with pytest.raises(Duplicate):
        book(other_slot, 1, document_number="40000001-" + cui.calc_check_digits("40000001")[0])


def test_the_database_refuses_two_active_appointments_for_one_procedure(frozen, slot):
    appointment = book(slot, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            code="0123456789",
            procedure=appointment.procedure,
            center=appointment.center,
            slot=slot,
            document_type=appointment.document_type,
            document_number=appointment.document_number,
            full_name="Otra Persona",
            email="otra@example.pe",
            consent_version=CONSENT_VERSION,
            consent_at=NOW,
        )


def test_at_most_three_active_appointments_per_document(frozen, settings):
    settings.APPOINTMENTS_MAX_ACTIVE_PER_DOCUMENT = 3
    slots = []
    for _i in range(4):
        schedule = ScheduleFactory()
        slots.append(slot_create(schedule=schedule, starts_at=SLOT_START))
    for slot in slots[:3]:
        book(slot, 7)
    with pytest.raises(LimitReached) as info:
        book(slots[3], 7)
    assert "máximo" in str(info.value.message)
    # Another document is not affected.
    book(slots[3], 8)


def test_cancel_then_rebook_waits_for_the_cooldown(frozen, settings, slot, schedule):
    settings.APPOINTMENTS_REBOOK_COOLDOWN_MINUTES = 30
    appointment = book(slot, 1)
    appointment_cancel(appointment=appointment, reason="No puedo ir")
    with pytest.raises(Cooldown) as info:
        book(slot, 1)
    assert info.value.retry_after == 30 * 60 + 1
    assert "30 minutos" in str(info.value.message)
    frozen.shift(dt.timedelta(minutes=31))
    assert book(slot, 1).status == AppointmentStatus.BOOKED


def test_staff_cancellation_starts_no_cooldown(frozen, slot):
    appointment = book(slot, 1)
    appointment_cancel(appointment=appointment, reason="Cierre del centro", by_staff=True)
    assert book(slot, 1).status == AppointmentStatus.BOOKED


def test_booking_window_min_lead_and_max_days(frozen, schedule):
    too_soon = slot_create(schedule=schedule, starts_at=NOW + dt.timedelta(minutes=90))
    with pytest.raises(WindowClosed) as info:
        book(too_soon, 1)
    assert "2 horas" in str(info.value.message)
    too_far = slot_create(schedule=schedule, starts_at=lima(2026, 12, 24, 8, 30))  # 31 days ahead
    with pytest.raises(WindowClosed):
        book(too_far, 1)
    last_day = slot_create(schedule=schedule, starts_at=lima(2026, 12, 23, 18, 0))  # 30 days ahead
    assert book(last_day, 1).slot_id == last_day.pk


def test_invalid_citizen_data_is_reported_per_field(frozen, slot):
    with pytest.raises(InvalidBooking) as info:
        book(slot, 1, document_number="1234", email="", phone="(01) 200-1000", full_name="X")
    errors = info.value.field_errors
    assert set(errors) == {"document_number", "phone", "full_name"}
    assert info.value.code == "invalid"
    with pytest.raises(InvalidBooking) as info:
        book(slot, 1, email="", phone="")
    assert "email" in info.value.field_errors
    assert Appointment.objects.count() == 0
    assert Slot.objects.get(pk=slot.pk).booked == 0


def test_consent_must_be_the_current_text(frozen, slot):
    with pytest.raises(InvalidBooking) as info:
        appointment_book(
            slot_id=slot.pk, procedure_id=slot.schedule.procedures.get().pk, citizen=citizen(1), consent_version=""
        )
    assert "consent" in info.value.field_errors


def test_segmentation_data_is_kept_only_with_consent(frozen, slot, schedule):
    with pytest.raises(InvalidBooking) as info:  # refused, never silently dropped (the form says the same)
        book(slot, 1, age_band="30-44", gender="female", segmentation_consent=False)
    assert list(info.value.field_errors) == ["segmentation_consent"]
    assert not Appointment.objects.exists()
    without = book(slot, 1, segmentation_consent=False)
    assert (without.age_band, without.gender, without.segmentation_consent) == ("", "", False)
    with_consent = book(slot, 2, age_band="30-44", gender="female", segmentation_consent=True)
    assert (with_consent.age_band, with_consent.gender) == ("30-44", "female")


def test_preferred_language_and_priority_are_recorded(frozen, slot):
    LanguageFactory(code="qu", name="Quechua")
    appointment = book(slot, 1, preferred_language="qu", priority_need="older_adult")
    assert appointment.preferred_language.code == "qu"
    assert appointment.priority_need == "older_adult"
    with pytest.raises(InvalidBooking) as info:
        book(slot, 2, preferred_language="klingon")
    assert "preferred_language" in info.value.field_errors


def test_a_procedure_not_served_by_the_slot_cannot_be_booked(frozen, slot):
    other = ProcedureFactory()
    with pytest.raises(InvalidBooking):
        book(slot, 1, procedure=other)


def test_walk_in_procedures_and_inactive_offerings_cannot_be_booked(frozen, slot, procedure):
    procedure.appointment_policy = AppointmentPolicy.WALK_IN
    procedure.save()
    with pytest.raises(InvalidBooking):
        book(slot, 1)
    procedure.appointment_policy = AppointmentPolicy.OPTIONAL
    procedure.save()
    procedure.offerings.update(is_active=False)
    with pytest.raises(InvalidBooking):
        book(slot, 1)


# --- cancel, reschedule, check-in, no-show ---------------------------------------------------------------------


def test_cancel_frees_the_place_at_once(frozen, schedule):
    slot = slot_create(schedule=schedule, starts_at=SLOT_START, capacity=1)
    appointment = book(slot, 1)
    appointment_cancel(appointment=appointment, reason="Ya no lo necesito")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancel_reason == "Ya no lo necesito"
    assert Slot.objects.get(pk=slot.pk).booked == 0
    assert book(slot, 2).slot_id == slot.pk
    with pytest.raises(WindowClosed):
        appointment_cancel(appointment=appointment)


def test_a_started_appointment_cannot_be_cancelled_by_the_citizen(frozen, slot):
    appointment = book(slot, 1)
    frozen.move_to(SLOT_START + dt.timedelta(minutes=1))
    with pytest.raises(WindowClosed):
        appointment_cancel(appointment=appointment)


def test_reschedule_moves_the_appointment_and_keeps_its_code(frozen, schedule):
    old = slot_create(schedule=schedule, starts_at=SLOT_START)
    new = slot_create(schedule=schedule, starts_at=SLOT_START + dt.timedelta(days=1))
    appointment = book(old, 1)
    moved = appointment_reschedule(appointment=appointment, slot_id=new.pk)
    assert moved.code == appointment.code
    assert (moved.slot_id, moved.previous_slot_id, moved.version) == (new.pk, old.pk, 1)
    assert Slot.objects.get(pk=old.pk).booked == 0
    assert Slot.objects.get(pk=new.pk).booked == 1


def test_a_failed_reschedule_leaves_everything_as_it_was(frozen, schedule):
    old = slot_create(schedule=schedule, starts_at=SLOT_START)
    full = slot_create(schedule=schedule, starts_at=SLOT_START + dt.timedelta(days=1), capacity=1)
    appointment = book(old, 1)
    book(full, 2)
    with pytest.raises(SlotFull):
        appointment_reschedule(appointment=appointment, slot_id=full.pk)
    appointment.refresh_from_db()
    assert (appointment.slot_id, appointment.version, appointment.status) == (old.pk, 0, AppointmentStatus.BOOKED)
    assert Slot.objects.get(pk=old.pk).booked == 1
    assert Slot.objects.get(pk=full.pk).booked == 1


def test_reschedule_to_a_lower_slot_id_works_too(frozen, schedule):
    earlier = slot_create(schedule=schedule, starts_at=SLOT_START)
    later = slot_create(schedule=schedule, starts_at=SLOT_START + dt.timedelta(days=1))
    appointment = book(later, 1)
    appointment_reschedule(appointment=appointment, slot_id=earlier.pk)
    assert Slot.objects.get(pk=earlier.pk).booked == 1
    assert Slot.objects.get(pk=later.pk).booked == 0


def test_reschedules_are_limited(frozen, settings, schedule):
    settings.APPOINTMENTS_MAX_RESCHEDULES = 2
    slots = [slot_create(schedule=schedule, starts_at=SLOT_START + dt.timedelta(hours=h)) for h in range(4)]
    appointment = book(slots[0], 1)
    appointment = appointment_reschedule(appointment=appointment, slot_id=slots[1].pk)
    appointment = appointment_reschedule(appointment=appointment, slot_id=slots[2].pk)
    with pytest.raises(LimitReached):
        appointment_reschedule(appointment=appointment, slot_id=slots[3].pk)


def test_check_in_only_on_the_day(frozen, slot):
    appointment = book(slot, 1)
    with pytest.raises(WindowClosed):
        appointment_check_in(appointment=appointment)
    frozen.move_to(SLOT_START - dt.timedelta(minutes=20))
    checked = appointment_check_in(appointment=appointment)
    assert checked.status == AppointmentStatus.CHECKED_IN
    assert checked.checked_in_at == SLOT_START - dt.timedelta(minutes=20)
    assert appointment_check_in(appointment=appointment).status == AppointmentStatus.CHECKED_IN  # idempotent


def test_no_shows_after_the_grace_period(frozen, settings, schedule):
    settings.APPOINTMENTS_NO_SHOW_GRACE_MINUTES = 30
    slot = slot_create(schedule=schedule, starts_at=SLOT_START)
    absent = book(slot, 1)
    present = book(slot, 2)
    frozen.move_to(SLOT_START)
    appointment_check_in(appointment=present)
    frozen.move_to(slot.ends_at + dt.timedelta(minutes=29))
    assert appointments_mark_no_shows() == 0
    frozen.move_to(slot.ends_at + dt.timedelta(minutes=31))
    assert appointments_mark_no_shows() == 1
    assert appointments_mark_no_shows() == 0  # idempotent
    absent.refresh_from_db()
    present.refresh_from_db()
    assert (absent.status, present.status) == (AppointmentStatus.NO_SHOW, AppointmentStatus.CHECKED_IN)


def test_notifications_are_planned_with_the_booking(frozen, slot):
    appointment = book(slot, 1)
    planned = set(Notification.objects.filter(appointment=appointment).values_list("kind", "channel", "due_at"))
    reminder_at = SLOT_START - dt.timedelta(hours=24)
    assert planned == {
        (NotificationKind.CONFIRMATION, "email", NOW),
        (NotificationKind.CONFIRMATION, "sms", NOW),
        (NotificationKind.REMINDER, "email", reminder_at),
        (NotificationKind.REMINDER, "sms", reminder_at),
    }


def test_a_code_that_clashes_is_drawn_again_and_the_place_is_taken_once(frozen, schedule, monkeypatch):
    slot = slot_create(schedule=schedule, starts_at=SLOT_START, capacity=2)
    taken = book(slot, 1).code
    codes = iter([taken, "7KQ4M2XH9P"])
    monkeypatch.setattr(booking_service, "code_generate", lambda: next(codes))
    appointment = book(slot, 2)  # the first statement fails on the code: its claim of a place is rolled back
    assert appointment.code == "7KQ4M2XH9P"
    slot.refresh_from_db()
    assert slot.booked == 2 == Appointment.objects.filter(slot=slot).count()
    assert Notification.objects.filter(appointment=appointment).count() == 4


def test_the_booked_appointment_is_the_saved_row(frozen, slot):
    appointment = book(slot, 1, preferred_language=LanguageFactory(code="qu", name="Quechua").code)
    saved = Appointment.objects.get(pk=appointment.pk)
    assert appointment._state.adding is False and saved.preferred_language.code == "qu"
    assert {field.attname: getattr(appointment, field.attname) for field in Appointment._meta.concrete_fields} == {
        field.attname: getattr(saved, field.attname) for field in Appointment._meta.concrete_fields
    }


def test_quota_row_per_document(frozen, slot):
    book(slot, 1, document_type=DocumentType.CE, document_number="001234567")
    assert DocumentQuota.objects.filter(document_type="ce", document_number="001234567").exists()


# --- schedules and slots -----------------------------------------------------------------------------------------


def test_overlapping_or_short_ranges_are_refused():
    with pytest.raises(ValidationError) as info:
        schedule_rules_validate(
            rules=[
                RuleRange(0, dt.time(8, 30), dt.time(12, 0)),
                RuleRange(0, dt.time(11, 30), dt.time(13, 0)),
                RuleRange(1, dt.time(9, 0), dt.time(9, 15)),
                RuleRange(2, dt.time(10, 0), dt.time(9, 0)),
            ],
            slot_minutes=30,
        )
    assert len(info.value.messages) == 3
    assert any("se superponen" in message for message in info.value.messages)


def test_schedule_create_generates_the_window_without_holidays(frozen, procedure):
    center = CenterFactory()
    OfferingFactory(center=center, procedure=procedure)
    schedule = schedule_create(
        center=center,
        name="RENIEC",
        procedures=[procedure],
        rules=[RuleRange(weekday, dt.time(8, 30), dt.time(10, 30)) for weekday in range(5)],
        slot_minutes=30,
        capacity=3,
        max_days_ahead=30,
    )
    starts = list(Slot.objects.filter(schedule=schedule).values_list("starts_at", flat=True))
    days = {timezone.localdate(start) for start in starts}
    assert dt.date(2026, 12, 8) not in days and dt.date(2026, 12, 9) not in days  # national holidays
    assert dt.date(2026, 11, 28) not in days  # Saturday: no rule
    assert dt.date(2026, 11, 23) not in days  # today's last slot starts at 10:00, which is now: not generated
    assert all(start > NOW for start in starts)
    assert lima(2026, 12, 1, 8, 30) in starts and lima(2026, 12, 1, 10, 0) in starts
    assert lima(2026, 12, 1, 10, 30) not in starts  # would end after the range
    assert max(days) == dt.date(2026, 12, 23)
    assert all(slot.capacity == 3 for slot in Slot.objects.filter(schedule=schedule))


def test_schedule_procedures_must_be_offered_there(frozen, procedure):
    with pytest.raises(ValidationError):
        schedule_create(center=CenterFactory(), name="X", procedures=[procedure], rules=[])
