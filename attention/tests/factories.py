"""Helpers for the in-person channel's tests (shared by other apps' tests too).

`floor_create()` gives a center with two entities' procedures and counters; `ticket_create(...)` issues through
the real service at a given moment; `session_open(...)` opens a counter for a new agent; `remote_enable(...)` and
`remote_join(...)` set up and take remote tickets.
"""

import datetime as dt
from dataclasses import dataclass

from centers.constants import StaffRole
from centers.models import Center, Counter
from centers.tests.factories import CenterFactory, CounterFactory, OfferingFactory, staff_user_create
from procedures.models import Procedure
from procedures.tests.factories import EntityFactory, ProcedureFactory

from ..models import CounterSession, Ticket
from ..services import counter_open, queue_for_procedure, ticket_issue, ticket_join_remote


@dataclass
class Floor:
    center: Center
    dni: Procedure  # RENIEC
    passport: Procedure  # RENIEC
    record: Procedure  # Poder Judicial
    reniec_counter: Counter
    pj_counter: Counter


def _procedure(*, name: str, **kwargs) -> Procedure:
    """One procedure per name, shared by every floor (centers offer the same catalog)."""
    return Procedure.objects.filter(name=name).first() or ProcedureFactory(name=name, **kwargs)


def floor_create(*, name: str = "Centro MAC Lima Norte") -> Floor:
    """A center where RENIEC (two procedures) and the judiciary (one) each have a counter."""
    center = CenterFactory(name=name, hours=True)
    reniec = EntityFactory(name="RENIEC", acronym="RENIEC", slug="reniec")
    judiciary = EntityFactory(name="Poder Judicial", acronym="PJ", slug="poder-judicial")
    dni = _procedure(entity=reniec, name="Duplicado de DNI", counter_minutes=10, sla_max_wait_minutes=30)
    passport = _procedure(entity=reniec, name="Rectificación de datos", counter_minutes=20)
    record = _procedure(
        entity=judiciary, name="Certificado de antecedentes penales", counter_minutes=5, requirements=["DNI vigente"]
    )
    for procedure in (dni, passport, record):
        OfferingFactory(center=center, procedure=procedure)
    return Floor(
        center=center,
        dni=dni,
        passport=passport,
        record=record,
        reniec_counter=CounterFactory(center=center, entity=reniec, label="V-01", procedures=[dni, passport]),
        pj_counter=CounterFactory(center=center, entity=judiciary, label="V-02"),
    )


def ticket_create(*, center: Center, procedure: Procedure, at: dt.datetime, **kwargs) -> Ticket:
    return ticket_issue(center=center, procedure=procedure, now=at, **kwargs)


def session_open(*, counter: Counter, role: str = StaffRole.COUNTER_AGENT, languages=(), at=None) -> CounterSession:
    agent = staff_user_create(role=role, center=counter.center, languages=languages)
    return counter_open(counter=counter, agent=agent, now=at)


def remote_enable(*, center: Center, procedure: Procedure) -> None:
    """Let citizens join the queue of the procedure's entity at the center from their phone."""
    queue = queue_for_procedure(center=center, procedure=procedure)
    queue.remote_tickets = True
    queue.save(update_fields=["remote_tickets"])


# A valid DNI with its check character (stdnum pe.cui), and further valid ones.
DNIS = ["10117410", "45678912", "87654321", "12345678", "23456789", "34567890", "56789012", "67890123", "78901234"]


def remote_join(*, center: Center, procedure: Procedure, at: dt.datetime, n: int = 0, **overrides) -> Ticket:
    """A remote ticket of citizen number `n` (its own DNI and mobile number)."""
    data = {
        "document_type": "dni",
        "document_number": DNIS[n],
        "phone": f"98765{n:04d}",
        "email": f"persona{n}@example.com",
        **overrides,
    }
    return ticket_join_remote(center=center, procedure=procedure, now=at, **data)
