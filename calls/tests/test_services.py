"""Logging calls and the caller's appointments through the phone line's services."""

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from appointments.constants import CONSENT_VERSION, AppointmentStatus, BookingChannel
from appointments.errors import NotFound
from appointments.models import Appointment, Notification
from appointments.tests.factories import appointment_create, citizen, lima
from attention.constants import Channel, CitizenIntent, Outcome
from attention.models import Attention
from attention.signals import attention_finished
from centers.constants import DataAccess, StaffRole
from centers.models import Language, PersonalDataAccess
from centers.tests.factories import staff_user_create

from ..constants import CallOutcome
from ..errors import CallNotOpen, InvalidInput, NotAllowed
from ..models import Call
from ..services import (
    call_appointment_cancel,
    call_appointment_open,
    call_appointment_reschedule,
    call_book,
    call_finish,
    call_start,
)
from .conftest import at
from .factories import operator_create

pytestmark = pytest.mark.django_db


def test_a_logged_call_is_an_attention_on_the_phone_line_announced_after_commit(
    phone, operator, django_capture_on_commit_callbacks
):
    quechua = Language.objects.get(code="qu")
    call = call_start(line=phone.line, operator=operator, now=at(10, 0, 0))
    assert call_start(line=phone.line, operator=operator, now=at(10, 0, 5)) == call  # a double click: the same call
    received = []

    def receiver(sender, attention_id, **kwargs):
        received.append(attention_id)

    attention_finished.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            call = call_finish(
                call=call,
                operator=operator,
                procedure=phone.procedure,
                intent=CitizenIntent.ORIENTATION,
                language=quechua,
                outcome=CallOutcome.INFORMED,
                now=at(10, 3, 25),
            )
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        attention_finished.disconnect(receiver)
    call.refresh_from_db()
    assert (call.started_at, call.ended_at, call.duration_seconds) == (at(10), at(10, 3, 25), 205)
    attention = Attention.objects.get()
    assert received == [attention.pk] and call.attention == attention
    assert (attention.center, attention.channel, attention.agent, attention.procedure) == (
        phone.line,
        Channel.PHONE,
        operator,
        phone.procedure,
    )
    assert (attention.intent, attention.language, attention.outcome) == (
        CitizenIntent.ORIENTATION,
        quechua,
        Outcome.RESOLVED,
    )
    assert (attention.issued_at, attention.started_at, attention.finished_at) == (at(10), at(10), at(10, 3, 25))
    assert attention.counter is None and attention.ticket is None
    with pytest.raises(CallNotOpen):
        call_finish(call=call, operator=operator, procedure=phone.procedure, outcome=CallOutcome.INFORMED)
    assert Attention.objects.count() == 1


def test_an_outcome_needs_what_it_says(phone, operator):
    call = call_start(line=phone.line, operator=operator, now=at(10))
    for outcome, field in [("", "outcome"), ("hung_up", "outcome"), (CallOutcome.REFERRED, "referred_to")]:
        with pytest.raises(InvalidInput) as error:
            call_finish(call=call, operator=operator, procedure=phone.procedure, outcome=outcome, now=at(10, 1))
        assert field in error.value.field_errors
    with pytest.raises(InvalidInput) as error:  # "booked" only after booking in this call
        call_finish(call=call, operator=operator, procedure=phone.procedure, outcome=CallOutcome.BOOKED)
    assert error.value.field_errors["outcome"] == ["No se reservó ninguna cita durante esta llamada."]
    assert not Attention.objects.exists()
    call = call_finish(
        call=call,
        operator=operator,
        procedure=phone.procedure,
        outcome=CallOutcome.REFERRED,
        referred_to="SUNARP, oficina de Lima",
        now=at(10, 2),
    )
    assert call.referred_to == "SUNARP, oficina de Lima"
    assert (call.attention.outcome, call.attention.outcome_note) == (Outcome.REFERRED, "SUNARP, oficina de Lima")


