"""Ley 29733: every back-office view of citizens' personal data is recorded; administrators read the record."""

import pytest
import time_machine
from django.urls import reverse

from appointments.tests.conftest import NOW, SLOT_START
from appointments.tests.factories import ScheduleFactory, appointment_create, slot_create
from centers.constants import DataAccess, StaffRole
from centers.models import PersonalDataAccess
from centers.tests.factories import CenterFactory, staff_user_create
from conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked():
    with time_machine.travel(NOW, tick=False):
        schedule = ScheduleFactory(center=CenterFactory(name="Centro MAC Callao"))
        slot = slot_create(schedule=schedule, starts_at=SLOT_START)
        yield [appointment_create(slot=slot, n=n) for n in range(2)]


def accesses(user):
    return sorted(PersonalDataAccess.objects.filter(user=user).values_list("action", "object_id"))


def test_opening_listing_searching_and_the_day_sheet_are_recorded(client, booked):
    first, second = booked
    supervisor = staff_user_create(role=StaffRole.SUPERVISOR, center=first.center)
    verified_client(supervisor, client)
    changelist = reverse("admin:appointments_appointment_changelist")
    with time_machine.travel(NOW, tick=False):
        client.get(reverse("admin:appointments_appointment_change", args=[first.pk]))
        assert accesses(supervisor) == [(DataAccess.VIEWED, str(first.pk))]
        client.get(changelist, {"q": second.document_number})
        assert (DataAccess.SEARCHED, str(second.pk)) in accesses(supervisor)
        client.get(changelist)
        assert {(DataAccess.LISTED, str(a.pk)) for a in booked} <= set(accesses(supervisor))
        client.get("/admin/appointments/daysheet/", {"center": first.center_id, "date": "2026-12-01"})
        assert (DataAccess.DAY_SHEET, str(first.pk)) in accesses(supervisor)
    record = PersonalDataAccess.objects.filter(user=supervisor).first()
    assert record.center_id == first.center_id and record.at is not None


def test_only_administrators_read_the_access_record(client, booked):
    url = reverse("admin:centers_personaldataaccess_changelist")
    verified_client(staff_user_create(role=StaffRole.SUPERVISOR, center=booked[0].center), client)
    assert client.get(url).status_code == 403
    verified_client(staff_user_create(role=StaffRole.ADMINISTRATOR), client)
    assert client.get(url).status_code == 200
