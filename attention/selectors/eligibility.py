"""Which waiting tickets a counter may call, in call order: the rule documented in attention/services/calling.py."""

import datetime as dt
import functools

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from appointments.formatting import lima_date
from centers.models import Counter, StaffMembership
from common.prepared import choice_literal
from procedures.models import Procedure

from ..constants import PriorityNeed, TicketStatus
from ..models import Ticket

__all__ = ["CANDIDATES", "counter_procedure_ids", "next_ticket_lock", "next_ticket_pick_sql", "next_ticket_queryset"]


def _minutes(name: str) -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, name)))


def counter_procedure_ids(*, counter: Counter) -> list[int]:
    """The procedures a counter serves: those listed on it, else every procedure of its entity."""
    listed = list(counter.procedures.values_list("pk", flat=True))
    return listed or list(Procedure.objects.filter(entity_id=counter.entity_id).values_list("pk", flat=True))


def _served(counter: Counter) -> Q:
    """counter_procedure_ids as subqueries (no round trip, no join: the ticket row alone is locked)."""
    listed = Counter.procedures.through.objects.filter(counter_id=counter.pk)
    of_entity = Procedure.objects.filter(entity_id=counter.entity_id).values("pk")
    return Q(procedure_id__in=listed.values("procedure_id")) | Q(Q(procedure_id__in=of_entity), ~Exists(listed))


def _spoken(counter: Counter, agent_id: int) -> Q:
    """A language spoken at this counter now: the counter's own, or one of the agent at work there."""
    own = Counter.languages.through.objects.filter(counter_id=counter.pk).values("language_id")
    agent = StaffMembership.languages.through.objects.filter(
        staffmembership__user_id=agent_id, staffmembership__center_id=counter.center_id
    ).values("language_id")
    return Q(language_id__in=own) | Q(language_id__in=agent)


class _Inline(Value):
    """A choice's value written into the SQL rather than passed as a parameter: a prepared statement's generic plan
    can then use the partial indexes whose predicate names it (Ticket.Meta: ticket_waiting_*)."""

    def as_sql(self, compiler, connection):
        return choice_literal(self.value), []


_PREFERENTIAL = ~Q(preferential_reason=_Inline(PriorityNeed.NONE))


