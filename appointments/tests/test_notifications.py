"""Messages: sent after commit, reminders from the beat, exactly once through crashes and double beats."""

import datetime as dt
import threading

import pytest
from django.db import connection

from appointments.constants import NotificationKind
from appointments.models import Notification
from appointments.services import appointment_cancel, appointment_reschedule, notifications
from appointments.tasks import notifications_send_due
from appointments.tests.factories import ScheduleFactory, appointment_create, slot_create
from appointments.tests.utils import NOW, SLOT_START

REMINDER_AT = SLOT_START - dt.timedelta(hours=24)


def book(slot, n=1, capture=None, **overrides):
    if capture is None:
        return appointment_create(slot=slot, n=n, **overrides)
    with capture(execute=True):
        return appointment_create(slot=slot, n=n, **overrides)


@pytest.mark.django_db
def test_confirmation_goes_out_after_commit_by_email_and_sms(
    frozen, slot, mailoutbox, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        appointment = appointment_create(slot=slot, n=1)
    assert mailoutbox == [] and sms_outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1 and len(sms_outbox) == 1
    assert mailoutbox[0].to == [appointment.email]
    assert appointment.code_display in mailoutbox[0].subject
    assert sms_outbox[0].to == "+51987654321"
    assert appointment.code_display in sms_outbox[0].body
    sent = Notification.objects.filter(appointment=appointment, kind=NotificationKind.CONFIRMATION)
    assert all(n.sent_at == NOW and n.attempts == 1 for n in sent)


@pytest.mark.django_db
def test_reminders_go_out_once_when_due(frozen, slot, mailoutbox, sms_outbox, django_capture_on_commit_callbacks):
    book(slot, capture=django_capture_on_commit_callbacks)
    mailoutbox.clear()
    sms_outbox.clear()
    frozen.move_to(REMINDER_AT - dt.timedelta(minutes=1))
    assert notifications_send_due() == 0
    frozen.move_to(REMINDER_AT)
    assert notifications_send_due() == 2
    assert notifications_send_due() == 0
    assert [m.subject for m in mailoutbox] == ["Recordatorio: su cita es el martes 1 de diciembre de 2026, 08:30"]
    assert sms_outbox[0].body.startswith("MAC: recordatorio")


@pytest.mark.django_db
def test_a_booking_less_than_a_day_ahead_gets_no_separate_reminder(frozen, schedule):
    soon = slot_create(schedule=schedule, starts_at=NOW + dt.timedelta(hours=5))
    appointment = book(soon)
    assert not appointment.notifications.filter(kind=NotificationKind.REMINDER).exists()


@pytest.mark.django_db
def test_cancelling_drops_the_reminder_and_sends_a_cancellation(
    frozen, slot, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = book(slot, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=appointment, reason="Viaje")
    assert mailoutbox[-1].subject == f"Su cita {appointment.code_display} ha sido cancelada"
    ics = [a for a in mailoutbox[-1].attachments if a.filename.endswith(".ics")][0]
    assert "METHOD:CANCEL" in ics.content and "STATUS:CANCELLED" in ics.content
    frozen.move_to(REMINDER_AT + dt.timedelta(minutes=5))
    assert notifications_send_due() == 0


@pytest.mark.django_db
def test_rescheduling_moves_the_reminder(frozen, schedule, mailoutbox, django_capture_on_commit_callbacks):
    old = slot_create(schedule=schedule, starts_at=SLOT_START)
    new = slot_create(schedule=schedule, starts_at=SLOT_START + dt.timedelta(days=2))
    appointment = book(old, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(appointment=appointment, slot_id=new.pk)
    assert mailoutbox[-1].subject == f"Su cita {appointment.code_display} tiene una nueva fecha"
    assert "jueves 3 de diciembre de 2026, 08:30" in mailoutbox[-1].body
    ics = [a for a in mailoutbox[-1].attachments if a.filename.endswith(".ics")][0]
    assert "SEQUENCE:1" in ics.content
    mailoutbox.clear()
    frozen.move_to(REMINDER_AT)
    assert notifications_send_due() == 0  # the old reminder was dropped
    frozen.move_to(REMINDER_AT + dt.timedelta(days=2))
    assert notifications_send_due() == 2
    assert "jueves 3 de diciembre" in mailoutbox[0].subject


@pytest.mark.django_db
def test_a_failing_provider_is_retried_with_backoff_then_given_up(
    frozen, settings, slot, mailoutbox, sms_outbox, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "appointments.tests.test_notifications.BrokenSms"
    settings.APPOINTMENTS_NOTIFICATION_MAX_ATTEMPTS = 3
    appointment = book(slot, capture=django_capture_on_commit_callbacks)
    sms = appointment.notifications.get(kind=NotificationKind.CONFIRMATION, channel="sms")
    assert (sms.sent_at, sms.attempts, sms.claimed_at) == (None, 1, None)
    assert "SmsError" in sms.last_error
    assert sms.due_at == NOW + dt.timedelta(minutes=2)
    assert len(mailoutbox) == 1  # the e-mail went out anyway
    frozen.move_to(NOW + dt.timedelta(minutes=2))
    assert notifications_send_due() == 0
    frozen.move_to(NOW + dt.timedelta(minutes=10))
    notifications_send_due()
    sms.refresh_from_db()
    assert sms.attempts == 3 and sms.skipped_at is not None and sms.sent_at is None
    frozen.move_to(NOW + dt.timedelta(hours=2))
    notifications_send_due()
    sms.refresh_from_db()
    assert sms.attempts == 3  # given up: never claimed again


class BrokenSms:
    def send_messages(self, messages):
        from appointments.sms import SmsError

        raise SmsError("provider answered 503")


@pytest.mark.django_db
def test_planning_twice_creates_nothing_twice(frozen, slot):
    appointment = book(slot)
    before = Notification.objects.count()
    notifications.notifications_plan(appointment=appointment, kind=NotificationKind.CONFIRMATION)
    assert Notification.objects.count() == before


# --- exactly once, with real concurrent connections --------------------------------------------------------------


def run_concurrently(*actions):
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def runner(index, action):
        barrier.wait()
        try:
            results[index] = action()
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_migrated_rows")
def test_a_worker_crash_between_claim_and_send_then_a_double_beat_sends_once(frozen, settings, procedure, mailoutbox):
    settings.APPOINTMENTS_NOTIFICATION_LEASE_SECONDS = 600
    schedule = ScheduleFactory(procedures=[procedure])
    slot = slot_create(schedule=schedule, starts_at=SLOT_START)
    appointment = appointment_create(slot=slot, n=1, phone="")  # e-mail only; confirmation sent after commit
    mailoutbox.clear()
    frozen.move_to(REMINDER_AT)

    # A worker claims the due reminder, then dies before sending (its token is lost with it).
    _token, claimed = notifications.notifications_claim()
    reminder = appointment.notifications.get(kind=NotificationKind.REMINDER)
    assert claimed == [reminder.pk]
    # Within the lease nobody else takes it.
    assert run_concurrently(notifications.notifications_send_due, notifications.notifications_send_due) == [0, 0]
    assert mailoutbox == []

    # After the lease, two beats run at the same moment: the message goes out once.
    frozen.move_to(REMINDER_AT + dt.timedelta(seconds=601))
    results = run_concurrently(notifications.notifications_send_due, notifications.notifications_send_due)
    assert sorted(results) == [0, 1]
    assert len(mailoutbox) == 1 and mailoutbox[0].subject.startswith("Recordatorio")
    reminder.refresh_from_db()
    assert reminder.sent_at is not None and reminder.attempts == 2

    # And later beats find nothing.
    frozen.move_to(REMINDER_AT + dt.timedelta(hours=1))
    assert notifications.notifications_send_due() == 0
    assert len(mailoutbox) == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_migrated_rows")
def test_the_after_commit_task_and_the_beat_racing_send_once(frozen, procedure, mailoutbox, broker_lost):
    schedule = ScheduleFactory(procedures=[procedure])
    slot = slot_create(schedule=schedule, starts_at=SLOT_START)
    appointment = appointment_create(slot=slot, n=1, phone="")
    confirmation = appointment.notifications.get(kind=NotificationKind.CONFIRMATION)
    results = run_concurrently(
        lambda: notifications.notification_send(notification_id=confirmation.pk),
        notifications.notifications_send_due,
        notifications.notifications_send_due,
    )
    assert sum(int(r) for r in results) == 1
    assert len(mailoutbox) == 1


# --- The double-send window: one provider call --------------------------------------------------------------


class WorkerKilledAfterSending(BaseException):
    """What a kill -9 looks like from inside: nothing after the provider call runs (not an Exception: no handler
    of the delivery code catches it)."""


class SmsThenKilled:
    def send_messages(self, messages):
        from appointments.sms import outbox

        outbox.extend(messages)  # the gateway accepted the message...
        raise WorkerKilledAfterSending  # ...and the worker died before marking it sent


@pytest.mark.django_db
def test_a_crash_between_send_and_mark_resends_once_with_the_same_keys(
    frozen, settings, slot, mailoutbox, sms_outbox, broker_lost
):
    settings.APPOINTMENTS_NOTIFICATION_LEASE_SECONDS = 600
    appointment = book(slot, email="")  # SMS only
    settings.SMS_BACKEND = "appointments.tests.test_notifications.SmsThenKilled"
    with pytest.raises(WorkerKilledAfterSending):
        notifications_send_due()
    row = appointment.notifications.get(kind=NotificationKind.CONFIRMATION)
    assert row.sending_at is not None and row.sent_at is None and len(sms_outbox) == 1

    settings.SMS_BACKEND = "appointments.sms.LocmemBackend"
    assert notifications_send_due() == 0  # the dead worker's claim holds until its lease expires
    frozen.shift(601)
    assert notifications_send_due() == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 2
    assert len(sms_outbox) == 2  # at least once; the one duplicate is recognisable:
    assert sms_outbox[0].idempotency_key == sms_outbox[1].idempotency_key == row.message_key
    frozen.shift(3600)
    assert notifications_send_due() == 0  # and never a third time


@pytest.mark.django_db
def test_every_email_attempt_carries_the_same_message_id(frozen, settings, slot, mailoutbox, broker_lost):
    appointment = book(slot, phone="")
    notifications_send_due()
    row = appointment.notifications.get(kind=NotificationKind.CONFIRMATION)
    assert mailoutbox[0].extra_headers["Message-ID"] == f"<{row.message_key}@{settings.APPOINTMENTS_ICS_UID_DOMAIN}>"
    assert mailoutbox[0].message()["Message-ID"] == mailoutbox[0].extra_headers["Message-ID"]


@pytest.mark.django_db
def test_a_refusal_records_the_error_class_and_no_personal_data(frozen, settings, slot, caplog):
    settings.SMS_BACKEND = "appointments.tests.test_notifications.LeakySms"
    appointment = book(slot, email="")
    notifications_send_due()
    row = appointment.notifications.get(kind=NotificationKind.CONFIRMATION)
    assert row.last_error.startswith("SmsError: ") and row.sending_at is None
    assert "987654321" not in row.last_error and "987654321" not in caplog.text


class LeakySms:
    def send_messages(self, messages):
        from appointments.sms import SmsError

        raise SmsError(f"provider refused {messages[0].to}")
