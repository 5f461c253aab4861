import pytest
from django.urls import reverse

from appointments.constants import AppointmentStatus
from appointments.models import Appointment, Schedule, Slot
from appointments.services import slots_generate
from appointments.tests.factories import ScheduleFactory, appointment_create, lima, slot_create
from centers.tests.factories import CenterFactory, OfferingFactory
from procedures.tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def schedule_post(center, procedure, rules, **overrides):
    data = {
        "center": center.pk,
        "name": "Ventanillas RENIEC",
        "procedures": [procedure.pk],
        "is_active": "on",
        "slot_minutes": 30,
        "capacity": 2,
        "min_lead_minutes": 120,
        "max_days_ahead": 30,
        "valid_from": "2026-01-01",
        "valid_until": "",
        "rules-TOTAL_FORMS": len(rules),
        "rules-INITIAL_FORMS": 0,
        "rules-MIN_NUM_FORMS": 0,
        "rules-MAX_NUM_FORMS": 1000,
    }
    for i, (weekday, start, end) in enumerate(rules):
        data.update({f"rules-{i}-weekday": weekday, f"rules-{i}-start": start, f"rules-{i}-end": end})
    data.update(overrides)
    return data


def test_adding_a_schedule_generates_its_slots(frozen, admin_client, procedure):
    center = CenterFactory()
    OfferingFactory(center=center, procedure=procedure)
    response = admin_client.post(
        reverse("admin:appointments_schedule_add"),
        schedule_post(center, procedure, [(1, "08:30", "10:30")]),
        follow=True,
    )
    assert response.status_code == 200
    schedule = Schedule.objects.get()
    assert Slot.objects.filter(schedule=schedule).count() == 16
    assert "16 creados" in response.content.decode()


def test_overlapping_ranges_and_procedures_not_offered_are_refused(frozen, admin_client, procedure):
    center = CenterFactory()
    OfferingFactory(center=center, procedure=procedure)
    response = admin_client.post(
        reverse("admin:appointments_schedule_add"),
        schedule_post(center, procedure, [(1, "08:30", "10:30"), (1, "10:00", "12:00")]),
    )
    assert "se superponen" in response.content.decode()
    other = ProcedureFactory(name="Licencia de conducir")
    response = admin_client.post(
        reverse("admin:appointments_schedule_add"), schedule_post(center, other, [(1, "08:30", "10:30")])
    )
    assert "Licencia de conducir no se ofrece en" in response.content.decode()
    assert not Schedule.objects.exists()


def test_changing_a_schedule_reports_conflicts(frozen, admin_client, procedure):
    schedule = ScheduleFactory(procedures=[procedure], rules=[(1, "08:30", "10:30")])
    slots_generate(schedule=schedule)
    slot = Slot.objects.get(schedule=schedule, starts_at=lima(2026, 12, 1, 10, 0))
    appointment_create(slot=slot, n=1)
    [rule] = schedule.rules.all()
    data = schedule_post(schedule.center, procedure, [])
    data.update(
        {
            "rules-TOTAL_FORMS": 1,
            "rules-INITIAL_FORMS": 1,
            "rules-0-id": rule.pk,
            "rules-0-schedule": schedule.pk,
            "rules-0-weekday": 1,
            "rules-0-start": "08:30",
            "rules-0-end": "10:00",
        }
    )
    response = admin_client.post(reverse("admin:appointments_schedule_change", args=[schedule.pk]), data, follow=True)
    content = response.content.decode()
    assert "1 turno ya no encaja en el horario pero tiene citas." in content
    conflicts = admin_client.get(reverse("admin:appointments_slotconflict_changelist")).content.decode()
    assert "2026-12-01 10:00" in conflicts


def test_search_appointments_by_code_or_document(frozen, admin_client, slot, django_assert_max_num_queries):
    appointment = appointment_create(slot=slot, n=1)
    other = appointment_create(slot=slot, n=2)
    url = reverse("admin:appointments_appointment_changelist")
    with django_assert_max_num_queries(12):
        content = admin_client.get(url, {"q": appointment.code_display.lower()}).content.decode()
    assert appointment.code_display in content and other.code_display not in content
    content = admin_client.get(url, {"q": other.document_number}).content.decode()
    assert other.code_display in content and appointment.code_display not in content
    content = admin_client.get(url, {"day": "2026-12-01", "status__exact": "booked"}).content.decode()
    assert appointment.code_display in content and other.code_display in content
    content = admin_client.get(url, {"day": "2026-12-02"}).content.decode()
    assert appointment.code_display not in content


def test_cancel_with_reason_action(frozen, admin_client, slot, mailoutbox, django_capture_on_commit_callbacks):
    appointment = appointment_create(slot=slot, n=1)
    url = reverse("admin:appointments_appointment_changelist")
    form = admin_client.post(url, {"action": "cancel_with_reason", "_selected_action": [appointment.pk]})
    assert "Motivo de la cancelación" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url,
            {
                "action": "cancel_with_reason",
                "_selected_action": [appointment.pk],
                "confirm": "1",
                "reason": "Corte de energía en el centro",
            },
            follow=True,
        )
    assert "1 cita cancelada." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancel_reason == "Corte de energía en el centro" and appointment.cancelled_by_staff
    assert Slot.objects.get(pk=slot.pk).booked == 0
    assert mailoutbox[-1].subject.endswith("ha sido cancelada")
    assert "Motivo: Corte de energía en el centro" in mailoutbox[-1].body


def test_personal_data_is_read_only(frozen, admin_client, slot):
    appointment = appointment_create(slot=slot, n=1)
    response = admin_client.get(reverse("admin:appointments_appointment_change", args=[appointment.pk]))
    assert response.status_code == 200
    assert 'name="full_name"' not in response.content.decode()
    assert appointment.full_name in response.content.decode()


def test_day_sheet_lists_the_day_in_time_order(frozen, admin_client, schedule, django_assert_max_num_queries):
    late = slot_create(schedule=schedule, starts_at=lima(2026, 12, 1, 11, 0))
    early = slot_create(schedule=schedule, starts_at=lima(2026, 12, 1, 8, 30))
    b = appointment_create(slot=late, n=1, full_name="Beatriz Late")
    a = appointment_create(slot=early, n=2, full_name="Ana Early")
    appointment_create(
        slot=slot_create(schedule=schedule, starts_at=lima(2026, 12, 2, 8, 30)), n=3, full_name="Otro Dia"
    )
    url = "/admin/appointments/daysheet/"
    with django_assert_max_num_queries(11):  # with the one row of the personal-data access record (Ley 29733)
        response = admin_client.get(url, {"center": schedule.center_id, "date": "2026-12-01"})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.index(a.full_name) < content.index(b.full_name)
    assert "Otro Dia" not in content
    assert "martes 1 de diciembre de 2026" in content
    assert "appointments/daysheet.css" in content
    assert "2 citas" in content
    # Without parameters: the form, for today.
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"center": "x", "date": "nope"}).status_code == 200


def test_slot_and_notification_lists_load(frozen, admin_client, slot):
    appointment_create(slot=slot, n=1)
    assert admin_client.get(reverse("admin:appointments_slot_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:appointments_notification_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:appointments_slot_change", args=[slot.pk])).status_code == 200
    assert Appointment.objects.count() == 1
