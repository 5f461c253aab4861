"""factory_boy factories and helpers for the booking engine (shared by every app's tests).

`ScheduleFactory(procedures=[p], rules=[(0, "08:30", "12:30")])` offers each procedure at the schedule's
center and adds weekly ranges; `slot_create(...)` makes one slot directly; `citizen(n)` gives valid data
with a distinct DNI per `n`; `appointment_create(...)` books through the real service.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from appointments.constants import CONSENT_VERSION, BookingChannel, DocumentType
from appointments.models import Appointment, Schedule, ScheduleRule, Slot
from appointments.services import Citizen, appointment_book, slot_booking_window
from centers.tests.factories import CenterFactory, OfferingFactory
from procedures.tests.factories import ProcedureFactory

LIMA = ZoneInfo("America/Lima")


def lima(*args) -> dt.datetime:
    """An aware Lima datetime: lima(2026, 12, 1, 8, 30)."""
    return dt.datetime(*args, tzinfo=LIMA)


def _time(value):
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule
        skip_postgeneration_save = True

    center = factory.SubFactory(CenterFactory)
    name = factory.Sequence(lambda n: f"Ventanillas {n}")
    slot_minutes = 30
    capacity = 2
    min_lead_minutes = 120
    max_days_ahead = 30
    valid_from = dt.date(2026, 1, 1)
    valid_until = None
    is_active = True

    @factory.post_generation
    def procedures(self, create, extracted, **kwargs):
        if not create:
            return
        for procedure in extracted or [ProcedureFactory()]:
            OfferingFactory(center=self.center, procedure=procedure)
            self.procedures.add(procedure)

    @factory.post_generation
    def rules(self, create, extracted, **kwargs):
        if create and extracted:
            ScheduleRule.objects.bulk_create(
                ScheduleRule(schedule=self, weekday=weekday, start=_time(start), end=_time(end))
                for weekday, start, end in extracted
            )


def slot_create(*, schedule: Schedule, starts_at: dt.datetime, capacity: int | None = None, minutes: int = 30) -> Slot:
    """One slot of a schedule, with the booking window slots_generate would give it."""
    book_from, book_until = slot_booking_window(schedule=schedule, starts_at=starts_at)
    return Slot.objects.create(
        schedule=schedule,
        center_id=schedule.center_id,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        capacity=schedule.capacity if capacity is None else capacity,
        book_from=book_from,
        book_until=book_until,
    )


def citizen(n: int = 0, **overrides) -> Citizen:
    values = {
        "document_type": DocumentType.DNI,
        "document_number": f"{40000000 + n:08d}",
        "full_name": f"Rosa María Quispe {chr(65 + n % 26)}",
        "email": f"ciudadano{n}@example.pe",
        "phone": "987 654 321",
    }
    values.update(overrides)
    return Citizen(**values)


def appointment_create(*, slot: Slot, procedure=None, n: int = 0, **citizen_overrides) -> Appointment:
    """Book through appointment_book (so counters and notifications are right)."""
    procedure = procedure or slot.schedule.procedures.first()
    return appointment_book(
        slot_id=slot.pk,
        procedure_id=procedure.pk,
        citizen=citizen(n, **citizen_overrides),
        consent_version=CONSENT_VERSION,
        channel=BookingChannel.VIRTUAL,
    )
