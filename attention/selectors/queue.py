"""Reads of the queue: estimated waits, a ticket's place, the waiting-room screen's feed."""

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from appointments.formatting import lima_date
from centers.models import Center
from procedures.models import Procedure

from ..constants import ACTIVE_TICKET_STATUSES, CounterSessionStatus, PriorityNeed, TicketStatus
from ..models import CounterSession, Ticket

__all__ = [
    "Estimate",
    "center_wait_board",
    "counter_current_ticket",
    "queue_estimate",
    "screen_feed",
    "screen_version",
    "ticket_estimate",
    "ticket_get",
    "ticket_public_get",
]


@dataclass(frozen=True)
class Estimate:
    people_ahead: int
    open_counters: int
    minutes: int | None  # None when no counter serving the procedure is open


def _open_counters(*, center_id: int, procedure: Procedure) -> int:
    sessions = CounterSession.objects.filter(counter__center_id=center_id, status=CounterSessionStatus.OPEN)
    return (
        sessions.filter(
            Q(counter__procedures=procedure) | Q(counter__procedures__isnull=True, counter__entity=procedure.entity_id)
        )
        .values("counter")
        .distinct()
        .count()
    )


def _minutes(*, ahead: int, counters: int, procedure: Procedure) -> int | None:
    if counters == 0:
        return None
    return math.ceil((ahead + 1) * procedure.counter_minutes / counters) if ahead else 0


def queue_estimate(*, center: Center, procedure: Procedure, now: dt.datetime | None = None) -> Estimate:
    """What a new walk-in for this procedure would face: people waiting in its queue and an estimated wait
    (people ahead × the procedure's expected counter time ÷ open counters serving it). An estimate, not a promise."""
    today = lima_date(now or timezone.now())
    ahead = Ticket.objects.filter(
        center=center, service_day=today, status=TicketStatus.WAITING, queue__entity_id=procedure.entity_id
    ).count()
    counters = _open_counters(center_id=center.pk, procedure=procedure)
    return Estimate(
        people_ahead=ahead,
        open_counters=counters,
        minutes=_minutes(ahead=ahead, counters=counters, procedure=procedure),
    )


def ticket_estimate(*, ticket: Ticket) -> Estimate:
    """A waiting ticket's place: those of its queue who are preferential (if it is not) or arrived before it."""
    if ticket.status != TicketStatus.WAITING:
        return Estimate(people_ahead=0, open_counters=0, minutes=0)
    before = Q(arrived_at__lt=ticket.arrived_at) | Q(arrived_at=ticket.arrived_at, pk__lt=ticket.pk)
    if ticket.is_preferential:
        ahead_condition = before & ~Q(preferential_reason=PriorityNeed.NONE)
    else:
        ahead_condition = before | ~Q(preferential_reason=PriorityNeed.NONE)
    ahead = (
        Ticket.objects.filter(
            center_id=ticket.center_id,
            service_day=ticket.service_day,
            status=TicketStatus.WAITING,
            queue_id=ticket.queue_id,
        )
        .filter(ahead_condition)
        .count()
    )
    counters = _open_counters(center_id=ticket.center_id, procedure=ticket.procedure)
    return Estimate(
        people_ahead=ahead,
        open_counters=counters,
        minutes=_minutes(ahead=ahead, counters=counters, procedure=ticket.procedure),
    )


def ticket_get(*, ticket_id: int) -> Ticket | None:
    """One ticket with what its pages and API answers show (procedure, entity, language, counter, center)."""
    return (
        Ticket.objects.filter(pk=ticket_id).select_related("procedure__entity", "language", "counter", "center").first()
    )


def ticket_public_get(*, center: Center, ticket_id: int, number: int) -> Ticket | None:
    """A ticket by id and number together (the QR's link), today's only: guessing one id gives nothing."""
    return (
        Ticket.objects.filter(pk=ticket_id, number=number, center=center, service_day=lima_date())
        .select_related("procedure", "counter", "queue")
        .first()
    )


def screen_feed(
    *, center: Center, limit: int = 8, now: dt.datetime | None = None, with_steps: bool = False
) -> list[Ticket]:
    """Today's most recently called tickets of a center (newest first), with their counter: the screen's rows;
    `with_steps` also reads their itineraries (to show each visit's next step)."""
    tickets = (
        Ticket.objects.filter(
            center=center,
            service_day=lima_date(now or timezone.now()),
            called_at__isnull=False,
            status__in=[*ACTIVE_TICKET_STATUSES, TicketStatus.FINISHED],
        )
        .select_related("counter")
        .order_by("-called_at", "-pk")
    )
    if with_steps:
        tickets = tickets.prefetch_related("steps__procedure__entity")
    return list(tickets[:limit])


def screen_version(*, center: Center, limit: int = 8, now: dt.datetime | None = None) -> str:
    """A digest of exactly what the screen shows (its rows): the screen's ETag, so it changes on a call, a recall
    or a finish that the screen would show, and only then."""
    rows = screen_feed(center=center, limit=limit, now=now)
    content = "|".join(
        f"{t.pk}:{t.counter.label if t.counter else ''}:{t.called_at.isoformat() if t.called_at else ''}:"
        f"{t.preferential_reason}"
        for t in rows
    )
    return hashlib.sha256(content.encode()).hexdigest()[:32]


def counter_current_ticket(*, session: CounterSession) -> Ticket | None:
    """The ticket called or being served at the session's counter, if any."""
    return (
        Ticket.objects.filter(counter_id=session.counter_id, status__in=ACTIVE_TICKET_STATUSES)
        .select_related("procedure__entity", "language", "appointment", "queue")
        .first()
    )


def center_wait_board(*, center: Center, now: dt.datetime | None = None) -> list[tuple[Procedure, Estimate]]:
    """Every procedure served in person at the center with what a new walk-in would face (as queue_estimate),
    in three queries: what the greeter reads before issuing a ticket."""
    today = lima_date(now or timezone.now())
    procedures = list(
        Procedure.objects.filter(
            offerings__center=center, offerings__is_active=True, via_in_person=True, is_active=True
        )
        .select_related("entity", "paid_first_at__entity")
        .order_by("entity__name", "name")
    )
    waiting = dict(
        Ticket.objects.filter(center=center, service_day=today, status=TicketStatus.WAITING)
        .values_list("queue__entity_id")
        .annotate(count=Count("pk"))
    )
    serving: dict[int, set[int]] = {}  # procedure id -> open counters serving it
    entity_counters: dict[int, set[int]] = {}  # entity id -> open counters listing no procedure
    sessions = (
        CounterSession.objects.filter(counter__center=center, status=CounterSessionStatus.OPEN)
        .select_related("counter")
        .prefetch_related("counter__procedures")
    )
    for session in sessions:
        listed = [procedure.pk for procedure in session.counter.procedures.all()]
        for procedure_id in listed:
            serving.setdefault(procedure_id, set()).add(session.counter_id)
        if not listed:
            entity_counters.setdefault(session.counter.entity_id, set()).add(session.counter_id)
    board = []
    for procedure in procedures:
        ahead = waiting.get(procedure.entity_id, 0)
        counters = len(serving.get(procedure.pk, set()) | entity_counters.get(procedure.entity_id, set()))
        board.append(
            (
                procedure,
                Estimate(
                    people_ahead=ahead,
                    open_counters=counters,
                    minutes=_minutes(ahead=ahead, counters=counters, procedure=procedure),
                ),
            )
        )
    return board
