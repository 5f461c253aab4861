"""Messages to the citizen (acknowledgement, answer) as database rows, sent at least once and at most twice.

The same delivery contract as appointments.services.notifications: rows are planned inside the filing or answering
transaction and enqueued after commit; `messages_claim` picks due rows with SELECT … FOR UPDATE SKIP LOCKED and
marks them with a claim token in a transaction of its own; only the holder of the token sends and marks a row.
`sending_at` is committed just before the provider call and `sent_at` just after, so a worker killed in between
leaves a row that is sent again after the lease with the same Message-ID / Idempotency-Key. A refusal clears
`sending_at` and retries with backoff, up to settings.APPOINTMENTS_NOTIFICATION_MAX_ATTEMPTS. The beat task
`complaint_messages_send_due` sends whatever a lost task left.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from appointments.sms import sms_send
from common.outbox import outbox_claim, outbox_failed

from ..constants import MessageChannel
from ..emails import complaint_email_build, complaint_sms_text
from ..models import Complaint, ComplaintMessage
from ..tasks import complaint_message_send as complaint_message_send_task

__all__ = ["message_deliver", "message_send", "messages_claim", "messages_plan", "messages_send_due"]

logger = logging.getLogger(__name__)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def messages_plan(*, complaint: Complaint, kind: str, now: dt.datetime | None = None) -> list[int]:
    """Create this kind's rows (one per contact channel; inside the caller's transaction; idempotent) and enqueue
    them after commit. Returns their ids."""
    now = now or timezone.now()
    channels = [
        channel
        for channel, present in ((MessageChannel.EMAIL, complaint.email), (MessageChannel.SMS, complaint.phone))
        if present
    ]
    ComplaintMessage.objects.bulk_create(
        [ComplaintMessage(complaint=complaint, kind=kind, channel=channel, due_at=now) for channel in channels],
        ignore_conflicts=True,
    )
    ids = list(
        ComplaintMessage.objects.filter(
            complaint=complaint, kind=kind, sent_at__isnull=True, claimed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        complaint_message_send_task.delay_on_commit(pk)
    return ids


def messages_claim(
    *, limit: int = 100, ids: Sequence[int] | None = None, now: dt.datetime | None = None
) -> tuple[uuid.UUID, list[int]]:
    """Claim up to `limit` due rows (or those of `ids` that are due) for this caller: common.outbox's one rule."""
    lease = dt.timedelta(seconds=_setting("APPOINTMENTS_NOTIFICATION_LEASE_SECONDS", 600))
    return outbox_claim(model=ComplaintMessage, lease=lease, now=now or timezone.now(), limit=limit, ids=ids)


def _provider_send(message: ComplaintMessage) -> None:
    complaint = message.complaint
    if message.channel == MessageChannel.EMAIL:
        complaint_email_build(complaint=complaint, kind=message.kind, message_key=message.message_key).send()
    else:
        sms_send(
            to=complaint.phone,
            body=complaint_sms_text(complaint=complaint, kind=message.kind),
            idempotency_key=message.message_key,
        )


def message_deliver(*, message_id: int, token: uuid.UUID) -> bool:
    """Send one claimed row; only the holder of `token` sends and marks it. True when it went out."""
    now = timezone.now()
    message = (
        ComplaintMessage.objects.select_related("complaint__entity", "complaint__center")
        .filter(pk=message_id, claim_token=token, sent_at__isnull=True, skipped_at__isnull=True)
        .first()
    )
    if message is None:
        return False
    held = ComplaintMessage.objects.filter(pk=message_id, claim_token=token, sent_at__isnull=True)
    if message.sending_at is not None:
        logger.warning(
            "Complaint message %s may have gone out already; sending it again as %s", message_id, message.message_key
        )
    if not held.update(sending_at=timezone.now()):
        return False
    try:
        _provider_send(message)
    except Exception as exc:  # noqa: BLE001 - any provider failure is recorded and retried later
        outbox_failed(
            mine=held,
            attempts=message.attempts,
            max_attempts=_setting("APPOINTMENTS_NOTIFICATION_MAX_ATTEMPTS", 5),
            exc=exc,
            now=now,
            logger=logger,
            label=f"Complaint message {message_id}",
        )
        return False
    if not held.update(sent_at=timezone.now(), last_error=""):
        logger.error("Complaint message %s was sent after its claim expired; it may have gone out twice", message_id)
    return True


def messages_send_due(*, limit: int = 100) -> int:
    """Claim and send what is due (the beat task). Returns how many messages went out."""
    token, ids = messages_claim(limit=limit)
    return sum(message_deliver(message_id=pk, token=token) for pk in ids)


def message_send(*, message_id: int) -> bool:
    """Claim and send one row if it is still due and unclaimed (the after-commit task); idempotent."""
    token, ids = messages_claim(ids=[message_id])
    return bool(ids) and message_deliver(message_id=message_id, token=token)
