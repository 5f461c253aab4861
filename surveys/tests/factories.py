"""Helpers for the surveys tests: a finished attention (through the real counter services), with or without an
appointment whose citizen agreed to a survey."""

import datetime as dt
import re

import time_machine
from django.core import mail

from appointments.tests.factories import ScheduleFactory, appointment_create, slot_create
from appointments.tests.utils import NOW
from attention.constants import CounterSessionStatus, Outcome
from attention.models import Attention, CounterSession
from attention.services import attention_finish, attention_start, ticket_call_next, ticket_check_in_appointment
from attention.tests.conftest import at
from attention.tests.factories import Floor, session_open, ticket_create

TOKEN_RE = re.compile(r"/encuesta/([\w-]+:[\w-]+:[\w-]+)/")


def booked_appointment(floor: Floor, *, n: int = 1, starts: dt.datetime | None = None, **citizen):
    """An appointment at the floor, booked at NOW (a week before), for a slot at `starts` (default: 10:00)."""
    schedule = ScheduleFactory(center=floor.center, procedures=[floor.dni], capacity=20)
    slot = slot_create(schedule=schedule, starts_at=starts or at(10))
    citizen.setdefault("survey_consent", True)
    with time_machine.travel(NOW, tick=False):
        return appointment_create(slot=slot, procedure=floor.dni, n=n, **citizen)


def serve(
    floor: Floor, *, appointment=None, finished: dt.datetime | None = None, outcome=Outcome.RESOLVED, session=None
) -> Attention:
    """Check in the appointment (or issue a walk-in ticket), call, start and finish it at the RENIEC counter;
    `finished` is the moment it finishes (default 10:10 of the floor's day)."""
    finished = finished or at(10, 10)
    with time_machine.travel(finished - dt.timedelta(minutes=10), tick=False):
        if appointment is not None:
            ticket_check_in_appointment(center=floor.center, code=appointment.code)
        else:
            ticket_create(center=floor.center, procedure=floor.dni, at=finished - dt.timedelta(minutes=10))
        session = (
            session
            or CounterSession.objects.filter(counter=floor.reniec_counter, status=CounterSessionStatus.OPEN).first()
            or session_open(counter=floor.reniec_counter)
        )
        ticket = ticket_call_next(session=session)
        assert ticket is not None
        attention_start(ticket=ticket, session=session)
    with time_machine.travel(finished, tick=False):
        note = "" if outcome == Outcome.RESOLVED else "Faltó un requisito"
        return attention_finish(ticket=ticket, session=session, outcome=outcome, note=note)


def link_token(message: str) -> str:
    """The survey token in an invitation's text."""
    match = TOKEN_RE.search(message)
    assert match, message
    return match.group(1)


def last_email_token() -> str:
    return link_token(mail.outbox[-1].body)
