"""A small world for the report tests: two in-person centers, two entities, three procedures (one of them
company formation), and a helper writing attentions with exact times."""

import datetime as dt
from dataclasses import dataclass

from appointments.tests.factories import lima
from attention.constants import Channel, CitizenIntent, Outcome
from attention.models import Attention
from centers.models import Center
from centers.tests.factories import CenterFactory
from procedures.models import Procedure
from procedures.tests.factories import EntityFactory, ProcedureFactory


@dataclass
class ReportWorld:
    north: Center
    callao: Center
    dni: Procedure  # RENIEC, standard wait 30, service 20
    record: Procedure  # Poder Judicial, standard wait 10
    company: Procedure  # company formation


def world_create() -> ReportWorld:
    reniec = EntityFactory(name="RENIEC", acronym="RENIEC", slug="reniec")
    judiciary = EntityFactory(name="Poder Judicial", acronym="PJ", slug="poder-judicial")
    sunarp = EntityFactory(name="SUNARP", acronym="SUNARP", slug="sunarp")
    return ReportWorld(
        north=CenterFactory(name="Centro MAC Lima Norte", code="MAC-LIMA-NORTE", slug="mac-lima-norte"),
        callao=CenterFactory(name="Centro MAC Callao", code="MAC-CALLAO", slug="mac-callao"),
        dni=ProcedureFactory(
            entity=reniec,
            code="RENIEC-001",
            name="Duplicado de DNI",
            sla_max_wait_minutes=30,
            sla_max_service_minutes=20,
        ),
        record=ProcedureFactory(
            entity=judiciary,
            code="PJ-001",
            name="Certificado de antecedentes penales",
            sla_max_wait_minutes=10,
            sla_max_service_minutes=20,
        ),
        company=ProcedureFactory(
            entity=sunarp, code="SUNARP-010", name="Constitución de empresa", intent=CitizenIntent.COMPANY
        ),
    )


def attention_create(
    *,
    center: Center,
    procedure: Procedure,
    issued: dt.datetime,
    wait: float | None = 10,
    service: float = 5,
    outcome: str = Outcome.RESOLVED,
    channel: str = Channel.IN_PERSON,
    **fields,
) -> Attention:
    """An attention issued at `issued` (aware), called `wait` minutes later (None: abandoned) and finished
    `service` minutes after the call."""
    called = issued + dt.timedelta(minutes=wait) if wait is not None else None
    finished = (called or issued) + dt.timedelta(minutes=service if called else 0)
    return Attention.objects.create(
        center=center,
        procedure=procedure,
        channel=channel,
        service_day=issued.astimezone(lima(2026, 1, 1).tzinfo).date(),
        intent=procedure.intent,
        issued_at=issued,
        called_at=called,
        started_at=called,
        finished_at=finished,
        outcome=outcome if called else Outcome.ABANDONED,
        **fields,
    )


def summary_refresh(using: str = "default") -> None:
    """What the beat, the import and the generator do: the daily summary of the test's years."""
    from reports.services import daily_counts_refresh

    daily_counts_refresh(start=dt.date(2015, 1, 1), end=dt.date(2027, 12, 31), using=using)


__all__ = ["ReportWorld", "attention_create", "lima", "summary_refresh", "world_create"]
