"""Celery tasks of the booking engine: thin, take IDs, idempotent (safe to run twice), retried on database errors.

Each task imports its service inside its body (services import this module to nudge or enqueue after commit, so the
top of this module imports no service). Beat (settings.CELERY_BEAT_SCHEDULE): the outbox scan (messages due, changes to
announce) every minute (APPOINTMENTS_NOTIFICATION_SCAN_SECONDS; also nudged after commits), no-shows every 5 minutes,
slots and the personal-data retention purge daily.
"""

from dataclasses import asdict

from celery import shared_task
from django.db import DatabaseError

from .models import Schedule

RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "retry_jitter": True, "max_retries": 5}


@shared_task(**RETRY)
def notification_send(notification_id: int) -> bool:
    """Send one planned message if it is still due and nobody holds it. Nothing enqueues it now (the outbox scan sends
    what is due); kept for the messages of an earlier release during a rolling deploy."""
    from appointments.services import notifications

    return notifications.notification_send(notification_id=notification_id)


@shared_task(**RETRY)
def notifications_send_due() -> int:
    """Claim and send every due message (outbox_scan does it too; kept for messages of an earlier release)."""
    from appointments.services import notifications

    return notifications.notifications_send_due()


@shared_task(**RETRY)
def outbox_scan() -> dict[str, int]:
    """The rows the booking engine leaves for the workers: send the messages due (confirmations, reminders…) and
    announce the appointments' changes (services.changes). Nudged after the commits that leave such rows
    (common.nudges) and run by beat as the backstop; returns how many of each."""
    from appointments.services import notifications
    from appointments.services.changes import appointment_changes_announce

    return {"sent": notifications.notifications_send_due(), "announced": appointment_changes_announce()}


@shared_task(**RETRY)
def appointments_mark_no_shows() -> int:
    """Mark booked appointments not checked in by their slot's end plus the grace period as no-show."""
    from appointments.services import appointments_mark_no_shows

    return appointments_mark_no_shows()


@shared_task(**RETRY)
def slots_extend() -> int:
    """Daily: every schedule gets slots up to the end of its window; returns the number of slots created."""
    from appointments.services import slots_generate_all

    return slots_generate_all().created


@shared_task(**RETRY)
def schedule_slots_regenerate(schedule_id: int) -> int:
    """After a schedule changes: its future slots follow the new rules; returns the number of conflicts."""
    from appointments.services import slots_generate

    schedule = Schedule.objects.filter(pk=schedule_id).first()
    if schedule is None:
        return 0
    return len(slots_generate(schedule=schedule).conflicts)


@shared_task(**RETRY)
def center_slots_regenerate(center_id: int) -> int:
    """After a closure is added or removed: that center's slots follow it; returns the number of conflicts."""
    from appointments.services import slots_generate_for_center

    return len(slots_generate_for_center(center_id=center_id).conflicts)


@shared_task(**RETRY)
def appointments_purge_personal_data() -> dict[str, int]:
    """Daily: anonymize appointments past the retention limit (Ley 29733) and drop their messages; returns counts."""
    from appointments.services import appointments_purge_personal_data

    return asdict(appointments_purge_personal_data())
