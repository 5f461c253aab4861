"""Helpers for the phone line's tests: a phone line, its operators, and a bookable procedure at a MAC center."""

import datetime as dt
from dataclasses import dataclass

from appointments.models import Schedule
from appointments.services import slots_generate
from appointments.tests.factories import ScheduleFactory
from centers.constants import Channel, StaffRole
from centers.models import Center
from centers.tests.factories import CenterFactory, OfferingFactory, staff_user_create
from procedures.models import Procedure
from procedures.tests.factories import EntityFactory, ProcedureFactory

from ..models import Call
from ..services import call_finish, call_start


@dataclass
class Line:
    line: Center
    center: Center  # an in-person MAC center that books the procedure
    procedure: Procedure  # bookable, offered at both
    schedule: Schedule


def line_create(*, code: str = "MAC-TELEFONICO", name: str = "Plataforma telefónica MAC") -> Line:
    line = CenterFactory(code=code, name=name, channel=Channel.PHONE, hours=True, phone="1800")
    center = CenterFactory(name="Centro MAC Lima Norte", hours=True)
    mininter = EntityFactory(name="Ministerio del Interior", acronym="MININTER", slug="mininter")
    procedure = ProcedureFactory(
        entity=mininter,
        name="Certificado de antecedentes policiales",
        keywords="record policial",
        via_phone=True,
        requirements=["DNI vigente", "Pago de la tasa"],
    )
    OfferingFactory(center=line, procedure=procedure)
    schedule = ScheduleFactory(
        center=center,
        procedures=[procedure],
        capacity=2,
        min_lead_minutes=120,
        max_days_ahead=30,
        rules=[(weekday, "08:30", "10:30") for weekday in range(5)],
    )
    slots_generate(schedule=schedule)
    return Line(line=line, center=center, procedure=procedure, schedule=schedule)


def operator_create(line: Center, username: str | None = None):
    return staff_user_create(role=StaffRole.PHONE_OPERATOR, center=line, username=username)


def call_logged(*, line: Center, operator, procedure: Procedure, start: dt.datetime, seconds: int, **fields) -> Call:
    """A call taken at `start` and logged `seconds` later through the real services."""
    call = call_start(line=line, operator=operator, now=start)
    fields.setdefault("outcome", "informed")
    return call_finish(
        call=call, operator=operator, procedure=procedure, now=start + dt.timedelta(seconds=seconds), **fields
    )
