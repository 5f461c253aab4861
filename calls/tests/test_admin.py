"""The operator's screen in the admin: who reaches it, and a call from pick-up to log with a booking."""

import pytest
from django.urls import reverse

from appointments.constants import BookingChannel
from appointments.models import Appointment
from appointments.tests.factories import appointment_create, lima
from attention.models import Attention
from centers.constants import Channel, StaffRole
from centers.models import Language, PersonalDataAccess
from centers.tests.factories import CenterFactory, staff_user_create
from conftest import verified_client

from ..constants import CallOutcome
from ..models import Call
from .conftest import at
from .factories import call_logged, operator_create

pytestmark = pytest.mark.django_db

SCREEN = reverse("admin:calls_operatorscreen_changelist")
SEARCH = reverse("admin:calls_operatorscreen_search")


def test_only_phone_operators_and_administrators_reach_the_screen(client, phone, operator, frozen):
    for role in (StaffRole.GREETER, StaffRole.COUNTER_AGENT, StaffRole.SUPERVISOR):
        verified_client(staff_user_create(role=role, center=phone.center), client)
        assert client.get(SCREEN).status_code == 403, role
        assert client.get(SEARCH, {"q": "record"}).status_code == 403, role
        assert client.post(SCREEN, {"action": "start"}).status_code == 403, role
    verified_client(staff_user_create(role=StaffRole.ANALYST), client)
    assert client.get(SCREEN).status_code == 403
    verified_client(staff_user_create(role=StaffRole.ADMINISTRATOR), client)
    assert client.get(SCREEN).status_code == 200
    assert not Call.objects.exists()


def test_an_operator_sees_neither_another_line_nor_the_counters(client, phone, operator, frozen):
    other = CenterFactory(code="MAC-TEL-2", name="Otra línea", channel=Channel.PHONE)
    verified_client(operator, client)
    assert client.get(SCREEN).status_code == 200
    assert client.get(SCREEN, {"center": other.pk}).status_code == 404
    assert client.get(SCREEN, {"center": phone.center.pk}).status_code == 404  # an in-person center
    for name in (
        "admin:attention_counterscreen_changelist",
        "admin:attention_greeterscreen_changelist",
        "admin:attention_supervisionscreen_changelist",
        "admin:attention_attention_changelist",
        "admin:attention_ticket_changelist",
    ):
        assert client.get(reverse(name)).status_code == 403, name


