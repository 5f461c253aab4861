"""Writes of the phone line: take a call, book or look up the caller's appointment, log the call.

A call is open from `call_start` (its start is the server's clock, which the screen's timer counts from) until
`call_finish` logs it; only then is its Attention recorded (attention.services.attention_record, the same
closing step as the counters': `attention_finished` goes out after commit). Bookings, cancellations and changes
go through the booking engine's own services (appointments.services), so every rule and message is the web's;
the appointment records the phone channel.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.constants import BookingChannel
from appointments.models import Appointment
from appointments.services import (
    Citizen,
    appointment_authenticate,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)
from attention.constants import CitizenIntent
from attention.services import attention_record
from centers.constants import Channel, DataAccess
from centers.models import Center, Language
from centers.selectors import staff_has_role
from centers.services import personal_data_access_record
from procedures.models import Procedure

from .constants import ATTENTION_OUTCOME, PHONE_ROLES, CallOutcome
from .errors import CallNotOpen, InvalidInput, NotAllowed
from .models import Call

__all__ = [
    "call_appointment_cancel",
    "call_appointment_open",
    "call_appointment_reschedule",
    "call_book",
    "call_finish",
    "call_start",
]


def _operator_check(*, line: Center, operator) -> None:
    if line.channel != Channel.PHONE or not line.is_active:
        raise NotAllowed()
    if not staff_has_role(user=operator, center_id=line.pk, roles=PHONE_ROLES):
        raise NotAllowed()


def call_start(*, line: Center, operator, now: dt.datetime | None = None) -> Call:
    """Pick up a call on a phone line; the operator's open call when there is one (a double click, a reload)."""
    _operator_check(line=line, operator=operator)
    for _attempt in range(2):
        current = Call.objects.filter(operator=operator, ended_at__isnull=True).first()
        if current is not None:
            return current
        try:
            with transaction.atomic():
                return Call.objects.create(center=line, operator=operator, started_at=now or timezone.now())
        except IntegrityError:  # one open call per operator (database constraint): another tab got there first
            continue
    raise CallNotOpen()  # pragma: no cover - the open call vanished between two queries twice


def _call_lock(*, call: Call, operator) -> Call:
    """The operator's own open call, locked for the rest of the transaction."""
    locked = Call.objects.select_for_update(of=("self",)).select_related("center").filter(pk=call.pk).first()
    if locked is None or locked.operator_id != operator.pk:
        raise NotAllowed()
    if locked.ended_at is not None:
        raise CallNotOpen()
    return locked


def _open_check(*, call: Call, operator) -> None:
    if call.operator_id != operator.pk:
        raise NotAllowed()
    if Call.objects.filter(pk=call.pk, ended_at__isnull=False).exists():
        raise CallNotOpen()


@transaction.atomic
def call_finish(
    *,
    call: Call,
    operator,
    procedure: Procedure,
    outcome: str,
    intent: str = CitizenIntent.PROCEDURE,
    language: Language | None = None,
    referred_to: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Call:
    """Log the call: what it was about, in which language, how it ended. Its duration runs from the start to now;
    its Attention (the operator as agent, on the phone line) is recorded and announced after commit."""
    now = now or timezone.now()
    call = _call_lock(call=call, operator=operator)
    errors: dict[str, list[str]] = {}
    referred_to = referred_to.strip()[:200]
    if outcome not in CallOutcome.values:
        errors["outcome"] = [_("Choose how the call ended.")]
    elif outcome == CallOutcome.REFERRED and not referred_to:
        errors["referred_to"] = [_("Say which entity or center the caller was referred to.")]
    elif outcome == CallOutcome.BOOKED and call.appointment_id is None:
        errors["outcome"] = [_("No appointment was booked during this call.")]
    if intent not in CitizenIntent.values:
        errors["intent"] = [_("Choose an option from the list.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    ended_at = max(now, call.started_at)
    call.attention = attention_record(
        center=call.center,
        procedure=procedure,
        agent=operator,
        started_at=call.started_at,
        finished_at=ended_at,
        outcome=ATTENTION_OUTCOME[CallOutcome(outcome)],
        intent=intent,
        language=language,
        appointment=call.appointment,
        note=" — ".join(part for part in (referred_to, note.strip()) if part)
        if outcome == CallOutcome.REFERRED
        else note,
    )
    call.ended_at = ended_at
    call.duration_seconds = int((ended_at - call.started_at).total_seconds())
    call.outcome = outcome
    call.referred_to = referred_to if outcome == CallOutcome.REFERRED else ""
    call.save(update_fields=["attention", "ended_at", "duration_seconds", "outcome", "referred_to"])
    return call


def call_book(
    *, call: Call, operator, slot_id: int, procedure_id: int, citizen: Citizen, consent_version: str
) -> Appointment:
    """Book an appointment for the caller through the booking engine (its rules, limits and confirmation by
    e-mail/SMS), recorded as booked by phone and linked to this call."""
    _open_check(call=call, operator=operator)
    appointment = appointment_book(
        slot_id=slot_id,
        procedure_id=procedure_id,
        citizen=citizen,
        consent_version=consent_version,
        channel=BookingChannel.PHONE,
    )
    Call.objects.filter(pk=call.pk, ended_at__isnull=True).update(appointment=appointment)
    call.appointment = appointment
    return appointment


def call_appointment_open(*, call: Call, operator, code: str, document_number: str) -> Appointment:
    """The caller's appointment, once its booking code and document number match (appointments'
    appointment_authenticate: the same answer for both mistakes, locked after repeated wrong documents); the
    operator's look at the personal data is recorded (Ley 29733)."""
    _open_check(call=call, operator=operator)
    appointment = appointment_authenticate(code=code, document_number=document_number)
    personal_data_access_record(
        user=operator, action=DataAccess.VIEWED, records=[appointment], reason=_("Phone line: the caller's appointment")
    )
    return appointment


def call_appointment_cancel(*, call: Call, operator, appointment: Appointment, reason: str = "") -> Appointment:
    """Cancel the caller's appointment at their request (as if they did it on the web: the cooldown applies)."""
    _open_check(call=call, operator=operator)
    return appointment_cancel(appointment=appointment, reason=reason)


def call_appointment_reschedule(*, call: Call, operator, appointment: Appointment, slot_id: int) -> Appointment:
    """Move the caller's appointment to another time (the booking engine's rules; a change message goes out)."""
    _open_check(call=call, operator=operator)
    return appointment_reschedule(appointment=appointment, slot_id=slot_id)
