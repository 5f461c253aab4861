"""At the counter: call the next citizen, call again, start, finish, transfer, no-show.

The call-next rule (ticket_call_next), in order:

1. Eligible tickets: today's waiting tickets of the counter's center, for a procedure the counter serves (its
   procedures; none listed: every procedure of its entity), not transferred to another counter, and
   - an appointment's ticket only from its booked time minus ATTENTION_APPOINTMENT_EARLY_MINUTES (an early
     arrival waits for its time; a late one was queued as a walk-in at check-in, see ticket_check_in_appointment);
   - a ticket needing a language (Quechua, Aymara, sign language…) only at a counter that speaks it (the
     counter's languages plus the agent's), or at any counter once it has waited
     ATTENTION_LANGUAGE_MAX_WAIT_MINUTES (nobody waits forever for an interpreter).
2. Preferential attention first (Ley 28683: pregnant women, adults with a small child, older adults, persons with
   a disability), in arrival order — never skipped by anything below.
3. Then appointments that are due and walk-ins that have waited ATTENTION_AGEING_MINUTES, together, by their
   appointment time or, for a walk-in, arrival + ageing: a walk-in competes as if it had booked for the moment
   its wait became long, so a stream of appointments can never starve it.
4. Then the other walk-ins in arrival order (arrival is kept across transfers).
Ties: the lower ticket id. The chosen row is locked with SELECT … FOR UPDATE SKIP LOCKED, so two counters
calling at the same instant always get different tickets.
"""

import contextlib
import datetime as dt
import functools

from django.conf import settings
from django.db import transaction
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.errors import BookingError
from appointments.models import Appointment
from appointments.services import appointment_complete
from centers.models import Counter
from common.prepared import Prepared, attnames, instance, prepare
from procedures.models import Procedure, Requirement

from ..constants import ACTIVE_TICKET_STATUSES, CounterSessionStatus, Outcome, TicketStatus
from ..errors import CounterNotOpen, InvalidInput, NotOffered, TicketInProgress, TicketStateConflict, TooEarlyForNoShow
from ..models import Attention, CounterSession, Ticket
from ..selectors.eligibility import counter_procedure_ids, next_ticket_lock
from ..signals import attention_finished
from .counters import session_lock_for_call
from .itinerary import itinerary_advance
from .tickets import _procedure_check, queue_for_procedure

__all__ = [
    "attention_finish",
    "attention_start",
    "ticket_call_next",
    "ticket_no_show",
    "ticket_recall",
    "ticket_transfer",
]


def _copied_from_procedure_and_appointment(ticket: Ticket) -> dict:
    """The attention's intent (the procedure's) and segments (the appointment's, only ever set with consent), as
    subqueries of the INSERT itself: no extra round trip on the counter's hot path."""
    fields: dict = {"intent": Subquery(Procedure.objects.filter(pk=ticket.procedure_id).values("intent")[:1])}
    if ticket.appointment_id:
        booked = Appointment.objects.filter(pk=ticket.appointment_id)
        for name in ("age_band", "gender"):
            fields[name] = Coalesce(Subquery(booked.values(name)[:1]), Value(""))
    return fields


def _minutes(name: str) -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, name)))


def ticket_call_next(*, session: CounterSession, now: dt.datetime | None = None) -> Ticket | None:
    """Call the next citizen to this counter (the rule is the module docstring); None when nobody is eligible."""
    now = now or timezone.now()
    with transaction.atomic():
        session, busy = session_lock_for_call(session=session)
        if session.status != CounterSessionStatus.OPEN:
            raise CounterNotOpen()
        if busy:
            raise TicketInProgress()
        counter = session.counter
        ticket = next_ticket_lock(counter=counter, agent_id=session.agent_id, now=now)
        if ticket is None:
            return None
        ticket.status = TicketStatus.CALLED
        ticket.counter = counter
        ticket.called_at = now
        ticket.recalls = 0
        ticket.target_counter = None
        ticket.save(update_fields=["status", "counter", "called_at", "recalls", "target_counter", "updated_at"])
        Attention.objects.create(
            center_id=ticket.center_id,
            service_day=ticket.service_day,
            procedure_id=ticket.procedure_id,
            counter=counter,
            agent_id=session.agent_id,
            ticket=ticket,
            appointment_id=ticket.appointment_id,
            preferential_reason=ticket.preferential_reason,
            language_id=ticket.language_id,
            issued_at=ticket.queued_at,
            called_at=now,
            **_copied_from_procedure_and_appointment(ticket),
        )
    return ticket