def test_a_call_with_a_booking_from_pick_up_to_log(client, phone, operator, frozen):
    verified_client(operator, client)
    page = client.get(SCREEN)
    assert "Atender una llamada (N)" in page.content.decode()
    assert client.post(SCREEN, {"action": "start"}).status_code == 302
    call = Call.objects.get(operator=operator, ended_at__isnull=True)

    results = client.get(SEARCH, {"q": "record policial"}).content.decode()
    assert "Certificado de antecedentes policiales" in results and f"procedure={phone.procedure.pk}" in results
    no_js = client.get(SCREEN, {"q": "record policial"}).content.decode()  # the same results without JavaScript
    assert f"procedure={phone.procedure.pk}" in no_js

    info = client.get(SCREEN, {"procedure": phone.procedure.pk}).content.decode()
    assert "Pago de la tasa" in info and "Centro MAC Lima Norte" in info and "Abierto ahora" in info

    where = {"procedure": phone.procedure.pk, "book_center": phone.center.pk, "book_day": "2026-12-02"}
    booking_page = client.get(SCREEN, where).content.decode()
    slot = phone.schedule.slots.get(starts_at=lima(2026, 12, 2, 8, 30))
    assert f'value="{slot.pk}"' in booking_page
    url = f"{SCREEN}?procedure={phone.procedure.pk}&book_center={phone.center.pk}&book_day=2026-12-02"
    data = {
        "action": "book",
        "slot": slot.pk,
        "document_type": "dni",
        "document_number": "40000001",
        "full_name": "",
        "phone": "987654321",
        "consent": "on",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and not Appointment.objects.exists()
    assert 'value="987654321"' in refused.content.decode() or 'value="987 654 321"' in refused.content.decode()
    booked = client.post(url, {**data, "full_name": "Rosa Quispe Mamani"}, follow=True)
    appointment = Appointment.objects.get()
    assert appointment.channel == BookingChannel.PHONE and appointment.full_name == "Rosa Quispe Mamani"
    assert appointment.code_display in booked.content.decode()

    spanish = Language.objects.get(code="es")
    log = {
        "action": "finish",
        "procedure": phone.procedure.pk,
        "intent": "tramite",
        "language": spanish.pk,
        "outcome": CallOutcome.BOOKED,
    }
    frozen.shift(150)
    assert client.post(SCREEN, log).status_code == 302
    call.refresh_from_db()
    assert (call.outcome, call.duration_seconds, call.appointment) == (CallOutcome.BOOKED, 150, appointment)
    attention = Attention.objects.get()
    assert (attention.channel, attention.center, attention.agent) == (Channel.PHONE, phone.line, operator)
    totals = client.get(SCREEN).content.decode()
    assert "2:30" in totals and "Cita reservada: 1" in totals


def test_logging_without_a_procedure_keeps_what_was_typed(client, phone, operator, frozen):
    verified_client(operator, client)
    client.post(SCREEN, {"action": "start"})
    answer = client.post(
        SCREEN, {"action": "finish", "outcome": "referred", "referred_to": "", "note": "Llamó dos veces"}
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Busque y elija el trámite" in page and "Llamó dos veces" in page
    assert not Attention.objects.exists()


def test_the_caller_s_appointment_needs_code_and_document(client, phone, operator, frozen):
    appointment = appointment_create(slot=phone.schedule.slots.get(starts_at=lima(2026, 12, 2, 8, 30)), n=4)
    verified_client(operator, client)
    client.post(SCREEN, {"action": "start"})
    wrong = client.post(
        SCREEN, {"action": "lookup", "lookup-code": appointment.code, "lookup-document_number": "40000005"}
    )
    assert wrong.status_code == 404 and appointment.full_name not in wrong.content.decode()
    assert not PersonalDataAccess.objects.exists()
    client.post(SCREEN, {"action": "lookup", "lookup-code": appointment.code, "lookup-document_number": "40000004"})
    page = client.get(SCREEN).content.decode()
    assert appointment.full_name in page and "Cancelar la cita" in page
    assert PersonalDataAccess.objects.filter(user=operator, object_id=str(appointment.pk)).count() == 1
    later = phone.schedule.slots.get(starts_at=lima(2026, 12, 3, 9, 0))
    assert f'value="{later.pk}"' in client.get(SCREEN, {"move_day": "2026-12-03"}).content.decode()
    client.post(f"{SCREEN}?move_day=2026-12-03", {"action": "reschedule", "move-slot": later.pk})
    appointment.refresh_from_db()
    assert appointment.slot == later
    client.post(SCREEN, {"action": "cancel", "cancel-reason": "Ya no viaja"})
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


def test_the_calls_list_shows_only_the_user_s_lines(client, phone, operator, frozen):
    other = CenterFactory(code="MAC-TEL-2", name="Otra línea", channel=Channel.PHONE)
    colleague_elsewhere = operator_create(other, username="otra-operadora")
    mine = call_logged(line=phone.line, operator=operator, procedure=phone.procedure, start=at(9), seconds=61)
    theirs = call_logged(
        line=other, operator=colleague_elsewhere, procedure=phone.procedure, start=at(9, 30), seconds=62
    )
    calls = reverse("admin:calls_call_changelist")
    verified_client(operator, client)
    listed = client.get(calls)
    assert listed.status_code == 200 and [row.pk for row in listed.context["cl"].result_list] == [mine.pk]
    assert client.get(reverse("admin:calls_call_change", args=[theirs.pk])).status_code == 302  # unknown: back
    verified_client(staff_user_create(role=StaffRole.COUNTER_AGENT, center=phone.center), client)
    assert client.get(calls).status_code == 403


def test_the_screen_s_queries_are_bounded(client, phone, operator, frozen, django_assert_max_num_queries):
    verified_client(operator, client)
    client.post(SCREEN, {"action": "start"})
    where = {"procedure": phone.procedure.pk, "book_center": phone.center.pk, "book_day": "2026-12-02", "q": "dni"}
    client.get(SCREEN, where)  # warm the per-process caches (content types, sessions)
    with django_assert_max_num_queries(30):  # 26 when written: a fixed number, whatever the catalog holds
        assert client.get(SCREEN, where).status_code == 200
