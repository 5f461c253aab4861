"""The virtual channel's service acts reach attention through the appointments' outbox scan (a change marked in the
booking's own transaction, announced by the scan in a worker), recorded once each, none lost with a broker message."""

import pytest

from appointments.models import Slot
from appointments.services import appointment_cancel, slots_generate
from appointments.tasks import outbox_scan
from appointments.tests.factories import ScheduleFactory, appointment_create
from appointments.tests.utils import SLOT_START
from attention.models import Attention
from centers.tests.factories import CenterFactory
from procedures.constants import Channel
from procedures.tests.factories import ProcedureFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_migrated_rows")]


@pytest.fixture
def booked(monkeypatch):
    """A booking whose scan nobody nudged (the broker lost it): only the beat's scan will find its rows."""
    import time_machine

    from appointments.tests.utils import NOW
    from common import nudges

    monkeypatch.setattr(nudges, "nudge", lambda task: None)
    with time_machine.travel(NOW, tick=False):
        portal = CenterFactory(name="Plataforma virtual MAC", slug="plataforma-virtual-mac", channel=Channel.VIRTUAL)
        procedure = ProcedureFactory(slug="duplicado-dni")
        schedule = ScheduleFactory(procedures=[procedure], rules=[(1, "08:30", "09:30")])
        slots_generate(schedule=schedule)
        slot = Slot.objects.get(schedule=schedule, starts_at=SLOT_START)
        yield portal, appointment_create(slot=slot, n=1)


def test_the_beat_scan_records_a_booking_and_its_cancellation_once_each(booked):
    portal, appointment = booked
    assert not Attention.objects.filter(appointment=appointment).exists()

    assert outbox_scan()["announced"] == 1
    appointment_cancel(appointment=appointment, reason="ya no")
    assert outbox_scan()["announced"] == 1
    assert outbox_scan()["announced"] == 0  # run again: nothing left to announce

    records = Attention.objects.filter(appointment=appointment).order_by("pk")
    assert [(record.outcome_note, record.center, record.channel) for record in records] == [
        ("book", portal, Channel.VIRTUAL),
        ("cancel", portal, Channel.VIRTUAL),
    ]
