"""Attentions served outside the queue (a phone call): recorded in one step, closed like the counters close theirs."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from appointments.formatting import lima_date
from appointments.models import Appointment
from centers.models import Center, Language
from procedures.models import Procedure

from ..constants import Channel, CitizenIntent, Outcome
from ..errors import InvalidInput
from ..models import Attention
from .calling import _attention_close

__all__ = ["attention_record"]


@transaction.atomic
def attention_record(
    *,
    center: Center,
    procedure: Procedure,
    agent,
    started_at: dt.datetime,
    finished_at: dt.datetime,
    outcome: str,
    intent: str = CitizenIntent.PROCEDURE,
    language: Language | None = None,
    appointment: Appointment | None = None,
    note: str = "",
) -> Attention:
    """A finished attention on the center's own channel (no ticket, no wait: issued, called and started when it
    began). Closed through the counters' own closing step, so `attention_finished` is sent after commit."""
    if outcome not in Outcome.values:
        raise InvalidInput(field_errors={"outcome": [_("Choose an option from the list.")]})
    if intent not in CitizenIntent.values:
        raise InvalidInput(field_errors={"intent": [_("Choose an option from the list.")]})
    if finished_at < started_at:
        raise InvalidInput(field_errors={"finished_at": [_("The end is before the start.")]})
    attention = Attention.objects.create(
        center=center,
        channel=Channel(center.channel),
        service_day=lima_date(started_at),
        procedure=procedure,
        agent=agent,
        appointment=appointment,
        language=language,
        intent=intent,
        issued_at=started_at,
        called_at=started_at,
        started_at=started_at,
    )
    _attention_close(attention=attention, outcome=outcome, now=finished_at, outcome_note=note.strip()[:250])
    return attention
