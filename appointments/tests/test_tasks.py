"""Celery tasks: thin, take IDs, safe to run twice; the beat schedule names them."""

import datetime as dt

import pytest
from django.conf import settings

from appointments import tasks
from appointments.constants import AppointmentStatus
from appointments.models import Slot
from appointments.tests.factories import ScheduleFactory, appointment_create
from appointments.tests.utils import SLOT_START

pytestmark = pytest.mark.django_db


def test_the_beat_schedule_runs_the_three_scans():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "appointments.tasks.notifications_send_due",
        "appointments.tasks.appointments_mark_no_shows",
        "appointments.tasks.slots_extend",
    } <= scheduled
    for name in scheduled:
        assert name.rsplit(".", 1)[1] in dir(tasks)


def test_tasks_are_idempotent_and_tolerate_missing_rows(frozen, procedure):
    schedule = ScheduleFactory(procedures=[procedure], rules=[(1, "08:30", "09:30")])
    assert tasks.slots_extend.delay().get() == 8  # 4 Tuesdays × 2 slots
    assert tasks.slots_extend.delay().get() == 0
    assert tasks.schedule_slots_regenerate.delay(schedule.pk).get() == 0
    assert tasks.schedule_slots_regenerate.delay(999_999).get() == 0
    assert tasks.center_slots_regenerate.delay(999_999).get() == 0
    assert tasks.notification_send.delay(999_999).get() is False
    assert tasks.notifications_send_due.delay().get() == 0

    slot = Slot.objects.get(schedule=schedule, starts_at=SLOT_START)
    appointment = appointment_create(slot=slot, n=1)
    frozen.move_to(SLOT_START + dt.timedelta(hours=2))
    assert tasks.appointments_mark_no_shows.delay().get() == 1
    assert tasks.appointments_mark_no_shows.delay().get() == 0
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW
