"""Reads of the queue: estimated waits, a ticket's place, the waiting-room screen's feed."""

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone

from appointments.formatting import lima_date
from centers.models import Center
from procedures.models import Procedure

from ..constants import ACTIVE_TICKET_STATUSES, CounterSessionStatus, PriorityNeed, TicketStatus
from ..models import CounterSession, Ticket

__all__ = ["Estimate", "queue_estimate", "screen_feed", "screen_version", "ticket_estimate", "ticket_public_get"]


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


def ticket_public_get(*, center: Center, ticket_id: int, number: int) -> Ticket | None:
    """A ticket by id and number together (the QR's link), today's only: guessing one id gives nothing."""
    return (
        Ticket.objects.filter(pk=ticket_id, number=number, center=center, service_day=lima_date())
        .select_related("procedure", "counter", "queue")
        .first()
    )


def screen_feed(*, center: Center, limit: int = 8, now: dt.datetime | None = None) -> list[Ticket]:
    """Today's most recently called tickets of a center (newest first), with their counter: the screen's rows."""
    return list(
        Ticket.objects.filter(
            center=center,
            service_day=lima_date(now or timezone.now()),
            called_at__isnull=False,
            status__in=[*ACTIVE_TICKET_STATUSES, TicketStatus.FINISHED],
        )
        .select_related("counter")
        .order_by("-called_at", "-pk")[:limit]
    )


def screen_version(*, center: Center, now: dt.datetime | None = None) -> str:
    """Changes whenever the screen's rows may change (a call, a recall, a finish): the screen's ETag."""
    latest = Ticket.objects.filter(center=center, service_day=lima_date(now or timezone.now())).aggregate(
        changed=Max("updated_at")
    )["changed"]
    return latest.isoformat() if latest else "empty"
