"""Joining the queue: queues and their prefixes, ticket numbers, walk-in tickets, appointment check-in."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.constants import AppointmentStatus
from appointments.errors import BookingError
from appointments.formatting import lima_date
from appointments.models import Appointment
from appointments.services import appointment_check_in
from appointments.validators import code_normalize
from centers.constants import Channel, DataAccess
from centers.models import Center, Language, Offering
from centers.services import personal_data_access_record
from procedures.models import Procedure

from ..constants import PriorityNeed, TicketStatus
from ..errors import AppointmentNotFound, InvalidInput, NotOffered, TicketStateConflict
from ..models import Queue, Ticket

__all__ = ["queue_for_procedure", "ticket_check_in_appointment", "ticket_issue"]

# Prefix letters in the order new queues take them (no I or O: they read as 1 and 0 on a screen).
PREFIX_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def _prefixes():
    yield from PREFIX_LETTERS
    yield from (first + second for first in PREFIX_LETTERS for second in PREFIX_LETTERS)


def queue_for_procedure(*, center: Center, procedure: Procedure) -> Queue:
    """The queue of the procedure's entity at the center, created with the first free prefix when missing."""
    for _attempt in range(5):
        queue = Queue.objects.filter(center=center, entity_id=procedure.entity_id).first()
        if queue is not None:
            return queue
        taken = set(Queue.objects.filter(center=center).values_list("prefix", flat=True))
        prefix = next(p for p in _prefixes() if p not in taken)
        try:
            with transaction.atomic():
                return Queue.objects.create(center=center, entity_id=procedure.entity_id, prefix=prefix)
        except IntegrityError:
            continue  # another greeter created this queue, or took this prefix, at the same moment: look again
    raise RuntimeError("could not create a queue")  # pragma: no cover - five lost races in a row


def _number_next(*, center_id: int, day: dt.date, prefix: str) -> int:
    """The next number of a prefix at a center on a day: one atomic upsert, its row locked until commit."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO attention_ticketnumber (center_id, service_day, prefix, last) VALUES (%s, %s, %s, 1) "
            "ON CONFLICT (center_id, service_day, prefix) DO UPDATE SET last = attention_ticketnumber.last + 1 "
            "RETURNING last",
            [center_id, day, prefix],
        )
        return cursor.fetchone()[0]


def _procedure_check(*, center: Center, procedure: Procedure) -> None:
    offered = Offering.objects.filter(center=center, procedure=procedure, is_active=True).exists()
    if center.channel != Channel.IN_PERSON or not offered or not procedure.via_in_person or not procedure.is_active:
        raise NotOffered()


def _language_need(language: Language | None) -> Language | None:
    return None if language is None or language.code == "es" else language  # Spanish is no special need


@transaction.atomic
def ticket_issue(
    *,
    center: Center,
    procedure: Procedure,
    preferential_reason: str = PriorityNeed.NONE,
    language: Language | None = None,
    issued_by=None,
    appointment: Appointment | None = None,
    due_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """A walk-in ticket (or, through ticket_check_in_appointment, an appointment's) in the procedure's queue."""
    now = now or timezone.now()
    _procedure_check(center=center, procedure=procedure)
    if preferential_reason not in PriorityNeed.values:
        raise InvalidInput(field_errors={"preferential_reason": [_("Choose a valid reason.")]})
    queue = queue_for_procedure(center=center, procedure=procedure)
    day = lima_date(now)
    return Ticket.objects.create(
        center=center,
        service_day=day,
        prefix=queue.prefix,
        number=_number_next(center_id=center.pk, day=day, prefix=queue.prefix),
        queue=queue,
        procedure=procedure,
        appointment=appointment,
        due_at=due_at,
        preferential_reason=preferential_reason,
        language=_language_need(language),
        status=TicketStatus.WAITING,
        arrived_at=now,
        queued_at=now,
        issued_by=issued_by,
    )


def _appointment_find(*, center: Center, code: str, document_number: str, now: dt.datetime) -> Appointment:
    day = lima_date(now)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())
    candidates = Appointment.objects.filter(
        center=center,
        status__in=[AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN],
        slot__starts_at__gte=start,
        slot__starts_at__lt=start + dt.timedelta(days=1),
    ).select_related("slot", "procedure", "preferred_language")
    normalized = code_normalize(code) if code else ""
    number = "".join(ch for ch in document_number.upper() if ch.isalnum())
    if normalized:
        candidates = candidates.filter(code=normalized)
    elif number:
        # Several appointments of one citizen today: the next one without a ticket.
        candidates = candidates.filter(document_number=number, ticket__isnull=True)
    else:
        raise InvalidInput(field_errors={"code": [_("Enter the booking code or the document number.")]})
    appointment = candidates.order_by("slot__starts_at").first()
    if appointment is None:
        raise AppointmentNotFound()
    return appointment


def ticket_check_in_appointment(
    *, center: Center, code: str = "", document_number: str = "", issued_by=None, now: dt.datetime | None = None
) -> Ticket:
    """Check in today's appointment (by booking code, as typed or scanned, or document number) and give it a ticket.

    The ticket is due at the booked time (callable from that time minus ATTENTION_APPOINTMENT_EARLY_MINUTES).
    Late-arrival policy: checked in more than ATTENTION_APPOINTMENT_LATE_MINUTES after the booked time, the
    citizen queues as a walk-in from their arrival (the appointment still counts as attended). Idempotent: an
    appointment that already has a ticket returns it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _appointment_find(center=center, code=code, document_number=document_number, now=now)
        # Two greeters checking the same citizen in at once: the second waits here, then finds the first's ticket.
        Appointment.objects.select_for_update().filter(pk=appointment.pk).exists()
        existing = Ticket.objects.filter(appointment=appointment).first()
        if existing is not None:
            return existing
        try:
            appointment = appointment_check_in(appointment=appointment)
        except BookingError as exc:
            raise TicketStateConflict(exc.message) from exc
        if issued_by is not None:
            personal_data_access_record(user=issued_by, action=DataAccess.CHECKED_IN, records=[appointment])
        late = now > appointment.slot.starts_at + dt.timedelta(minutes=settings.ATTENTION_APPOINTMENT_LATE_MINUTES)
        return ticket_issue(
            center=center,
            procedure=appointment.procedure,
            preferential_reason=appointment.priority_need,
            language=appointment.preferred_language,
            issued_by=issued_by,
            appointment=appointment,
            due_at=None if late else appointment.slot.starts_at,
            now=now,
        )
