"""The supervisor's view of a center today: queues, counters at work, service standards (ANS), totals."""

import datetime as dt
import math
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Min
from django.utils import timezone

from appointments.formatting import lima_date
from centers.models import Center

from ..constants import ACTIVE_TICKET_STATUSES, CounterSessionStatus, Outcome, PriorityNeed, TicketStatus
from ..models import Attention, CounterSession, Queue, Ticket

__all__ = ["Supervision", "supervision_summary"]


@dataclass
class QueueRow:
    queue: Queue
    waiting: int
    longest_wait_minutes: int


@dataclass
class CounterRow:
    session: CounterSession
    ticket: Ticket | None


@dataclass
class ProcedureRow:
    name: str
    sla_max_wait_minutes: int
    sla_max_service_minutes: int
    waiting: int = 0
    beyond_wait: list[str] = field(default_factory=list)  # codes of waiting tickets past the ANS wait
    served: int = 0
    within_wait: int = 0


@dataclass
class Totals:
    issued: int = 0
    served: int = 0
    no_shows: int = 0
    abandoned: int = 0
    referred: int = 0
    wait_avg: float | None = None  # minutes
    wait_p90: float | None = None
    service_avg: float | None = None
    service_p90: float | None = None
    within_ans_share: float | None = None  # 0..1: served attentions whose wait was within their procedure's ANS
    preferential_served: int = 0
    preferential_wait_avg: float | None = None


@dataclass
class Supervision:
    center: Center
    now: dt.datetime
    queues: list[QueueRow]
    counters: list[CounterRow]
    procedures: list[ProcedureRow]
    totals: Totals


def _p90(values: list[float]) -> float | None:
    """The 90th percentile (nearest rank): the wait 9 in 10 citizens did not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]


def _avg(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _minutes(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 60


def supervision_summary(*, center: Center, now: dt.datetime | None = None) -> Supervision:
    """Everything the supervision screen shows, in a fixed number of queries (whatever the size of the day)."""
    now = now or timezone.now()
    today = lima_date(now)
    tickets_today = Ticket.objects.filter(center=center, service_day=today)

    waiting_by_queue: dict[int, tuple[int, dt.datetime]] = {
        row["queue"]: (row["waiting"], row["oldest"])
        for row in tickets_today.filter(status=TicketStatus.WAITING)
        .values("queue")
        .annotate(waiting=Count("pk"), oldest=Min("queued_at"))
    }
    queues = []
    for queue in Queue.objects.filter(center=center).select_related("entity"):
        waiting, oldest = waiting_by_queue.get(queue.pk, (0, now))
        queues.append(QueueRow(queue=queue, waiting=waiting, longest_wait_minutes=int(_minutes(now - oldest))))

    sessions = list(
        CounterSession.objects.filter(counter__center=center)
        .exclude(status=CounterSessionStatus.CLOSED)
        .select_related("counter", "agent")
        .order_by("counter__label")
    )
    at_counters = {
        ticket.counter_id: ticket
        for ticket in tickets_today.filter(status__in=ACTIVE_TICKET_STATUSES).select_related("procedure")
    }
    counters = [CounterRow(session=session, ticket=at_counters.get(session.counter_id)) for session in sessions]

    procedures: dict[int, ProcedureRow] = {}

    def row_for(procedure) -> ProcedureRow:
        if procedure.pk not in procedures:
            procedures[procedure.pk] = ProcedureRow(
                name=procedure.name,
                sla_max_wait_minutes=procedure.sla_max_wait_minutes,
                sla_max_service_minutes=procedure.sla_max_service_minutes,
            )
        return procedures[procedure.pk]

    for ticket in tickets_today.filter(status=TicketStatus.WAITING).select_related("procedure").order_by("queued_at"):
        row = row_for(ticket.procedure)
        row.waiting += 1
        if _minutes(now - ticket.queued_at) > ticket.procedure.sla_max_wait_minutes:
            row.beyond_wait.append(ticket.code)

    totals = Totals(
        issued=tickets_today.count(),
        no_shows=tickets_today.filter(status=TicketStatus.NO_SHOW).count(),
    )
    waits: list[float] = []
    services: list[float] = []
    preferential_waits: list[float] = []
    within = 0
    finished = Attention.objects.filter(center=center, service_day=today, finished_at__isnull=False).select_related(
        "procedure"
    )
    for attention in finished:
        if attention.outcome == Outcome.ABANDONED:
            totals.abandoned += 1
            continue
        if attention.outcome == Outcome.REFERRED:
            totals.referred += 1
            continue
        totals.served += 1
        wait = _minutes(attention.called_at - attention.issued_at) if attention.called_at else 0.0
        waits.append(wait)
        finished_at = attention.finished_at or now  # always set here (filtered above)
        services.append(_minutes(finished_at - (attention.started_at or attention.called_at or finished_at)))
        row = row_for(attention.procedure)
        row.served += 1
        if wait <= attention.procedure.sla_max_wait_minutes:
            within += 1
            row.within_wait += 1
        if attention.preferential_reason != PriorityNeed.NONE:
            totals.preferential_served += 1
            preferential_waits.append(wait)
    totals.wait_avg, totals.wait_p90 = _avg(waits), _p90(waits)
    totals.service_avg, totals.service_p90 = _avg(services), _p90(services)
    totals.within_ans_share = within / totals.served if totals.served else None
    totals.preferential_wait_avg = _avg(preferential_waits)
    return Supervision(
        center=center,
        now=now,
        queues=queues,
        counters=counters,
        procedures=sorted(procedures.values(), key=lambda row: (-len(row.beyond_wait), -row.waiting, row.name)),
        totals=totals,
    )
