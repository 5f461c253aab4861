"""Remote tickets: a citizen joins a center's queue from a phone (/fila/<center>/), gets the link of the ticket's live
status page by SMS / e-mail, then one "your turn is near" message, and may cancel while waiting.

Rules:
- Only where the center's queue of the entity takes remote tickets (Queue.remote_tickets), for procedures that allow
  them (Procedure.remote_ticket), inside the window of attention.selectors.remote_join_window.
- One open remote ticket per mobile number and per document at a center on a day: two partial unique constraints
  on Ticket (a second join, even at the same instant, fails at the INSERT's commit point: RemoteTicketOpen).
- Once called, a remote ticket is like any other: served, transferred, or a no-show by the counter's rules.
- Ley 29733: the document is stored as a keyed digest only (for the limit); phone and e-mail only while the ticket
  holds a place — cleared on cancel, and by the beat (`remote_contacts_purge`) once it is finished, a no-show or
  from an earlier day.

Each message is a database row (TicketMessage, one per ticket, kind and channel: planned at most once), claimed
atomically and sent idempotently exactly as appointments' notifications are (see
appointments.services.notifications): `sending_at` just before the provider call, `sent_at` just after, the same
Message-ID / Idempotency-Key on every attempt, retried with backoff.
"""

import datetime as dt
import hashlib
import hmac
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appointments.constants import DocumentType, NotificationChannel
from appointments.formatting import lima_date
from appointments.services.notifications import message_rows_claim
from appointments.sms import sms_send
from appointments.validators import document_number_normalize, email_normalize, phone_normalize
from centers.models import Center
from common.logging import mask
from procedures.models import Procedure

from ..constants import OPEN_TICKET_STATUSES, TicketMessageKind, TicketStatus
from ..errors import InvalidInput, RemoteClosed, RemoteNotAllowed, RemoteTicketOpen, TicketStateConflict
from ..links import ticket_status_path
from ..models import Ticket, TicketMessage
from ..selectors.queue import ticket_estimate
from ..selectors.remote import remote_join_window, remote_procedures
from ..tasks import remote_message_send as remote_message_send_task
from .tickets import ticket_issue

__all__ = [
    "remote_contacts_purge",
    "remote_message_deliver",
    "remote_message_send",
    "remote_messages_claim",
    "remote_messages_plan",
    "remote_messages_send_due",
    "remote_tickets_scan",
    "ticket_cancel",
    "ticket_join_remote",
]

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5
_CLEARED = {"contact_phone": "", "contact_email": "", "document_digest": ""}


def _document_digest(*, document_type: str, number: str) -> str:
    key = hmac.new(settings.SECRET_KEY.encode(), b"attention.remote.document", hashlib.sha256).digest()
    return hmac.new(key, f"{document_type}:{number}".encode(), hashlib.sha256).hexdigest()


