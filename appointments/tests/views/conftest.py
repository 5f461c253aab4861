"""Fixtures of the citizen page tests: a browser, and a RENIEC procedure booked at Lima Norte on weekday mornings."""

from decimal import Decimal

import pytest
from django.test import Client

from appointments.services import slots_generate
from appointments.tests.factories import ScheduleFactory
from centers.tests.factories import CenterFactory
from common.tests.utils import new_address
from procedures.constants import AppointmentPolicy
from procedures.tests.factories import EntityFactory, ProcedureFactory


@pytest.fixture
def client() -> Client:
    """A browser from an address no other test used (rate-limit counters live in the shared Redis)."""
    return Client(REMOTE_ADDR=new_address())


@pytest.fixture
def procedure(db):
    reniec = EntityFactory(name="Registro Nacional de Identificación y Estado Civil", acronym="RENIEC")
    return ProcedureFactory(
        entity=reniec,
        name="Duplicado de DNI",
        fee=Decimal("5.40"),
        appointment_policy=AppointmentPolicy.REQUIRED,
        requirements=["Comprobante de pago de la tasa", "Foto a color"],
    )


@pytest.fixture
def center(db):
    return CenterFactory(name="Centro MAC Lima Norte", address="Av. Alfredo Mendiola 1400", district="Independencia")


@pytest.fixture
def schedule(frozen, procedure, center):
    """Mondays to Fridays 08:30–10:30 at Lima Norte, four 30-minute slots for 2 citizens each, 30 days ahead."""
    schedule = ScheduleFactory(
        center=center, procedures=[procedure], capacity=2, rules=[(d, "08:30", "10:30") for d in range(5)]
    )
    slots_generate(schedule=schedule)
    return schedule


@pytest.fixture
def rush(settings):
    """Every booking from the client's network is "a rush" (the challenge's threshold at 1), with a 15 s wait."""
    settings.CHALLENGE_NETWORK_THRESHOLD = 1
    settings.CHALLENGE_WAIT_SECONDS = 15