@functools.cache
def _ticket_lock_sql() -> Prepared:
    return prepare(
        lambda pk: Ticket.objects.select_for_update().filter(pk=pk).order_by().values_list(*attnames(Ticket)),
        pk=int,
    )


@functools.cache
def _open_attention_lock_sql() -> Prepared:
    return prepare(
        lambda ticket_id: (
            Attention.objects.select_for_update()
            .filter(ticket_id=ticket_id, finished_at__isnull=True)
            .order_by()
            .values_list(*attnames(Attention))[:2]
        ),
        ticket_id=int,
    )


def _locked_one(model, rows: list[tuple]):
    """The one row of a lock's SELECT as an instance (as .get() would: DoesNotExist, MultipleObjectsReturned)."""
    if not rows:
        raise model.DoesNotExist()
    if len(rows) > 1:
        raise model.MultipleObjectsReturned()
    return instance(model, dict(zip(attnames(model), rows[0], strict=True)))


def _ticket_lock(*, ticket: Ticket, session: CounterSession, statuses) -> tuple[Ticket, Attention]:
    """The ticket and its open attention, locked; the ticket must be at this session's counter in `statuses`.
    (Both SELECT … FOR UPDATE compiled once: common.prepared; every counter action runs them.)"""
    ticket = _locked_one(Ticket, _ticket_lock_sql().rows(pk=ticket.pk))
    if ticket.counter_id != session.counter_id or ticket.status not in statuses:
        raise TicketStateConflict()
    attention = _locked_one(Attention, _open_attention_lock_sql().rows(ticket_id=ticket.pk))
    return ticket, attention


def _attention_close(*, attention: Attention, outcome: str, now: dt.datetime, **fields) -> None:
    attention.outcome = outcome
    attention.finished_at = now
    for name, value in fields.items():
        setattr(attention, name, value)
    attention.save()
    attention_id = attention.pk
    transaction.on_commit(lambda: attention_finished.send(sender=Attention, attention_id=attention_id))


@transaction.atomic
def ticket_recall(*, ticket: Ticket, session: CounterSession, now: dt.datetime | None = None) -> Ticket:
    """Call the same ticket again (the screen announces it anew)."""
    ticket, _attention = _ticket_lock(ticket=ticket, session=session, statuses=[TicketStatus.CALLED])
    ticket.recalls += 1
    ticket.called_at = now or timezone.now()
    ticket.save(update_fields=["recalls", "called_at", "updated_at"])
    return ticket


@transaction.atomic
def attention_start(*, ticket: Ticket, session: CounterSession, now: dt.datetime | None = None) -> Attention:
    """The citizen is at the counter: service time starts."""
    ticket, attention = _ticket_lock(ticket=ticket, session=session, statuses=[TicketStatus.CALLED])
    ticket.status = TicketStatus.SERVING
    ticket.save(update_fields=["status", "updated_at"])
    attention.started_at = now or timezone.now()
    attention.save(update_fields=["started_at"])
    return attention


