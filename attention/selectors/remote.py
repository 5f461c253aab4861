"""Reads of remote tickets and itineraries: where and when a citizen may join from a phone, a visit's steps and
the time citizens spend in the center."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, QuerySet
from django.utils import timezone

from appointments.formatting import lima_date
from centers.constants import Channel
from centers.models import Center, Closure, OpeningHours
from centers.selectors import OpeningStatus, opening_status
from procedures.models import Procedure

from ..constants import TicketStatus
from ..models import ItineraryStep, Queue, Ticket

__all__ = [
    "RemoteWindow",
    "VisitTimes",
    "remote_center_get",
    "remote_join_window",
    "remote_procedures",
    "ticket_steps",
    "visit_time_in_center",
    "visit_times",
]


@dataclass(frozen=True)
class RemoteWindow:
    is_open: bool
    next_opening: dt.datetime | None  # when the center opens next (remote tickets start a little before)


def remote_center_get(*, slug: str) -> Center | None:
    """An active in-person center by slug, if any."""
    return Center.objects.filter(slug=slug, is_active=True, channel=Channel.IN_PERSON).first()


def remote_procedures(*, center: Center) -> QuerySet[Procedure]:
    """What a citizen may join from a phone at this center: procedures served in person here that allow remote
    tickets, of entities whose queue here takes them."""
    entities = Queue.objects.filter(center=center, remote_tickets=True).values("entity_id")
    return (
        Procedure.objects.filter(
            offerings__center=center,
            offerings__is_active=True,
            via_in_person=True,
            is_active=True,
            remote_ticket=True,
            entity_id__in=entities,
        )
        .select_related("entity")
        .order_by("entity__name", "name")
    )


def _status(center: Center, at: dt.datetime) -> OpeningStatus:
    hours = list(OpeningHours.objects.filter(center=center, offering__isnull=True))
    closures = list(Closure.objects.filter(center=center, date__gte=lima_date(at) - dt.timedelta(days=1)))
    return opening_status(hours=hours, closures=closures, at=at)


def remote_join_window(*, center: Center, now: dt.datetime | None = None) -> RemoteWindow:
    """Whether remote tickets are taken now: from ATTENTION_REMOTE_OPENS_BEFORE_MINUTES before the center opens
    until ATTENTION_REMOTE_CLOSES_BEFORE_MINUTES before it closes (closures and holidays respected)."""
    now = now or timezone.now()
    before_opening = dt.timedelta(minutes=settings.ATTENTION_REMOTE_OPENS_BEFORE_MINUTES)
    before_closing = dt.timedelta(minutes=settings.ATTENTION_REMOTE_CLOSES_BEFORE_MINUTES)
    current = _status(center, now)
    soon_open = current.is_open or _status(center, now + before_opening).is_open
    still_open_later = _status(center, now + before_closing).is_open
    is_open = soon_open and still_open_later and lima_date(now + before_closing) == lima_date(now)
    return RemoteWindow(is_open=is_open, next_opening=current.next_opening)


def ticket_steps(*, ticket: Ticket) -> list[ItineraryStep]:
    """The visit's itinerary in order (empty for a one-procedure ticket)."""
    return list(ticket.steps.select_related("procedure__entity").order_by("position"))


def visit_time_in_center(*, ticket: Ticket) -> dt.timedelta | None:
    """From arrival to the end of the visit's last attention; None while the visit is not over."""
    if ticket.status != TicketStatus.FINISHED:
        return None
    last = ticket.attentions.aggregate(last=Max("finished_at"))["last"]
    return last - ticket.arrived_at if last else None


@dataclass(frozen=True)
class VisitTimes:
    visits: int
    average_minutes: float | None
    multi_step_visits: int
    multi_step_average_minutes: float | None


def visit_times(*, center: Center, day: dt.date) -> VisitTimes:
    """Total time in the center of a day's finished visits (arrival to the last attention's end), all of them and
    those with an itinerary of several steps (each step is its own Attention of the same ticket); one query."""
    rows = list(
        Ticket.objects.filter(center=center, service_day=day, status=TicketStatus.FINISHED)
        .annotate(left_at=Max("attentions__finished_at"), step_count=Count("steps", distinct=True))
        .filter(left_at__isnull=False)
        .annotate(duration=ExpressionWrapper(F("left_at") - F("arrived_at"), output_field=DurationField()))
        .values_list("duration", "step_count")
    )
    everyone = _average([duration for duration, _steps in rows])
    several = _average([duration for duration, steps in rows if steps > 1])
    return VisitTimes(
        visits=everyone[0],
        average_minutes=everyone[1],
        multi_step_visits=several[0],
        multi_step_average_minutes=several[1],
    )


def _average(durations: list[dt.timedelta]) -> tuple[int, float | None]:
    if not durations:
        return 0, None
    return len(durations), round(sum(d.total_seconds() for d in durations) / len(durations) / 60, 1)
