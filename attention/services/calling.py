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
from django.db import connection, transaction
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.errors import BookingError
from appointments.models import Appointment
from appointments.services import appointment_complete
from centers.models import Counter
from common.prepared import (
    Prepared,
    attnames,
    choice_literal,
    execute_prepared,
    execute_prepared_batch,
    insert_columns,
    instance,
    prepare,
)
from procedures.models import Procedure, Requirement

from ..constants import ACTIVE_TICKET_STATUSES, CounterSessionStatus, Outcome, TicketStatus
from ..errors import CounterNotOpen, InvalidInput, NotOffered, TicketInProgress, TicketStateConflict, TooEarlyForNoShow
from ..models import Attention, CounterSession, ItineraryStep, Ticket
from ..selectors import eligibility
from ..selectors.eligibility import counter_procedure_ids, next_ticket_lock, next_ticket_pick_sql
from ..signals import attention_finished
from .counters import no_ticket_in_progress, session_lock_for_call
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


def _quoted(model, attname: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(attname.removesuffix("_id")).column)


def _active() -> str:
    """ACTIVE_TICKET_STATUSES as SQL literals (plain choice values): written into the statement, not passed, so its
    generic plan can use the partial index of the tickets at a counter (Ticket.Meta: ticket_one_at_counter)."""
    return ", ".join(choice_literal(status) for status in ACTIVE_TICKET_STATUSES)


@functools.cache
def _call_sql() -> tuple[str, tuple, str, tuple]:
    """The call's one statement around the pick (eligibility.next_ticket_pick_sql): the counter's in-progress check,
    the picked ticket's UPDATE … RETURNING and the attention's INSERT … SELECT, as (prefix, its parameters, suffix,
    its parameters); a parameter is a name (bound per call, _CALL_PARAMS) or a 1-tuple (a field default).

    The attention copies the ticket (arrival as issued_at), the procedure's intent and the appointment's consented
    segments (subqueries); every other column gets its field's default, as Attention.objects.create would."""
    quote = connection.ops.quote_name
    ticket, attention = quote(Ticket._meta.db_table), quote(Attention._meta.db_table)
    procedure, appointment = quote(Procedure._meta.db_table), quote(Appointment._meta.db_table)
    returned = ", ".join(f"{ticket}.{_quoted(Ticket, name)}" for name in attnames(Ticket))
    from_ticket = {
        "center_id": "center_id",
        "service_day": "service_day",
        "procedure_id": "procedure_id",
        "ticket_id": "id",
        "appointment_id": "appointment_id",
        "preferential_reason": "preferential_reason",
        "language_id": "language_id",
        "issued_at": "queued_at",
    }
    given: dict[str, str | None] = {name: f"called.{_quoted(Ticket, column)}" for name, column in from_ticket.items()}
    given.update(dict.fromkeys(("counter_id", "agent_id", "called_at")))  # bound per call
    given["intent"] = f"(SELECT p.{quote('intent')} FROM {procedure} p WHERE p.id = called.procedure_id)"
    for name in ("age_band", "gender"):
        given[name] = f"COALESCE((SELECT a.{quote(name)} FROM {appointment} a WHERE a.id = called.appointment_id), '')"
    inserted = insert_columns(Attention, given, connection=connection)
    session = quote(CounterSession._meta.db_table)
    prefix = (
        f"WITH state AS (SELECT (SELECT s.status FROM {session} s WHERE s.id = %s) AS session,"
        f" EXISTS (SELECT 1 FROM {ticket} b WHERE b.counter_id = %s AND b.status IN ({_active()})) AS busy),"
        " pick (id) AS ("
    )
    suffix = (
        f"), called AS (UPDATE {ticket} SET status = %s, counter_id = %s, called_at = %s, recalls = 0,"
        f" target_counter_id = NULL, updated_at = %s FROM pick, state WHERE {ticket}.id = pick.id"
        f" AND state.session = %s AND NOT state.busy RETURNING {returned}),"
        f" opened AS (INSERT INTO {attention} ({inserted.columns}) SELECT {inserted.values} FROM called)"
        " SELECT state.session, state.busy, called.* FROM state LEFT JOIN called ON TRUE"
    )
    prefix_params = ("session_id", "counter_id")
    suffix_params = (
        "called",
        "counter_id",
        "called_at",
        "updated_at",
        (str(CounterSessionStatus.OPEN),),
        *inserted.params,
    )
    return prefix, prefix_params, suffix, suffix_params