def _order(now: dt.datetime) -> tuple[Case, Case]:
    """The call order's rank and turn at this moment (see the module docstring)."""
    ageing = _minutes("ATTENTION_AGEING_MINUTES")
    rank = Case(
        When(_PREFERENTIAL, then=Value(0)),
        When(Q(due_at__isnull=False) | Q(arrived_at__lte=now - ageing), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    aged_walk_in = ExpressionWrapper(F("arrived_at") + ageing, output_field=DateTimeField())
    turn = Case(
        When(_PREFERENTIAL, then=F("arrived_at")),
        When(Q(due_at__isnull=False) | Q(arrived_at__lte=now - ageing), then=Coalesce("due_at", aged_walk_in)),
        default=F("arrived_at"),
        output_field=DateTimeField(),
    )
    return rank, turn


def next_ticket_queryset(*, counter: Counter, agent_id: int, now: dt.datetime) -> QuerySet[Ticket]:
    """The eligible tickets for this counter, in call order (see the module docstring)."""
    rank, turn = _order(now)
    return (
        Ticket.objects.filter(
            center_id=counter.center_id,
            service_day=lima_date(now),
            status=_Inline(TicketStatus.WAITING),
        )
        .filter(_served(counter))
        .filter(Q(target_counter__isnull=True) | Q(target_counter=counter))
        .filter(Q(due_at__isnull=True) | Q(due_at__lte=now + _minutes("ATTENTION_APPOINTMENT_EARLY_MINUTES")))
        .filter(
            Q(language__isnull=True)
            | _spoken(counter, agent_id)
            | Q(arrived_at__lte=now - _minutes("ATTENTION_LANGUAGE_MAX_WAIT_MINUTES"))
        )
        .order_by(rank, turn, "pk")
    )


# The moment the call-next SQL is compiled for; every moment parameter is then shifted by (now - _SENTINEL).
_SENTINEL = dt.datetime(2000, 1, 3, 12, 0, 0, 123457, tzinfo=dt.UTC)


class _AmongFirst(Func):
    """`pk = ANY(ARRAY(subquery))`: the subquery runs once (an InitPlan) and the rows come by primary key."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY(ARRAY"
    output_field = BooleanField()


# How many of the first eligible tickets the fast form of the call-next query considers (see next_ticket_lock).
CANDIDATES = 32


@functools.lru_cache(maxsize=2048)
def _next_ticket_sql(
    counter_id: int,
    center_id: int,
    entity_id: int,
    agent_id: int,
    minutes: tuple[int, int, int],
    vendor: str,
    candidates: int | None = None,
    pk_only: bool = False,
) -> tuple[str, tuple]:
    counter = Counter(pk=counter_id, center_id=center_id, entity_id=entity_id)
    queryset = next_ticket_queryset(counter=counter, agent_id=agent_id, now=_SENTINEL)
    if candidates:
        queryset = queryset.filter(_AmongFirst(F("pk"), RawSQL(*_first_candidates_sql(queryset, candidates))))
    locked = queryset.select_for_update(skip_locked=True, of=("self",))
    with transaction.atomic():  # Django compiles FOR UPDATE only inside a transaction; nothing is sent here
        return (locked.values("pk") if pk_only else locked)[:1].query.sql_with_params()


def _first_candidates_sql(eligible: QuerySet[Ticket], candidates: int) -> tuple[str, tuple]:
    """The ids of the first `candidates` eligible tickets in call order, without sorting every waiting ticket.

    Each kind of ticket keeps the call order among its own kind in an order an index gives: preferential ones by
    arrival, due appointments by their time, walk-ins by arrival (an aged walk-in's turn is its arrival plus the
    ageing, so arrival order again). So the first N of the whole queue are among the first N of each kind: the
    query takes those (three short index scans over the partial indexes ticket_waiting_*) and sorts at most 3 × N
    rows by the rule's rank and turn."""
    rank, turn = _order(_SENTINEL)
    eligible = eligible.order_by()
    kinds = [
        eligible.filter(_PREFERENTIAL).order_by("arrived_at", "pk"),
        eligible.filter(~_PREFERENTIAL, due_at__isnull=False).order_by("due_at", "pk"),
        eligible.filter(~_PREFERENTIAL, due_at__isnull=True).order_by("arrived_at", "pk"),
    ]
    parts: list[str] = []
    params: list = []
    for kind in kinds:
        sql, kind_params = (
            kind.annotate(rank=rank, turn=turn).values_list("pk", "rank", "turn")[:candidates].query.sql_with_params()
        )
        parts.append(f"({sql})")
        params.extend(kind_params)
    union = " UNION ALL ".join(parts)
    return (
        f'SELECT "first"."id" FROM ({union}) "first" ("id", "rank", "turn")'
        f' ORDER BY "first"."rank", "first"."turn", "first"."id" LIMIT {int(candidates)}',
        tuple(params),
    )


_SENTINEL_DAY = lima_date(_SENTINEL)


def _shifted(params, *, now: dt.datetime) -> list:
    """The compiled parameters moved from the sentinel moment to `now` (moments by the difference, the sentinel's
    day to today's); the others as they are."""
    delta, today = now - _SENTINEL, None
    shifted = []
    for value in params:
        if isinstance(value, dt.datetime):
            value = value + delta
        elif isinstance(value, dt.date) and value == _SENTINEL_DAY:
            value = today = today or lima_date(now)
        shifted.append(value)
    return shifted


def _minutes_key() -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        int(getattr(settings, name))
        for name in (
            "ATTENTION_AGEING_MINUTES",
            "ATTENTION_APPOINTMENT_EARLY_MINUTES",
            "ATTENTION_LANGUAGE_MAX_WAIT_MINUTES",
        )
    )


def next_ticket_pick_sql(
    *, counter: Counter, agent_id: int, now: dt.datetime, candidates: int | None
) -> tuple[str, list]:
    """next_ticket_lock's query (its fast form with `candidates`, else the full one) selecting only the id, as SQL
    and this moment's parameters, for a statement that picks, locks and updates in one (services.calling)."""
    sql, params = _next_ticket_sql(
        counter.pk, counter.center_id, counter.entity_id, agent_id, _minutes_key(), connection.vendor, candidates, True
    )
    return sql, _shifted(params, now=now)


def next_ticket_lock(*, counter: Counter, agent_id: int, now: dt.datetime) -> Ticket | None:
    """The first ticket of next_ticket_queryset, locked with FOR UPDATE SKIP LOCKED (inside the caller's
    transaction). The hottest path of the queue: building and compiling that query costs more CPU than running
    it, so its SQL is compiled once per counter, agent and settings (with a sentinel moment) and reused with this
    moment's parameters; what the counter serves and speaks stays in subqueries, read live.

    Fast form first: with FOR UPDATE, PostgreSQL sorts every eligible row (LockRows stands between the LIMIT and
    the sort, so no top-N sort) — 2,000 waiting tickets sorted on every call. So the rows are first narrowed to the
    CANDIDATES first eligible ones (an unlocked subquery, a bounded top-N sort), then the same filters and order pick
    and lock the first of those not locked. When every candidate is locked by other counters (or nobody is
    eligible), the full query decides: the answer is always the full query's."""
    if connection.vendor != "postgresql":
        # SQLite (the run command): its compiled parameters are already text, which _shifted cannot move; and the fast
        # form's `= ANY(ARRAY(…))` is PostgreSQL's. The rule's queryset itself, then.
        return next_ticket_queryset(counter=counter, agent_id=agent_id, now=now).select_for_update().first()
    minutes = _minutes_key()
    for candidates in (CANDIDATES, None):
        sql, params = _next_ticket_sql(
            counter.pk, counter.center_id, counter.entity_id, agent_id, minutes, connection.vendor, candidates
        )
        found = list(Ticket.objects.raw(sql, _shifted(params, now=now)))
        if found:
            return found[0]
    return None
