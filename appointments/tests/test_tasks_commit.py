"""What a booking leaves for the workers after a real commit (transactional tests: the service's own commit runs the
callbacks): rows, and nudges that the process publishes as a few scans, not a message per booking."""

import base64
import json

import pytest

from appointments.models import Appointment, Slot
from appointments.services import appointment_cancel, slots_generate
from appointments.services.changes import appointment_changes_announce
from appointments.tasks import outbox_scan
from appointments.tests.factories import ScheduleFactory, appointment_create
from common import nudges
from common.nudges import nudges_flush

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_migrated_rows")]


def queued_tasks(client, queue, before) -> list[str]:
    return [json.loads(raw)["headers"]["task"] for raw in client.lrange(queue, 0, client.llen(queue) - before - 1)]


@pytest.fixture
def slots(procedure):
    schedule = ScheduleFactory(procedures=[procedure], rules=[(1, "08:30", "12:30")], capacity=4)
    slots_generate(schedule=schedule)
    return list(Slot.objects.filter(schedule=schedule).order_by("starts_at"))


def test_bookings_leave_rows_and_their_process_publishes_the_scan_not_a_message_each(
    frozen, slots, redis_broker, settings
):
    client, queue, before = redis_broker
    settings.NUDGE_INTERVAL_SECONDS = 60  # one round, then a pause: what later bookings ask for waits for the next
    assert nudges_flush(timeout=5)

    booked = [appointment_create(slot=slots[0], n=1)]
    assert nudges_flush(timeout=5)
    assert queued_tasks(client, queue, before) == ["appointments.tasks.outbox_scan"]
    booked += [appointment_create(slot=slot, n=n) for n, slot in enumerate(slots[1:6], start=2)]

    # The five bookings after it are noted during the pause, not published; each left its rows for the scan.
    assert queued_tasks(client, queue, before) == ["appointments.tasks.outbox_scan"]
    for appointment in booked:
        appointment.refresh_from_db()
        assert appointment.unannounced == 1  # the change to announce
        assert appointment.notifications.filter(kind="confirmation", sent_at__isnull=True).exists()
    # The message names no booking: the scan finds the rows, whichever booking nudged it.
    body = json.loads(base64.b64decode(json.loads(client.lindex(queue, 0))["body"]))
    assert body[0] == [] and body[1] == {}

    # A flush (a worker that exits) ends the pause: the five leave as one more scan.
    assert nudges_flush(timeout=5)
    assert queued_tasks(client, queue, before) == ["appointments.tasks.outbox_scan"] * 2


def test_a_booking_and_a_cancellation_nudge_the_scan_once_each(frozen, slots, monkeypatch):
    """The change's mark relies on the message its transaction plans to nudge the scan (services.changes)."""
    nudged = []
    monkeypatch.setattr(nudges, "nudge", lambda task: nudged.append(task.name))

    appointment = appointment_create(slot=slots[0], n=1)
    assert nudged == ["appointments.tasks.outbox_scan"]
    appointment_cancel(appointment=appointment)
    assert nudged == ["appointments.tasks.outbox_scan"] * 2


@pytest.fixture
def heard():
    """The changes announced to the apps above, as a receiver of appointment_changed hears them."""
    from appointments.signals import appointment_changed

    changes: list[tuple[int, str]] = []
    appointment_changed.connect(
        lambda sender, appointment_id, action, **kwargs: changes.append((appointment_id, action)),
        weak=False,
        dispatch_uid="test_heard",
    )
    yield changes
    appointment_changed.disconnect(dispatch_uid="test_heard")


def test_a_broker_that_is_down_loses_no_booking_and_no_change(frozen, slots, redis_broker, caplog, mailoutbox, heard):
    """Redis refuses the publish: the citizen is booked, the rows wait, and the beat's scan sends and announces."""
    from celery import current_app

    current_app.conf.update(broker_url="redis://127.0.0.1:1/0")  # nothing listens there (restored by the fixture)
    appointment = appointment_create(slot=slots[0], n=1)
    assert nudges_flush(timeout=10)
    assert "Publishing the scan appointments.tasks.outbox_scan failed" in caplog.text
    assert Appointment.objects.get(pk=appointment.pk).unannounced == 1
    assert heard == [] and mailoutbox == []

    # The beat's scan, later: the confirmation goes out and the change is announced, once.
    assert outbox_scan() == {"sent": 2, "announced": 1}  # the confirmation by e-mail and by SMS
    assert outbox_scan() == {"sent": 0, "announced": 0}
    assert heard == [(appointment.pk, "book")]
    assert Appointment.objects.get(pk=appointment.pk).unannounced == 0
    assert len(mailoutbox) == 1


def test_a_cancellation_marks_its_change_after_the_booking_and_both_are_announced_in_order(
    frozen, slots, broker_lost, heard
):
    appointment = appointment_create(slot=slots[0], n=1)
    appointment_cancel(appointment=appointment, reason="ya no")

    assert Appointment.objects.get(pk=appointment.pk).unannounced == 3  # booked and cancelled, neither announced
    assert appointment_changes_announce() == 2
    assert heard == [(appointment.pk, "book"), (appointment.pk, "cancel")]
    assert Appointment.objects.get(pk=appointment.pk).unannounced == 0


def test_a_receiver_that_fails_leaves_its_change_marked_and_the_others_are_announced(frozen, slots, broker_lost):
    from appointments.signals import appointment_changed

    first, second = (appointment_create(slot=slots[0], n=n) for n in (1, 2))
    heard: list[tuple[int, str]] = []

    def receiver(sender, appointment_id, action, **kwargs):
        if appointment_id == first.pk:
            raise RuntimeError("the receiver's database is away")
        heard.append((appointment_id, action))

    appointment_changed.connect(receiver, weak=False, dispatch_uid="test_failing_receiver")
    try:
        assert appointment_changes_announce() == 1
    finally:
        appointment_changed.disconnect(dispatch_uid="test_failing_receiver")

    assert heard == [(second.pk, "book")]
    assert Appointment.objects.get(pk=first.pk).unannounced == 1  # announced again at the next scan
    assert Appointment.objects.get(pk=second.pk).unannounced == 0
    assert appointment_changes_announce() == 1  # the receiver is back
    assert Appointment.objects.get(pk=first.pk).unannounced == 0


@pytest.mark.postgresql
def test_two_scans_at_once_announce_each_change_once(frozen, slots, broker_lost):
    from appointments.signals import appointment_changed
    from appointments.tests.test_notifications import run_concurrently

    booked = [appointment_create(slot=slot, n=n) for n, slot in enumerate(slots[:6], start=1)]
    heard: list[int] = []
    appointment_changed.connect(
        lambda sender, appointment_id, **kwargs: heard.append(appointment_id),
        weak=False,
        dispatch_uid="test_two_scans",
    )
    try:
        results = run_concurrently(
            lambda: appointment_changes_announce(limit=2), lambda: appointment_changes_announce(limit=2)
        )
    finally:
        appointment_changed.disconnect(dispatch_uid="test_two_scans")

    assert sum(results) == 6
    assert sorted(heard) == sorted(appointment.pk for appointment in booked)