@transaction.atomic
def attention_finish(
    *,
    ticket: Ticket,
    session: CounterSession,
    outcome: str,
    missing_requirement: Requirement | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Attention:
    """Finish serving with an outcome (resolved, or not resolved with a reason such as a missing requirement).

    The appointment, if any, becomes attended; `attention_finished` is sent after commit. A ticket with an
    itinerary waits again for its next step, keeping its arrival time (services.itinerary)."""
    now = now or timezone.now()
    if outcome not in (Outcome.RESOLVED, Outcome.NOT_RESOLVED):
        raise InvalidInput(field_errors={"outcome": [_("Transfer or mark as a no-show instead.")]})
    ticket, attention = _ticket_lock(ticket=ticket, session=session, statuses=ACTIVE_TICKET_STATUSES)
    if outcome == Outcome.RESOLVED:
        missing_requirement = None
    elif missing_requirement is None and not note.strip():
        raise InvalidInput(field_errors={"note": [_("Say why it was not resolved.")]})
    if missing_requirement is not None and missing_requirement.procedure_id != ticket.procedure_id:
        raise InvalidInput(field_errors={"missing_requirement": [_("That is not a requirement of this procedure.")]})
    ticket.status = TicketStatus.FINISHED
    ticket.save(update_fields=["status", "updated_at"])
    _attention_close(
        attention=attention,
        outcome=outcome,
        now=now,
        started_at=attention.started_at or now,
        missing_requirement=missing_requirement,
        outcome_note=note.strip()[:250],
    )
    itinerary_advance(ticket=ticket, now=now)  # a visit of several steps queues for its next one
    if ticket.appointment is not None:
        # Cancelled meanwhile by staff: the attention still happened and is recorded.
        with contextlib.suppress(BookingError):
            appointment_complete(appointment=ticket.appointment)
    return attention


@transaction.atomic
def ticket_transfer(
    *,
    ticket: Ticket,
    session: CounterSession,
    procedure: Procedure | None = None,
    counter: Counter | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """Send the citizen to another queue (procedure) and/or counter; they keep their code and arrival time.

    This counter's attention ends as "referred"; the ticket waits again, first in line by its old arrival."""
    now = now or timezone.now()
    if procedure is None and counter is None:
        raise InvalidInput(field_errors={"procedure": [_("Choose a procedure or a counter.")]})
    ticket, attention = _ticket_lock(ticket=ticket, session=session, statuses=ACTIVE_TICKET_STATUSES)
    procedure = procedure or ticket.procedure
    if procedure.pk != ticket.procedure_id:
        _procedure_check(center=ticket.center, procedure=procedure)
    if counter is not None:
        if counter.center_id != ticket.center_id or not counter.is_active:
            raise InvalidInput(field_errors={"counter": [_("Choose an active counter of this center.")]})
        if procedure.pk not in counter_procedure_ids(counter=counter):
            raise NotOffered(_("That counter does not serve this procedure."))
    _attention_close(attention=attention, outcome=Outcome.REFERRED, now=now, outcome_note=note.strip()[:250])
    ticket.procedure = procedure
    ticket.queue = queue_for_procedure(center=ticket.center, procedure=procedure)
    ticket.target_counter = counter
    ticket.status = TicketStatus.WAITING
    ticket.called_at = None
    ticket.queued_at = now
    ticket.recalls = 0
    ticket.transfers += 1
    ticket.save()
    return ticket


@transaction.atomic
def ticket_no_show(*, ticket: Ticket, session: CounterSession, now: dt.datetime | None = None) -> Ticket:
    """The called citizen did not come after ATTENTION_NO_SHOW_RECALLS calls again: the ticket leaves the queue."""
    ticket, attention = _ticket_lock(ticket=ticket, session=session, statuses=[TicketStatus.CALLED])
    if ticket.recalls < settings.ATTENTION_NO_SHOW_RECALLS:
        raise TooEarlyForNoShow()
    ticket.status = TicketStatus.NO_SHOW
    ticket.save(update_fields=["status", "updated_at"])
    _attention_close(attention=attention, outcome=Outcome.ABANDONED, now=now or timezone.now())
    return ticket