def _contact_clean(*, document_type: str, document_number: str, phone: str, email: str) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    values = {}
    checks = {
        "document_number": lambda: document_number_normalize(document_type=document_type, number=document_number),
        "phone": lambda: phone_normalize(phone),
        "email": lambda: email_normalize(email),
    }
    if document_type not in DocumentType.values:
        errors["document_type"] = [_("Choose a type of document.")]
    for name, check in checks.items():
        if name in errors:
            continue
        try:
            values[name] = check()
        except ValidationError as exc:
            errors[name] = list(exc.messages)
    if not errors and not values["phone"]:
        errors["phone"] = [_("Enter a mobile number: it is how we tell you when your turn is near.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    return values["document_number"], values["phone"], values["email"]


def ticket_join_remote(
    *,
    center: Center,
    procedure: Procedure,
    document_type: str,
    document_number: str,
    phone: str,
    email: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """Join the center's queue for a procedure from a phone (the rules are the module docstring)."""
    now = now or timezone.now()
    number, phone, email = _contact_clean(
        document_type=document_type, document_number=document_number, phone=phone, email=email
    )
    if not remote_procedures(center=center).filter(pk=procedure.pk).exists():
        raise RemoteNotAllowed()
    if not remote_join_window(center=center, now=now).is_open:
        raise RemoteClosed()
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a refused join leaves no ticket and takes no number
                ticket = ticket_issue(center=center, procedure=procedure, now=now)
                ticket.joined_remotely = True
                ticket.contact_phone = phone
                ticket.contact_email = email
                ticket.document_digest = _document_digest(document_type=document_type, number=number)
                ticket.save(update_fields=["joined_remotely", "contact_phone", "contact_email", "document_digest"])
        except IntegrityError as exc:  # ticket_one_open_remote_per_phone / _per_document
            raise RemoteTicketOpen() from exc
        # The ticket's link, so the citizen finds the status page again (and can cancel) from any device.
        for message in TicketMessage.objects.bulk_create(_rows(ticket, kind=TicketMessageKind.JOINED, now=now)):
            remote_message_send_task.delay_on_commit(message.pk)
    return ticket


def _rows(ticket: Ticket, *, kind: str, now: dt.datetime) -> list[TicketMessage]:
    channels = [
        channel
        for channel, address in (
            (NotificationChannel.SMS, ticket.contact_phone),
            (NotificationChannel.EMAIL, ticket.contact_email),
        )
        if address
    ]
    return [TicketMessage(ticket=ticket, kind=kind, channel=channel, due_at=now) for channel in channels]


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    """The citizen leaves the line (from the status page) while waiting; contact data goes at once."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == TicketStatus.CANCELLED:
        return ticket
    if ticket.status != TicketStatus.WAITING:
        raise TicketStateConflict(_("Your ticket has been called already: it can no longer be cancelled here."))
    now = now or timezone.now()
    ticket.status = TicketStatus.CANCELLED
    ticket.cancelled_at = now
    for name, value in _CLEARED.items():
        setattr(ticket, name, value)
    ticket.save(update_fields=["status", "cancelled_at", *_CLEARED, "updated_at"])
    TicketMessage.objects.filter(ticket=ticket, sent_at__isnull=True, skipped_at__isnull=True).update(
        skipped_at=now, last_error="cancelled"
    )
    return ticket


def remote_contacts_purge(*, now: dt.datetime | None = None) -> int:
    """Clear the contact data of remote tickets that no longer hold a place (finished, no-show, cancelled) or
    are from an earlier day. Returns how many tickets were cleared."""
    today = lima_date(now or timezone.now())
    return (
        Ticket.objects.filter(joined_remotely=True)
        .filter(Q(service_day__lt=today) | ~Q(status__in=OPEN_TICKET_STATUSES))
        .exclude(contact_phone="", contact_email="", document_digest="")
        .update(**_CLEARED)
    )


def remote_messages_plan(*, now: dt.datetime | None = None) -> int:
    """Plan the "near" message of today's waiting remote tickets with ATTENTION_REMOTE_NEAR_AHEAD people or fewer
    ahead: one row per ticket and channel, ever (a unique constraint; a second scan plans nothing)."""
    now = now or timezone.now()
    waiting = (
        Ticket.objects.filter(joined_remotely=True, service_day=lima_date(now), status=TicketStatus.WAITING)
        .exclude(contact_phone="", contact_email="")
        .exclude(messages__kind=TicketMessageKind.NEAR)
        .select_related("procedure")
    )
    rows = []
    for ticket in waiting:
        if ticket_estimate(ticket=ticket).people_ahead <= settings.ATTENTION_REMOTE_NEAR_AHEAD:
            rows += _rows(ticket, kind=TicketMessageKind.NEAR, now=now)
    return len(TicketMessage.objects.bulk_create(rows, ignore_conflicts=True))


def remote_messages_claim(*, limit: int = 100, now: dt.datetime | None = None) -> tuple[uuid.UUID, list[int]]:
    """Claim up to `limit` due rows for this caller (SKIP LOCKED; an expired claim is claimed again)."""
    return message_rows_claim(model=TicketMessage, limit=limit, now=now, lease=LEASE)


def _text(message: TicketMessage) -> tuple[str, str]:
    """Subject and body (the SMS is the body) in the portal's language."""
    ticket = message.ticket
    link = settings.PORTAL_BASE_URL.rstrip("/") + ticket_status_path(ticket)
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "code": ticket.code,
            "center": ticket.center.name,
            "procedure": ticket.procedure.name,
            "ahead": ticket_estimate(ticket=ticket).people_ahead,
            "link": link,
        }
        if message.kind == TicketMessageKind.JOINED:
            subject = _("MAC: your ticket %(code)s") % values
            body = (
                _("MAC %(center)s: your ticket %(code)s for %(procedure)s. Your place in the line: %(link)s") % values
            )
        else:
            subject = _("MAC: your ticket %(code)s is near") % values
            body = (
                _(
                    "MAC %(center)s: your ticket %(code)s is near (%(ahead)s people ahead). Please come to the "
                    "center now. %(link)s"
                )
                % values
            )
    return subject, body


def _not_needed(message: TicketMessage) -> bool:
    ticket = message.ticket
    address = ticket.contact_phone if message.channel == NotificationChannel.SMS else ticket.contact_email
    if message.kind == TicketMessageKind.JOINED:
        return ticket.status not in OPEN_TICKET_STATUSES or not address
    return ticket.status != TicketStatus.WAITING or not address


def remote_message_deliver(*, message_id: int, token: uuid.UUID, now: dt.datetime | None = None) -> bool:
    """Send one claimed row; only the holder of `token` sends and marks it. True when it was sent."""
    now = now or timezone.now()
    message = (
        TicketMessage.objects.select_related("ticket__center", "ticket__procedure")
        .filter(pk=message_id, claim_token=token, sent_at__isnull=True, skipped_at__isnull=True)
        .first()
    )
    if message is None:
        return False
    mine = TicketMessage.objects.filter(pk=message_id, claim_token=token, sent_at__isnull=True)
    if _not_needed(message):
        mine.update(skipped_at=now, last_error="not needed")
        return False
    if message.sending_at is not None:
        logger.warning("Ticket message %s may have gone out already; sending it again", message_id)
    if not mine.update(sending_at=timezone.now()):
        return False
    subject, body = _text(message)
    ticket = message.ticket
    try:
        if message.channel == NotificationChannel.SMS:
            sms_send(to=ticket.contact_phone, body=body, idempotency_key=message.message_key)
        else:
            EmailMessage(
                subject=subject,
                body=body,
                to=[ticket.contact_email],
                headers={"Message-ID": f"<{message.message_key}@{settings.APPOINTMENTS_ICS_UID_DOMAIN}>"},
            ).send()
    except Exception as exc:  # noqa: BLE001 - any provider failure is recorded and retried later
        error = f"{type(exc).__name__}: {mask(str(exc))}"[:500]
        logger.warning("Ticket message %s failed (attempt %s): %s", message_id, message.attempts, error)
        if message.attempts >= MAX_ATTEMPTS:
            mine.update(skipped_at=now, last_error=error)
        else:
            backoff = dt.timedelta(minutes=min(2 ** (message.attempts - 1), 8))
            mine.update(claimed_at=None, claim_token=None, sending_at=None, due_at=now + backoff, last_error=error)
        return False
    mine.update(sent_at=timezone.now(), last_error="")
    return True


def remote_message_send(*, message_id: int) -> bool:
    """Claim and send one row if it is still due and unclaimed (the after-commit task); idempotent."""
    token, ids = message_rows_claim(model=TicketMessage, ids=[message_id], lease=LEASE)
    return bool(ids) and remote_message_deliver(message_id=message_id, token=token)


def remote_messages_send_due(*, limit: int = 100, now: dt.datetime | None = None) -> int:
    """Claim and send what is due. Returns how many messages went out."""
    token, ids = remote_messages_claim(limit=limit, now=now)
    return sum(remote_message_deliver(message_id=pk, token=token, now=now) for pk in ids)


def remote_tickets_scan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The beat's work: plan and send "near" messages, clear contact data no longer needed; safe to run twice."""
    planned = remote_messages_plan(now=now)
    sent = remote_messages_send_due(now=now)
    return {"planned": planned, "sent": sent, "purged": remote_contacts_purge(now=now)}