def test_only_the_line_s_operators_take_calls(phone, operator):
    agent = staff_user_create(role=StaffRole.COUNTER_AGENT, center=phone.center)
    with pytest.raises(NotAllowed):
        call_start(line=phone.line, operator=agent)
    with pytest.raises(NotAllowed):  # an in-person center is no phone line, even for its operator
        call_start(line=phone.center, operator=operator)
    call = call_start(line=phone.line, operator=operator, now=at(10))
    colleague = operator_create(phone.line)
    with pytest.raises(NotAllowed):  # nobody logs another operator's call
        call_finish(call=call, operator=colleague, procedure=phone.procedure, outcome=CallOutcome.INFORMED)
    administrator = staff_user_create(role=StaffRole.ADMINISTRATOR)
    assert call_start(line=phone.line, operator=administrator, now=at(10)).operator == administrator


def test_booking_for_a_caller_records_the_phone_channel_and_sends_the_confirmation(phone, operator, frozen):
    call = call_start(line=phone.line, operator=operator)
    slot = phone.schedule.slots.get(starts_at=lima(2026, 12, 2, 8, 30))
    appointment = call_book(
        call=call,
        operator=operator,
        slot_id=slot.pk,
        procedure_id=phone.procedure.pk,
        citizen=citizen(1, email="", phone="987 654 321"),
        consent_version=CONSENT_VERSION,
    )
    assert appointment.channel == BookingChannel.PHONE and appointment.status == AppointmentStatus.BOOKED
    assert list(Notification.objects.filter(appointment=appointment, kind="confirmation").values_list("channel")) == [
        ("sms",)
    ]
    slot.refresh_from_db()
    assert slot.booked == 1
    call = call_finish(call=call, operator=operator, procedure=phone.procedure, outcome=CallOutcome.BOOKED)
    assert call.appointment == appointment and call.attention.appointment == appointment


def test_the_same_booking_rules_as_the_web(phone, operator, frozen):
    call = call_start(line=phone.line, operator=operator)
    slot = phone.schedule.slots.get(starts_at=lima(2026, 12, 1, 10, 0))  # within the 2-hour lead: too soon
    with pytest.raises(Exception) as error:
        call_book(
            call=call,
            operator=operator,
            slot_id=slot.pk,
            procedure_id=phone.procedure.pk,
            citizen=citizen(1),
            consent_version=CONSENT_VERSION,
        )
    assert error.value.code == "window_closed"
    assert not Appointment.objects.exists() and Call.objects.get().appointment is None


def test_the_caller_s_appointment_after_code_and_document(phone, operator, frozen):
    with time_machine.travel(at(9), tick=False):
        appointment = appointment_create(slot=phone.schedule.slots.get(starts_at=lima(2026, 12, 2, 8, 30)), n=2)
    call = call_start(line=phone.line, operator=operator)
    with pytest.raises(NotFound):
        call_appointment_open(call=call, operator=operator, code=appointment.code, document_number="40000003")
    assert not PersonalDataAccess.objects.exists()
    found = call_appointment_open(call=call, operator=operator, code=appointment.code, document_number="40000002")
    assert found == appointment
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.action, access.object_id) == (operator, DataAccess.VIEWED, str(appointment.pk))
    assert access.content_type == ContentType.objects.get_for_model(Appointment)
    new_slot = phone.schedule.slots.get(starts_at=lima(2026, 12, 3, 9, 0))
    moved = call_appointment_reschedule(call=call, operator=operator, appointment=found, slot_id=new_slot.pk)
    assert moved.slot == new_slot and moved.version == 1
    cancelled = call_appointment_cancel(call=call, operator=operator, appointment=moved, reason="Viaja")
    assert cancelled.status == AppointmentStatus.CANCELLED and not cancelled.cancelled_by_staff
    call_finish(call=call, operator=operator, procedure=phone.procedure, outcome=CallOutcome.INFORMED)
    with pytest.raises(CallNotOpen):  # nothing more after the call is logged
        call_appointment_open(call=call, operator=operator, code=appointment.code, document_number="40000002")
