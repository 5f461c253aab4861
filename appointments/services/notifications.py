"""Outbound messages (e-mail, SMS) as database rows, planned with the booking and sent at least once, at most twice.

Planning: the booking services call `notifications_plan` inside their transaction; when rows are due now, the scan
of due rows (`notifications_send_due`, in tasks.outbox_scan) is nudged after commit (common.nudges), and beat runs the
same scan every minute — reminders, and anything a crashed worker or a lost broker message left behind.

Claiming: `UPDATE … SET claimed_at = now, claim_token = T, attempts = attempts + 1` on rows picked with
SELECT … FOR UPDATE SKIP LOCKED among those not sent and not claimed (or whose claim lease expired).
Only the holder of the token marks a row sent. Two beats never claim the same row; a worker that died
between claim and send leaves a row that is claimed again once the lease
(settings.APPOINTMENTS_NOTIFICATION_LEASE_SECONDS) expires; the lease is kept well above the task's time limit so a
slow worker never loses its claim while it is still sending.

The guarantee: at least once, and a duplicate only from a crash inside one provider call. `sending_at` is written
(and committed) just before the provider is called and `sent_at` just after; a worker killed between the two leaves
a row that is sent again after the lease — with the same Message-ID (e-mail) and Idempotency-Key (SMS gateway), so
the second copy is recognisable (and dropped by a gateway that honours the key) — and logged as a possible
duplicate. A provider that refuses a message clears `sending_at`: nothing went out, nothing is doubled.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from common.nudges import nudge_on_commit
from common.outbox import outbox_claim, outbox_failed

from ..constants import AppointmentStatus, NotificationChannel, NotificationKind
from ..emails import appointment_email_build, appointment_sms_text
from ..models import Appointment, Notification, OutboundMessage
from ..sms import sms_send
from ..tasks import outbox_scan

__all__ = [
    "message_rows_claim",
    "notification_deliver",
    "notification_send",
    "notifications_claim",
    "notifications_due_now",
    "notifications_enqueue",
    "notifications_plan",
    "notifications_rows",
    "notifications_send_due",
]

logger = logging.getLogger(__name__)


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "APPOINTMENTS_NOTIFICATION_LEASE_SECONDS", 600)))


def _channels(appointment: Appointment) -> list[str]:
    channels: list[str] = []
    if appointment.email:
        channels.append(NotificationChannel.EMAIL)
    if appointment.phone:
        channels.append(NotificationChannel.SMS)
    return channels


def notifications_rows(*, appointment: Appointment, kind: str, now: dt.datetime) -> list[Notification]:
    """The rows (not saved) `notifications_plan` creates for what just happened to an appointment: the message of
    `kind` on each of its channels, due now, plus for a confirmation or a reschedule the reminders before the time."""
    rows: list[Notification] = []
    channels = _channels(appointment)
    for channel in channels:
        rows.append(
            Notification(appointment=appointment, kind=kind, channel=channel, sequence=appointment.version, due_at=now)
        )
    if kind in (NotificationKind.CONFIRMATION, NotificationKind.RESCHEDULE):
        hours = int(getattr(settings, "APPOINTMENTS_REMINDER_HOURS_BEFORE", 24))
        remind_at = appointment.slot.starts_at - dt.timedelta(hours=hours)
        if remind_at > now:  # booked less than a reminder period ahead: the confirmation is the reminder
            for channel in channels:
                rows.append(
                    Notification(
                        appointment=appointment,
                        kind=NotificationKind.REMINDER,
                        channel=channel,
                        sequence=appointment.version,
                        due_at=remind_at,
                    )
                )
    return rows


def notifications_plan(*, appointment: Appointment, kind: str, now: dt.datetime | None = None) -> list[int]:
    """Create the rows for what just happened to an appointment (inside the caller's transaction).

    kind "confirmation" or "reschedule": that message now, plus reminders before the (new) time;
    kind "cancellation": that message now, pending reminders dropped. Idempotent per appointment version.
    Returns the ids of rows due now; they are enqueued after commit.
    """
    now = now or timezone.now()
    pending = Notification.objects.filter(appointment=appointment, sent_at__isnull=True, skipped_at__isnull=True)
    if kind in (NotificationKind.CANCELLATION, NotificationKind.RESCHEDULE):
        pending.filter(kind=NotificationKind.REMINDER).update(skipped_at=now, last_error="superseded")
    Notification.objects.bulk_create(
        notifications_rows(appointment=appointment, kind=kind, now=now), ignore_conflicts=True
    )
    due_now = list(
        pending.filter(due_at__lte=now, claimed_at__isnull=True)
        .exclude(kind=NotificationKind.REMINDER)
        .values_list("pk", flat=True)
    )
    notifications_enqueue(ids=due_now)
    return due_now


def notifications_due_now(*, rows: Sequence[Notification], now: dt.datetime) -> list[int]:
    """Of the rows a new appointment was just given (saved, and nothing else pending for it), the ids of those due now:
    what notifications_plan's read of the due rows finds there."""
    return [row.pk for row in rows if row.kind != NotificationKind.REMINDER and row.due_at <= now]


def notifications_enqueue(*, ids: Sequence[int]) -> None:
    """Have these rows (due now) sent soon after the current transaction commits: the outbox scan (tasks.outbox_scan)
    is nudged (common.nudges), and sends them with whatever else is due."""
    if ids:
        nudge_on_commit(outbox_scan)


def message_rows_claim(
    *,
    model: type[OutboundMessage],
    limit: int = 100,
    ids: Sequence[int] | None = None,
    now: dt.datetime | None = None,
    lease: dt.timedelta | None = None,
) -> tuple[uuid.UUID, list[int]]:
    """Claim up to `limit` due rows of a message model (or those of `ids` that are due) for this caller: the one rule of
    common.outbox. Returns (token, ids)."""
    return outbox_claim(model=model, lease=lease or _lease(), now=now or timezone.now(), limit=limit, ids=ids)


def notifications_claim(
    *, limit: int = 100, ids: Sequence[int] | None = None, now: dt.datetime | None = None
) -> tuple[uuid.UUID, list[int]]:
    """Claim up to `limit` due notifications (or those of `ids` that are due) for this caller; returns (token, ids)."""
    return message_rows_claim(model=Notification, limit=limit, ids=ids, now=now)


def _skip_reason(notification: Notification, now: dt.datetime) -> str:
    appointment = notification.appointment
    if notification.kind == NotificationKind.CANCELLATION:
        return ""
    if notification.sequence != appointment.version:
        return "superseded"
    if appointment.status == AppointmentStatus.CANCELLED:
        return "cancelled"
    if notification.kind == NotificationKind.REMINDER and (
        appointment.status != AppointmentStatus.BOOKED or appointment.slot.starts_at <= now
    ):
        return "not needed"
    return ""


def notification_deliver(*, notification_id: int, token: uuid.UUID) -> bool:
    """Send one claimed row; only the holder of `token` sends and marks it. True when it was sent."""
    now = timezone.now()
    notification = (
        Notification.objects.select_related(
            "appointment__procedure__entity", "appointment__center", "appointment__slot"
        )
        .filter(pk=notification_id, claim_token=token, sent_at__isnull=True, skipped_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    mine = Notification.objects.filter(pk=notification_id, claim_token=token, sent_at__isnull=True)
    if reason := _skip_reason(notification, now):
        mine.update(skipped_at=now, last_error=reason)
        return False
    appointment = notification.appointment
    if notification.sending_at is not None:
        logger.warning(
            "Notification %s may have gone out already (a worker stopped after handing it to the provider); "
            "sending it again as %s",
            notification_id,
            notification.message_key,
        )
    # Marked in its own statement (autocommit) before the provider is called: the window of a double send is
    # this one call, and a resend carries the same Message-ID / idempotency key.
    if not mine.update(sending_at=timezone.now()):
        return False
    try:
        if notification.channel == NotificationChannel.EMAIL:
            appointment_email_build(
                appointment=appointment, kind=notification.kind, message_key=notification.message_key
            ).send()
        else:
            sms_send(
                to=appointment.phone,
                body=appointment_sms_text(appointment=appointment, kind=notification.kind),
                idempotency_key=notification.message_key,
            )
    except Exception as exc:  # noqa: BLE001 - any provider failure is recorded and retried later
        outbox_failed(
            mine=mine,
            attempts=notification.attempts,
            max_attempts=int(getattr(settings, "APPOINTMENTS_NOTIFICATION_MAX_ATTEMPTS", 5)),
            exc=exc,
            now=now,
            logger=logger,
            label=f"Notification {notification_id}",
        )
        return False
    if not mine.update(sent_at=timezone.now(), last_error=""):
        logger.error("Notification %s was sent after its claim expired; it may have gone out twice", notification_id)
    return True


def notifications_send_due(*, limit: int = 100, rounds: int = 20) -> int:
    """Claim and send what is due, `limit` rows per claim, until a claim finds fewer (at most `rounds` claims: a backlog
    is shared with the next scans). Returns how many messages went out."""
    sent = 0
    for _round in range(rounds):
        token, ids = notifications_claim(limit=limit)
        sent += sum(notification_deliver(notification_id=pk, token=token) for pk in ids)
        if len(ids) < limit:
            break
    return sent


def notification_send(*, notification_id: int) -> bool:
    """Claim and send one row if it is still due and unclaimed; idempotent."""
    token, ids = notifications_claim(ids=[notification_id])
    return bool(ids) and notification_deliver(notification_id=notification_id, token=token)
