"""One visit, several entities: a ticket carrying an ordered itinerary of procedures at one center.

The greeter builds it from the catalog (`visit_issue`); a procedure that is "usually paid first at" a fee-payment
procedure (e.g. Banco de la Nación) gets that step before it. Each step is served as its own Attention of the same
ticket; finishing one (`itinerary_advance`, called by attention_finish) queues the ticket for the next step with its
original arrival time, so it keeps its place in the order of arrival.
"""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.models import Center, Language
from procedures.models import Procedure

from ..constants import PriorityNeed, TicketStatus
from ..errors import InvalidInput, NotOffered
from ..models import ItineraryStep, Ticket
from .tickets import _procedure_check, queue_for_procedure, ticket_issue

__all__ = ["MAX_STEPS", "itinerary_advance", "itinerary_build", "visit_issue"]

MAX_STEPS = 5


def itinerary_build(*, center: Center, procedures: Sequence[Procedure], pay_first: bool = True) -> list[Procedure]:
    """The visit's steps in order: each procedure once, preceded (with `pay_first`) by the fee payment the catalog
    says it is usually paid first at, when that payment is served in person at this center."""
    steps: list[Procedure] = []
    for procedure in procedures:
        payment = procedure.paid_first_at if pay_first and procedure.paid_first_at_id else None
        if payment is not None and payment.pk not in {step.pk for step in steps}:
            try:
                _procedure_check(center=center, procedure=payment)
            except NotOffered:  # paid elsewhere (another center, online): no step here
                pass
            else:
                steps.append(payment)
        if procedure.pk not in {step.pk for step in steps}:
            steps.append(procedure)
    if not steps:
        raise InvalidInput(field_errors={"procedure": [_("Choose a procedure.")]})
    if len(steps) > MAX_STEPS:
        raise InvalidInput(
            field_errors={"procedure": [_("A visit has at most %(count)s steps.") % {"count": MAX_STEPS}]}
        )
    for step in steps:
        _procedure_check(center=center, procedure=step)
    return steps


@transaction.atomic
def visit_issue(
    *,
    center: Center,
    procedures: Sequence[Procedure],
    pay_first: bool = True,
    preferential_reason: str = PriorityNeed.NONE,
    language: Language | None = None,
    issued_by=None,
    now: dt.datetime | None = None,
) -> Ticket:
    """A ticket for the first step of the itinerary; with more than one step, the steps are stored with it."""
    steps = itinerary_build(center=center, procedures=procedures, pay_first=pay_first)
    ticket = ticket_issue(
        center=center,
        procedure=steps[0],
        preferential_reason=preferential_reason,
        language=language,
        issued_by=issued_by,
        now=now,
    )
    if len(steps) > 1:
        ItineraryStep.objects.bulk_create(
            ItineraryStep(ticket=ticket, position=position, procedure=procedure)
            for position, procedure in enumerate(steps)
        )
    return ticket


def itinerary_advance(*, ticket: Ticket, now: dt.datetime | None = None) -> ItineraryStep | None:
    """After a step is finished (inside attention_finish's transaction, the ticket locked): mark it done and queue
    the ticket for the next step, keeping its arrival time. Returns the next step, or None when the visit is over."""
    pending = list(ticket.steps.filter(done_at__isnull=True).select_related("procedure").order_by("position"))
    if not pending:
        return None
    now = now or timezone.now()
    current, upcoming = pending[0], pending[1:]
    current.done_at = now
    current.save(update_fields=["done_at"])
    if not upcoming:
        return None
    step = upcoming[0]
    ticket.procedure = step.procedure
    ticket.queue = queue_for_procedure(center=ticket.center, procedure=step.procedure)
    ticket.status = TicketStatus.WAITING
    ticket.target_counter = None
    ticket.called_at = None
    ticket.queued_at = now
    ticket.recalls = 0
    ticket.save(
        update_fields=[
            "procedure",
            "queue",
            "status",
            "target_counter",
            "called_at",
            "queued_at",
            "recalls",
            "updated_at",
        ]
    )
    return step