@functools.cache
def _session_lock_sql() -> str:
    return f"SELECT 1 FROM {connection.ops.quote_name(CounterSession._meta.db_table)} WHERE id = %s FOR UPDATE"


def _call_statement(
    *, session: CounterSession, now: dt.datetime, candidates: int | None
) -> tuple[str | None, bool, tuple]:
    """The call in one round trip (PostgreSQL): the session's row locked, then the call's one statement, with the
    pick's fast form (`candidates`) or its full form. Returns the session's status (None: no such session), whether
    the counter has a ticket in progress, and the called ticket's row (all None when nobody was called)."""
    pick_sql, pick_params = next_ticket_pick_sql(
        counter=session.counter, agent_id=session.agent_id, now=now, candidates=candidates
    )
    prefix, prefix_params, suffix, suffix_params = _call_sql()
    named = {
        "session_id": session.pk,
        "counter_id": session.counter_id,
        "agent_id": session.agent_id,
        "called_at": now,
        "updated_at": timezone.now(),  # auto_now, as save() would
        "called": str(TicketStatus.CALLED),
    }

    def bound(names: tuple) -> list:
        return [name[0] if isinstance(name, tuple) else named[name] for name in names]

    with connection.cursor() as cursor:
        params = [*bound(prefix_params), *pick_params, *bound(suffix_params)]
        statements = [(_session_lock_sql(), [session.pk]), (prefix + pick_sql + suffix, params)]
        execute_prepared_batch(cursor, statements, connection=connection)
        row = cursor.fetchone()
    return row[0], bool(row[1]), row[2:]


def ticket_call_next(*, session: CounterSession, now: dt.datetime | None = None) -> Ticket | None:
    """Call the next citizen to this counter (the rule is the module docstring); None when nobody is eligible.

    On PostgreSQL one round trip, one transaction of two statements (_call_statement): the session's row locked,
    then one statement that checks the session is open and nothing is in progress at the counter, picks and locks
    the next ticket (FOR UPDATE SKIP LOCKED), updates it and inserts the attention (_call_sql). The in-progress
    check is not in the lock's statement on purpose: a statement that waited for a row lock still reads with the
    snapshot it started with, so it could miss the ticket a double click's first call committed meanwhile; the
    second statement takes a new snapshot. The pick's full form runs (a second round trip) only when its fast form
    finds nobody (eligibility). Elsewhere (SQLite: the run command's demo) the same rule through the ORM."""
    now = now or timezone.now()
    if connection.vendor != "postgresql":
        return _call_next_portable(session=session, now=now)
    for candidates in (eligibility.CANDIDATES, None):
        status, busy, row = _call_statement(session=session, now=now, candidates=candidates)
        if status is None:
            raise CounterSession.DoesNotExist()
        if status != CounterSessionStatus.OPEN:
            raise CounterNotOpen()
        if busy:
            raise TicketInProgress()
        if row[0] is not None:
            break
    else:
        return None
    ticket = instance(Ticket, dict(zip(attnames(Ticket), row, strict=True)))
    ticket.counter = session.counter
    ticket.target_counter = None
    return ticket


