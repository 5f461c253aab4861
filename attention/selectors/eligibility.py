"""Which waiting tickets a counter may call, in call order: the rule documented in attention/services/calling.py."""

import datetime as dt

from django.conf import settings
from django.db.models import Case, DateTimeField, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from appointments.formatting import lima_date
from centers.models import Counter
from centers.selectors import staff_languages
from procedures.models import Procedure

from ..constants import PriorityNeed, TicketStatus
from ..models import Ticket

__all__ = ["counter_procedure_ids", "next_ticket_queryset"]


def _minutes(name: str) -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, name)))


def counter_procedure_ids(*, counter: Counter) -> list[int]:
    """The procedures a counter serves: those listed on it, else every procedure of its entity."""
    listed = list(counter.procedures.values_list("pk", flat=True))
    return listed or list(Procedure.objects.filter(entity_id=counter.entity_id).values_list("pk", flat=True))


def _serving_languages(*, counter: Counter, agent_id: int) -> list[int]:
    """The languages spoken at this counter now: the counter's own plus those of the agent at work there."""
    own = set(counter.languages.values_list("pk", flat=True))
    return sorted(own | set(staff_languages(user_id=agent_id, center_id=counter.center_id)))


def next_ticket_queryset(*, counter: Counter, agent_id: int, now: dt.datetime) -> QuerySet[Ticket]:
    """The eligible tickets for this counter, in call order (see the module docstring)."""
    ageing = _minutes("ATTENTION_AGEING_MINUTES")
    rank = Case(
        When(~Q(preferential_reason=PriorityNeed.NONE), then=Value(0)),
        When(Q(due_at__isnull=False) | Q(arrived_at__lte=now - ageing), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    aged_walk_in = ExpressionWrapper(F("arrived_at") + ageing, output_field=DateTimeField())
    turn = Case(
        When(~Q(preferential_reason=PriorityNeed.NONE), then=F("arrived_at")),
        When(Q(due_at__isnull=False) | Q(arrived_at__lte=now - ageing), then=Coalesce("due_at", aged_walk_in)),
        default=F("arrived_at"),
        output_field=DateTimeField(),
    )
    return (
        Ticket.objects.filter(
            center_id=counter.center_id,
            service_day=lima_date(now),
            status=TicketStatus.WAITING,
            procedure_id__in=counter_procedure_ids(counter=counter),
        )
        .filter(Q(target_counter__isnull=True) | Q(target_counter=counter))
        .filter(Q(due_at__isnull=True) | Q(due_at__lte=now + _minutes("ATTENTION_APPOINTMENT_EARLY_MINUTES")))
        .filter(
            Q(language__isnull=True)
            | Q(language_id__in=_serving_languages(counter=counter, agent_id=agent_id))
            | Q(arrived_at__lte=now - _minutes("ATTENTION_LANGUAGE_MAX_WAIT_MINUTES"))
        )
        .order_by(rank, turn, "pk")
    )
