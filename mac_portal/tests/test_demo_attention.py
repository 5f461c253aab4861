"""The demo of the in-person channel: staff per center and role, device tokens, a live morning at Lima Norte."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from attention.constants import TicketStatus
from attention.models import Attention, Queue, Ticket
from attention.selectors import supervision_summary
from centers.models import Center, StaffMembership
from common.tests.utils import new_address
from mac_portal.demo.attention import DEMO_PASSWORD, demo_devices_load, demo_morning_load, demo_staff_load
from mac_portal.demo.loader import demo_load

pytestmark = pytest.mark.django_db

# A Tuesday at 11:00 in Lima.
NOW = dt.datetime(2026, 11, 24, 11, 0, tzinfo=ZoneInfo("America/Lima"))


@pytest.fixture
def demo():
    with time_machine.travel(NOW, tick=False):
        demo_load()
        yield


def test_demo_staff_devices_and_a_live_morning(demo, client):
    with time_machine.travel(NOW, tick=False):
        logins = demo_staff_load()
        devices = demo_devices_load()
        issued = demo_morning_load()
        assert demo_morning_load() == 0  # idempotent: one morning a day
        assert len(demo_staff_load()) == len(logins)
    assert StaffMembership.objects.filter(role="counter_agent", center__code="MAC-LIMA-NORTE").count() == 4
    assert {login.username for login in logins} >= {"lima-norte.orientador", "analista", "administrador"}
    assert len(devices) == 10
    lima_norte = Center.objects.get(code="MAC-LIMA-NORTE")
    tickets = Ticket.objects.filter(center=lima_norte)
    assert issued == tickets.count() > 20
    statuses = set(tickets.values_list("status", flat=True))
    assert {TicketStatus.FINISHED, TicketStatus.WAITING} <= statuses
    assert tickets.filter(status__in=[TicketStatus.CALLED, TicketStatus.SERVING]).exists()  # counters at work
    visit = tickets.get(steps__isnull=False, steps__position=0)  # one visit of two steps: pay, then RENIEC
    assert [step.procedure.entity.slug for step in visit.steps.order_by("position")] == [
        "banco-de-la-nacion",
        "reniec",
    ]
    assert Queue.objects.filter(center=lima_norte, remote_tickets=True, entity__slug="reniec").exists()
    assert Attention.objects.filter(center=lima_norte, finished_at__isnull=False).count() > 10
    with time_machine.travel(NOW, tick=False):
        summary = supervision_summary(center=lima_norte)
    assert summary.totals.served > 10 and len(summary.counters) == 4

    # The demo password signs in (through the admin's login and its lockout check); two-step enrolment comes next.
    login = client.post(
        reverse("admin:login"),
        {"username": "lima-norte.supervisor", "password": DEMO_PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=new_address(),
    )
    assert login.status_code == 302 and login["Location"] == "/admin/"
    assert "/admin/otp/enrol/" in client.get("/admin/")["Location"]
    kiosk_address = next(address for center, kind, address in devices if center == lima_norte and kind == "kiosk")
    assert client.get(kiosk_address).status_code == 302


def test_load_demo_prints_the_demo_credentials_only_with_debug(demo, settings):
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("load_demo", stdout=out)
    assert "skipped: DEBUG is off" in out.getvalue() and not StaffMembership.objects.exists()
    settings.DEBUG = True
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert f"password for all: {DEMO_PASSWORD}" in text and "lima-norte.asesor1" in text
    assert "/pantalla/mac-lima-norte/?token=demo-screen-lima-norte" in text