@transaction.atomic
def _call_next_portable(*, session: CounterSession, now: dt.datetime) -> Ticket | None:
    """ticket_call_next through the ORM, for databases without data-modifying CTEs (the same rule and columns)."""
    session = session_lock_for_call(session=session)
    if session.status != CounterSessionStatus.OPEN:
        raise CounterNotOpen()
    no_ticket_in_progress(session)
    ticket = next_ticket_lock(counter=session.counter, agent_id=session.agent_id, now=now)
    if ticket is None:
        return None
    ticket.status = TicketStatus.CALLED
    ticket.counter = session.counter
    ticket.called_at = now
    ticket.recalls = 0
    ticket.target_counter = None
    ticket.save(update_fields=["status", "counter", "called_at", "recalls", "target_counter", "updated_at"])
    segments = Appointment.objects.filter(pk=ticket.appointment_id or 0)  # none: no segments
    Attention.objects.create(
        center_id=ticket.center_id,
        service_day=ticket.service_day,
        procedure_id=ticket.procedure_id,
        counter=session.counter,
        agent_id=session.agent_id,
        ticket=ticket,
        appointment_id=ticket.appointment_id,
        preferential_reason=ticket.preferential_reason,
        language_id=ticket.language_id,
        issued_at=ticket.queued_at,
        called_at=now,
        intent=Subquery(Procedure.objects.filter(pk=ticket.procedure_id).values("intent")[:1]),
        age_band=Coalesce(Subquery(segments.values("age_band")[:1]), Value("")),
        gender=Coalesce(Subquery(segments.values("gender")[:1]), Value("")),
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


@functools.cache
def _ticket_and_attention_lock_sql() -> str:
    """The ticket and its open attention locked in one statement (the ticket's row first, as everywhere), with
    whether it has itinerary steps left (attention_finish skips services.itinerary's read when it has none)."""
    quote = connection.ops.quote_name
    columns = [f"t.{_quoted(Ticket, name)}" for name in attnames(Ticket)]
    columns += [f"a.{_quoted(Attention, name)}" for name in attnames(Attention)]
    return (
        f"SELECT {', '.join(columns)}, EXISTS (SELECT 1 FROM {quote(ItineraryStep._meta.db_table)} s"
        f" WHERE s.ticket_id = t.id AND s.done_at IS NULL) {_ticket_and_attention_locked()}"
    )


def _ticket_and_attention_locked() -> str:
    quote = connection.ops.quote_name
    return (
        f"FROM {quote(Ticket._meta.db_table)} t JOIN {quote(Attention._meta.db_table)} a"
        " ON a.ticket_id = t.id AND a.finished_at IS NULL WHERE t.id = %s LIMIT 2 FOR UPDATE OF t, a"
    )


@functools.cache
def _ticket_and_attention_lock_only_sql() -> str:
    """_ticket_and_attention_lock_sql's locks alone, for a batch that does not read its rows (_finish_plain)."""
    return f"SELECT 1 {_ticket_and_attention_locked()}"


def _ticket_lock(*, ticket: Ticket, session: CounterSession, statuses) -> tuple[Ticket, Attention, bool | None]:
    """The ticket and its open attention, locked; the ticket must be at this session's counter in `statuses`. Also
    whether the ticket has itinerary steps left (None: not known).

    One statement when the ticket has exactly one open attention (every counter action's case); otherwise the ticket
    and then its attention are locked one by one (compiled once: common.prepared), which gives the precise refusal
    (no such ticket, a ticket not in `statuses`, no open attention)."""
    rows: list[tuple] = []
    if connection.vendor == "postgresql":  # FOR UPDATE OF: PostgreSQL's
        with connection.cursor() as cursor:
            execute_prepared(cursor, _ticket_and_attention_lock_sql(), [ticket.pk], connection=connection)
            rows = cursor.fetchall()
    if len(rows) == 1:
        ticket_names, attention_names = attnames(Ticket), attnames(Attention)
        row = rows[0]
        ticket = instance(Ticket, dict(zip(ticket_names, row[: len(ticket_names)], strict=True)))
        if ticket.counter_id != session.counter_id or ticket.status not in statuses:
            raise TicketStateConflict()
        values = row[len(ticket_names) : -1]
        return ticket, instance(Attention, dict(zip(attention_names, values, strict=True))), bool(row[-1])
    ticket = _locked_one(Ticket, _ticket_lock_sql().rows(pk=ticket.pk))
    if ticket.counter_id != session.counter_id or ticket.status not in statuses:
        raise TicketStateConflict()
    attention = _locked_one(Attention, _open_attention_lock_sql().rows(ticket_id=ticket.pk))
    return ticket, attention, None


def _attention_close(*, attention: Attention, outcome: str, now: dt.datetime, save: bool = True, **fields) -> None:
    """Close the attention (saved with its changed fields, unless the caller writes them itself: `save`) and send
    `attention_finished` after commit."""
    attention.outcome = outcome
    attention.finished_at = now
    for name, value in fields.items():
        setattr(attention, name, value)
    if save:
        attention.save(update_fields=["outcome", "finished_at", *fields])
    _finished_signal(attention)


def _finished_signal(attention: Attention) -> None:
    """`attention_finished` after commit (attention.signals)."""
    attention_id, appointment_id = attention.pk, attention.appointment_id
    transaction.on_commit(
        lambda: attention_finished.send(sender=Attention, attention_id=attention_id, appointment_id=appointment_id)
    )


@functools.cache
def _finish_sql(*, missing_requirement: bool) -> str:
    """attention_finish's writes in one statement: the ticket finished, its attention closed (no model signals:
    neither model is in the change history, mac_portal/audit.py)."""
    quote = connection.ops.quote_name
    requirement = "%s" if missing_requirement else "NULL"
    return (
        f"WITH finished AS (UPDATE {quote(Ticket._meta.db_table)} SET status = %s, updated_at = %s WHERE id = %s)"
        f" UPDATE {quote(Attention._meta.db_table)} SET outcome = %s, finished_at = %s, started_at = %s,"
        f" missing_requirement_id = {requirement}, outcome_note = %s WHERE id = %s"
    )


@functools.cache
def _finish_plain_sql(*, missing_requirement: bool) -> str:
    """The finish of a plain visit (PostgreSQL), run right after _ticket_and_attention_lock_only_sql in the same round
    trip: when the ticket is at this counter in progress, with exactly one open attention, no appointment to
    complete and no itinerary steps left (and the missing requirement is one of its procedure's), the ticket is
    finished and its attention closed, and the attention's row is returned; otherwise nothing is written and
    nothing returned (attention_finish then takes its general path, which says precisely what is wrong)."""
    quote = connection.ops.quote_name
    ticket, attention = quote(Ticket._meta.db_table), quote(Attention._meta.db_table)
    steps = quote(ItineraryStep._meta.db_table)
    requirement = " AND t.procedure_id = %s" if missing_requirement else ""
    requirement_id = "%s" if missing_requirement else "NULL"
    returned = ", ".join(f"{attention}.{_quoted(Attention, name)}" for name in attnames(Attention))
    return (
        f"WITH plain AS (SELECT t.id AS ticket_id, a.id AS attention_id, a.started_at FROM {ticket} t"
        f" JOIN {attention} a ON a.ticket_id = t.id AND a.finished_at IS NULL"
        f" WHERE t.id = %s AND t.counter_id = %s AND t.status IN ({_active()})"
        f" AND t.appointment_id IS NULL{requirement}"
        f" AND NOT EXISTS (SELECT 1 FROM {steps} s WHERE s.ticket_id = t.id AND s.done_at IS NULL)"
        f" AND (SELECT count(*) FROM {attention} o WHERE o.ticket_id = t.id AND o.finished_at IS NULL) = 1),"
        f" finished AS (UPDATE {ticket} SET status = %s, updated_at = %s FROM plain"
        f" WHERE {ticket}.id = plain.ticket_id)"
        f" UPDATE {attention} SET outcome = %s, finished_at = %s, started_at = COALESCE(plain.started_at, %s),"
        f" missing_requirement_id = {requirement_id}, outcome_note = %s"
        f" FROM plain WHERE {attention}.id = plain.attention_id RETURNING {returned}"
    )


def _finish_plain(
    *,
    ticket: Ticket,
    session: CounterSession,
    outcome: str,
    missing_requirement: Requirement | None,
    note: str,
    now: dt.datetime,
) -> Attention | None:
    """_finish_plain_sql in one round trip with the locks it needs; the closed attention, or None when the visit is
    not a plain one (nothing written)."""
    requirement = [missing_requirement.procedure_id] if missing_requirement is not None else []
    params: list = [ticket.pk, session.counter_id, *requirement]
    params += [str(TicketStatus.FINISHED), timezone.now(), str(outcome), now, now]  # updated_at: auto_now
    params += [missing_requirement.pk] if missing_requirement is not None else []
    params.append(note)
    statements = [
        (_ticket_and_attention_lock_only_sql(), [ticket.pk]),
        (_finish_plain_sql(missing_requirement=missing_requirement is not None), params),
    ]
    with connection.cursor() as cursor:
        execute_prepared_batch(cursor, statements, connection=connection)
        row = cursor.fetchone()
    if row is None:
        return None
    attention = instance(Attention, dict(zip(attnames(Attention), row, strict=True)))
    _finished_signal(attention)
    return attention


@transaction.atomic
def ticket_recall(*, ticket: Ticket, session: CounterSession, now: dt.datetime | None = None) -> Ticket:
    """Call the same ticket again (the screen announces it anew)."""
    ticket, _attention, _steps = _ticket_lock(ticket=ticket, session=session, statuses=[TicketStatus.CALLED])
    ticket.recalls += 1
    ticket.called_at = now or timezone.now()
    ticket.save(update_fields=["recalls", "called_at", "updated_at"])
    return ticket


@transaction.atomic
def attention_start(*, ticket: Ticket, session: CounterSession, now: dt.datetime | None = None) -> Attention:
    """The citizen is at the counter: service time starts."""
    ticket, attention, _steps = _ticket_lock(ticket=ticket, session=session, statuses=[TicketStatus.CALLED])
    ticket.status = TicketStatus.SERVING
    ticket.save(update_fields=["status", "updated_at"])
    attention.started_at = now or timezone.now()
    attention.save(update_fields=["started_at"])
    return attention


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
    itinerary waits again for its next step, keeping its arrival time (services.itinerary).

    On PostgreSQL a plain visit (no appointment, no itinerary) finishes in one round trip (_finish_plain); any other
    case, or a refusal, takes the general path below, which locks and checks step by step."""
    now = now or timezone.now()
    if outcome not in (Outcome.RESOLVED, Outcome.NOT_RESOLVED):
        raise InvalidInput(field_errors={"outcome": [_("Transfer or mark as a no-show instead.")]})
    if outcome == Outcome.RESOLVED:
        missing_requirement = None
    elif missing_requirement is None and not note.strip():
        raise InvalidInput(field_errors={"note": [_("Say why it was not resolved.")]})
    if connection.vendor == "postgresql":
        plain = _finish_plain(
            ticket=ticket,
            session=session,
            outcome=outcome,
            missing_requirement=missing_requirement,
            note=note.strip()[:250],
            now=now,
        )
        if plain is not None:
            return plain
    return _attention_finish_locked(
        ticket=ticket, session=session, outcome=outcome, missing_requirement=missing_requirement, note=note, now=now
    )


@transaction.atomic
def _attention_finish_locked(
    *,
    ticket: Ticket,
    session: CounterSession,
    outcome: str,
    missing_requirement: Requirement | None,
    note: str,
    now: dt.datetime,
) -> Attention:
    ticket, attention, steps_left = _ticket_lock(ticket=ticket, session=session, statuses=ACTIVE_TICKET_STATUSES)
    if missing_requirement is not None and missing_requirement.procedure_id != ticket.procedure_id:
        raise InvalidInput(field_errors={"missing_requirement": [_("That is not a requirement of this procedure.")]})
    ticket.status = TicketStatus.FINISHED
    ticket.updated_at = timezone.now()  # auto_now, as save() would
    _attention_close(
        attention=attention,
        outcome=outcome,
        now=now,
        save=False,
        started_at=attention.started_at or now,
        missing_requirement=missing_requirement,
        outcome_note=note.strip()[:250],
    )
    if connection.vendor == "postgresql":
        params: list = [str(ticket.status), ticket.updated_at, ticket.pk, str(outcome), now, attention.started_at]
        params += [missing_requirement.pk] if missing_requirement is not None else []
        with connection.cursor() as cursor:
            sql = _finish_sql(missing_requirement=missing_requirement is not None)
            execute_prepared(cursor, sql, [*params, attention.outcome_note, attention.pk], connection=connection)
    else:  # no data-modifying CTEs (SQLite: the run command's demo)
        ticket.save(update_fields=["status", "updated_at"])
        attention.save(update_fields=["outcome", "finished_at", "started_at", "missing_requirement", "outcome_note"])
    if steps_left is not False:  # a visit of several steps queues for its next one
        itinerary_advance(ticket=ticket, now=now)
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
    ticket, attention, _steps = _ticket_lock(ticket=ticket, session=session, statuses=ACTIVE_TICKET_STATUSES)
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
    ticket, attention, _steps = _ticket_lock(ticket=ticket, session=session, statuses=[TicketStatus.CALLED])
    if ticket.recalls < settings.ATTENTION_NO_SHOW_RECALLS:
        raise TooEarlyForNoShow()
    ticket.status = TicketStatus.NO_SHOW
    ticket.save(update_fields=["status", "updated_at"])
    _attention_close(attention=attention, outcome=Outcome.ABANDONED, now=now or timezone.now())
    return ticket
