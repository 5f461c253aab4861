"""Counters at work: an agent opens a counter, pauses, resumes and closes it."""

import datetime as dt
import functools

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.constants import StaffRole
from centers.models import Counter
from centers.selectors import staff_has_role
from common.prepared import Prepared, attnames, instance, prepare

from ..constants import ACTIVE_TICKET_STATUSES, CounterSessionStatus
from ..errors import CounterBusy, CounterNotOpen, NotAllowed, TicketInProgress
from ..models import CounterSession, Ticket

__all__ = [
    "counter_close",
    "counter_open",
    "counter_pause",
    "counter_resume",
    "session_lock",
    "session_lock_for_call",
]

SERVING_ROLES = (StaffRole.COUNTER_AGENT, StaffRole.SUPERVISOR)


def session_lock(*, session: CounterSession) -> CounterSession:
    """The session row, locked: one action at a time per counter (a double click never calls two tickets)."""
    return CounterSession.objects.select_for_update(of=("self",)).select_related("counter").get(pk=session.pk)


@functools.cache
def _session_lock_for_call_sql() -> Prepared:
    return prepare(
        lambda pk: (
            CounterSession.objects.select_for_update(of=("self",))
            .filter(pk=pk)
            .order_by()
            .values_list(*attnames(CounterSession), *(f"counter__{name}" for name in attnames(Counter)))
        ),
        pk=int,
    )


def session_lock_for_call(*, session: CounterSession) -> CounterSession:
    """session_lock with its counter, its SQL compiled once (common.prepared): the first step of a call through the
    ORM (services.calling's portable path; on PostgreSQL the call sends its own lock with its statement). Whether a
    ticket is in progress at the counter is checked after this lock, never in the same statement: a statement that
    waited for this lock still reads with the snapshot it started with, so it could miss a ticket that a double
    click's first call committed meanwhile."""
    rows = _session_lock_for_call_sql().rows(pk=session.pk)
    if not rows:
        raise CounterSession.DoesNotExist()
    names = attnames(CounterSession)
    row = rows[0]
    locked = instance(CounterSession, dict(zip(names, row[: len(names)], strict=True)))
    locked.counter = instance(Counter, dict(zip(attnames(Counter), row[len(names) :], strict=True)))
    return locked


def no_ticket_in_progress(session: CounterSession) -> None:
    """TicketInProgress when the session's counter has a ticket called or being served."""
    if Ticket.objects.filter(counter_id=session.counter_id, status__in=ACTIVE_TICKET_STATUSES).exists():
        raise TicketInProgress()


def counter_open(*, counter: Counter, agent, now: dt.datetime | None = None) -> CounterSession:
    """Open a counter for an agent of its center; idempotent for the agent's own open session of that counter."""
    if not staff_has_role(user=agent, center_id=counter.center_id, roles=SERVING_ROLES):
        raise NotAllowed()
    if not counter.is_active:
        raise CounterNotOpen(_("This counter is not in service."))
    current = CounterSession.objects.filter(agent=agent).exclude(status=CounterSessionStatus.CLOSED).first()
    if current is not None and current.counter_id == counter.pk:
        return current
    try:
        with transaction.atomic():
            return CounterSession.objects.create(counter=counter, agent=agent, opened_at=now or timezone.now())
    except IntegrityError as exc:  # one open session per counter and per agent (database constraints)
        raise CounterBusy() from exc


@transaction.atomic
def counter_pause(*, session: CounterSession, now: dt.datetime | None = None) -> CounterSession:
    session = session_lock(session=session)
    if session.status != CounterSessionStatus.OPEN:
        raise CounterNotOpen()
    no_ticket_in_progress(session)
    session.status = CounterSessionStatus.PAUSED
    session.paused_at = now or timezone.now()
    session.save(update_fields=["status", "paused_at"])
    return session


@transaction.atomic
def counter_resume(*, session: CounterSession) -> CounterSession:
    session = session_lock(session=session)
    if session.status != CounterSessionStatus.PAUSED:
        raise CounterNotOpen()
    session.status = CounterSessionStatus.OPEN
    session.paused_at = None
    session.save(update_fields=["status", "paused_at"])
    return session


@transaction.atomic
def counter_close(*, session: CounterSession, now: dt.datetime | None = None) -> CounterSession:
    """Close the counter; refused while a ticket is called or served there (finish or transfer it first)."""
    session = session_lock(session=session)
    if session.status == CounterSessionStatus.CLOSED:
        return session
    no_ticket_in_progress(session)
    session.status = CounterSessionStatus.CLOSED
    session.closed_at = now or timezone.now()
    session.save(update_fields=["status", "closed_at"])
    return session
