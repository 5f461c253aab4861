"""A Callao clerk never reaches Piura's bookings in the admin: lists, searches, change pages, actions, day sheet."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from appointments.constants import AppointmentStatus
from appointments.models import Slot
from appointments.tests.conftest import SLOT_START
from appointments.tests.factories import ScheduleFactory, appointment_create, slot_create
from centers.constants import StaffRole
from centers.tests.factories import CenterFactory, staff_user_create
from conftest import verified_client
from procedures.tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(frozen):
    procedure = ProcedureFactory(name="Duplicado de DNI")
    result = {}
    for n, name in enumerate(["Callao", "Piura"]):
        center = CenterFactory(name=f"Centro MAC {name}", code=f"MAC-{name.upper()}")
        schedule = ScheduleFactory(center=center, procedures=[procedure], name=f"Ventanillas {name}")
        slot = slot_create(schedule=schedule, starts_at=SLOT_START)
        appointment = appointment_create(slot=slot, n=n, full_name=f"Vecina de {name}")
        result[name] = {"center": center, "schedule": schedule, "slot": slot, "appointment": appointment}
    return result


@pytest.fixture
def clerk_client(client, places):
    verified_client(staff_user_create(role=StaffRole.SUPERVISOR, center=places["Callao"]["center"]), client)
    return client


def hidden(client, url, text) -> bool:
    """The page is refused or, for the admin's unknown-object answer, redirects without the data."""
    response = client.get(url)
    if response.status_code == 302:
        response = client.get(response.url)
    return response.status_code in (200, 403, 404) and text not in response.content.decode()


def test_lists_show_only_the_users_centers(clerk_client, places):
    for name in ["appointment", "schedule", "slot", "notification"]:
        content = clerk_client.get(reverse(f"admin:appointments_{name}_changelist")).content.decode()
        assert "Piura" not in content, name
    content = clerk_client.get(reverse("admin:appointments_appointment_changelist")).content.decode()
    assert places["Callao"]["appointment"].code_display in content
    assert places["Piura"]["appointment"].code_display not in content


def test_change_pages_of_another_center_are_unreachable(clerk_client, places):
    piura = places["Piura"]
    assert hidden(
        clerk_client,
        reverse("admin:appointments_appointment_change", args=[piura["appointment"].pk]),
        "Vecina de Piura",
    )
    assert hidden(
        clerk_client, reverse("admin:appointments_schedule_change", args=[piura["schedule"].pk]), "Ventanillas Piura"
    )
    assert hidden(clerk_client, reverse("admin:appointments_slot_change", args=[piura["slot"].pk]), "Ventanillas Piura")
    callao = places["Callao"]
    response = clerk_client.get(reverse("admin:appointments_appointment_change", args=[callao["appointment"].pk]))
    assert response.status_code == 200 and "Vecina de Callao" in response.content.decode()


def test_document_search_reaches_only_the_users_centers_but_the_whole_country_for_administrators(
    client, clerk_client, places
):
    url = reverse("admin:appointments_appointment_changelist")
    piura = places["Piura"]["appointment"]
    assert piura.code_display not in clerk_client.get(url, {"q": piura.document_number}).content.decode()
    assert piura.code_display not in clerk_client.get(url, {"q": piura.code}).content.decode()
    verified_client(staff_user_create(role=StaffRole.ADMINISTRATOR), client)
    assert piura.code_display in client.get(url, {"q": piura.document_number}).content.decode()


def test_actions_ignore_another_centers_rows(clerk_client, places):
    piura = places["Piura"]["appointment"]
    url = reverse("admin:appointments_appointment_changelist")
    clerk_client.post(
        url,
        {"action": "cancel_with_reason", "_selected_action": [piura.pk], "confirm": "1", "reason": "Prueba"},
    )
    piura.refresh_from_db()
    assert piura.status == AppointmentStatus.BOOKED


def test_day_sheet_of_another_center_is_forbidden(clerk_client, places):
    url = "/admin/appointments/daysheet/"
    response = clerk_client.get(url, {"center": places["Piura"]["center"].pk, "date": "2026-12-01"})
    assert response.status_code == 403
    response = clerk_client.get(url, {"center": places["Callao"]["center"].pk, "date": "2026-12-01"})
    assert response.status_code == 200 and "Vecina de Callao" in response.content.decode()
    assert "Centro MAC Piura" not in response.content.decode()  # not even among the choices


def test_a_schedule_cannot_be_created_for_another_center(clerk_client, places):
    procedure = places["Piura"]["schedule"].procedures.get()
    response = clerk_client.post(
        reverse("admin:appointments_schedule_add"),
        {
            "center": places["Piura"]["center"].pk,
            "name": "Intrusa",
            "procedures": [procedure.pk],
            "slot_minutes": 30,
            "capacity": 1,
            "min_lead_minutes": 120,
            "max_days_ahead": 30,
            "valid_from": "2026-01-01",
            "rules-TOTAL_FORMS": 0,
            "rules-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code in (200, 403)
    assert not Slot.objects.filter(schedule__name="Intrusa").exists()


def test_a_counter_agent_reads_appointments_but_cannot_cancel(client, places):
    verified_client(staff_user_create(role=StaffRole.COUNTER_AGENT, center=places["Callao"]["center"]), client)
    url = reverse("admin:appointments_appointment_changelist")
    assert client.get(url).status_code == 200
    appointment = places["Callao"]["appointment"]
    client.post(
        url, {"action": "cancel_with_reason", "_selected_action": [appointment.pk], "confirm": "1", "reason": "x"}
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_a_staff_user_without_membership_sees_nothing(client, places, django_user_model):
    user = django_user_model.objects.create_user(username="suelto", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_appointment"))
    verified_client(user, client)
    content = client.get(reverse("admin:appointments_appointment_changelist")).content.decode()
    assert "Vecina de" not in content
