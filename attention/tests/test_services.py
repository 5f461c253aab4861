import pytest
import time_machine
from django.db import IntegrityError

from appointments.constants import AgeBand, AppointmentStatus, Gender, PriorityNeed
from appointments.tests.conftest import NOW
from appointments.tests.factories import ScheduleFactory, appointment_create, lima, slot_create
from centers.constants import StaffRole
from centers.models import PersonalDataAccess
from centers.tests.factories import CenterFactory, CounterFactory, staff_user_create
from procedures.constants import CitizenIntent
from procedures.tests.factories import ProcedureFactory

from ..constants import CounterSessionStatus, Outcome, TicketStatus
from ..errors import (
    AppointmentNotFound,
    CounterBusy,
    InvalidInput,
    NotAllowed,
    NotOffered,
    TicketStateConflict,
    TooEarlyForNoShow,
)
from ..models import Attention, Ticket
from ..services import (
    attention_finish,
    attention_start,
    counter_close,
    counter_open,
    ticket_call_next,
    ticket_check_in_appointment,
    ticket_issue,
    ticket_no_show,
    ticket_recall,
    ticket_transfer,
)
from ..signals import attention_finished
from .conftest import at
from .factories import session_open, ticket_create

pytestmark = pytest.mark.django_db


def test_ticket_codes_count_per_queue_and_day(floor):
    codes = [ticket_create(center=floor.center, procedure=p, at=at(9)).code for p in (floor.dni, floor.passport)]
    codes.append(ticket_create(center=floor.center, procedure=floor.record, at=at(9)).code)
    assert codes == ["A-001", "A-002", "B-001"]  # one queue per entity, prefixes in order of first use
    next_day = ticket_create(center=floor.center, procedure=floor.dni, at=lima(2026, 12, 2, 9, 0))
    assert next_day.code == "A-001"
    with pytest.raises(IntegrityError):
        Ticket.objects.create(
            center=floor.center,
            service_day=next_day.service_day,
            prefix="A",
            number=1,
            queue=next_day.queue,
            procedure=floor.dni,
            arrived_at=at(9),
            queued_at=at(9),
        )


def test_a_procedure_not_offered_in_person_here_gets_no_ticket(floor):
    with pytest.raises(NotOffered):
        ticket_issue(center=floor.center, procedure=ProcedureFactory(), now=at(9))
    with pytest.raises(InvalidInput):
        ticket_issue(center=floor.center, procedure=floor.dni, preferential_reason="vip", now=at(9))


@pytest.fixture
def booked(floor):
    """Two appointments of today at the floor, booked a week before (the slot at 10:00)."""
    schedule = ScheduleFactory(center=floor.center, procedures=[floor.dni])
    slot = slot_create(schedule=schedule, starts_at=at(10))
    with time_machine.travel(NOW, tick=False):
        first = appointment_create(
            slot=slot,
            procedure=floor.dni,
            n=1,
            priority_need=PriorityNeed.DISABILITY,
            preferred_language="qu",
            segmentation_consent=True,
            age_band=AgeBand.FROM_60,
            gender=Gender.FEMALE,
        )
        second = appointment_create(slot=slot, procedure=floor.dni, n=2)
    return first, second


def test_check_in_by_code_queues_the_appointment_due_at_its_time(floor, booked):
    appointment, _other = booked
    with time_machine.travel(at(9, 50), tick=False):
        ticket = ticket_check_in_appointment(center=floor.center, code=appointment.code_display.lower())
        again = ticket_check_in_appointment(center=floor.center, code=appointment.code)
    assert again.pk == ticket.pk  # idempotent
    assert ticket.due_at == at(10) and ticket.arrived_at == at(9, 50)
    assert ticket.preferential_reason == PriorityNeed.DISABILITY and ticket.language.code == "qu"
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CHECKED_IN


def test_check_in_by_document_and_late_arrivals_queue_as_walk_ins(floor, booked, settings):
    settings.ATTENTION_APPOINTMENT_LATE_MINUTES = 15
    _first, appointment = booked
    with time_machine.travel(at(10, 16), tick=False):
        ticket = ticket_check_in_appointment(center=floor.center, document_number=appointment.document_number)
    assert ticket.appointment == appointment and ticket.due_at is None


def test_check_in_finds_nothing_of_another_center_or_day(floor, booked):
    appointment, _other = booked
    with time_machine.travel(at(9, 50), tick=False), pytest.raises(AppointmentNotFound):
        ticket_check_in_appointment(center=CenterFactory(), code=appointment.code)
    with time_machine.travel(lima(2026, 12, 2, 9, 50), tick=False), pytest.raises(AppointmentNotFound):
        ticket_check_in_appointment(center=floor.center, code=appointment.code)


def test_finishing_records_the_attention_completes_the_appointment_and_signals_after_commit(
    floor, booked, django_capture_on_commit_callbacks
):
    appointment, _other = booked
    with time_machine.travel(at(9, 55), tick=False):
        ticket = ticket_check_in_appointment(center=floor.center, code=appointment.code)
    session = session_open(counter=floor.reniec_counter, languages=["qu"])
    received = []

    def receiver(sender, attention_id, **kwargs):
        received.append(attention_id)

    attention_finished.connect(receiver)
    try:
        assert ticket_call_next(session=session, now=at(10, 0)).pk == ticket.pk
        attention_start(ticket=ticket, session=session, now=at(10, 1))
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            attention = attention_finish(ticket=ticket, session=session, outcome=Outcome.RESOLVED, now=at(10, 9))
        assert received == []  # nothing before commit
        for callback in callbacks:
            callback()
    finally:
        attention_finished.disconnect(receiver)
    assert received == [attention.pk]
    attention.refresh_from_db()
    assert (attention.issued_at, attention.called_at, attention.started_at, attention.finished_at) == (
        at(9, 55),
        at(10, 0),
        at(10, 1),
        at(10, 9),
    )
    assert attention.appointment == appointment and attention.agent == session.agent
    assert attention.counter == floor.reniec_counter and attention.preferential_reason == PriorityNeed.DISABILITY
    # Copied for indicators: the procedure's intent, and the segments the citizen consented to at booking.
    assert (attention.intent, attention.age_band, attention.gender) == (
        CitizenIntent.PROCEDURE,
        AgeBand.FROM_60,
        Gender.FEMALE,
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.COMPLETED


def test_not_resolved_needs_a_reason_of_the_procedure(floor):
    ticket = ticket_create(center=floor.center, procedure=floor.record, at=at(9))
    session = session_open(counter=floor.pj_counter)
    ticket_call_next(session=session, now=at(9, 5))
    with pytest.raises(InvalidInput):
        attention_finish(ticket=ticket, session=session, outcome=Outcome.NOT_RESOLVED)
    other = ProcedureFactory(requirements=["Partida"]).requirements.get()
    with pytest.raises(InvalidInput):
        attention_finish(ticket=ticket, session=session, outcome=Outcome.NOT_RESOLVED, missing_requirement=other)
    missing = floor.record.requirements.get()
    attention = attention_finish(
        ticket=ticket, session=session, outcome=Outcome.NOT_RESOLVED, missing_requirement=missing
    )
    assert attention.missing_requirement == missing and attention.outcome == Outcome.NOT_RESOLVED


def test_a_transfer_keeps_the_code_and_arrival_and_goes_ahead_of_later_arrivals(floor):
    transferred = ticket_create(center=floor.center, procedure=floor.dni, at=at(9, 0))
    later = ticket_create(center=floor.center, procedure=floor.record, at=at(9, 10))
    reniec = session_open(counter=floor.reniec_counter)
    judiciary = session_open(counter=floor.pj_counter)
    ticket_call_next(session=reniec, now=at(9, 20))
    ticket = ticket_transfer(
        ticket=transferred, session=reniec, procedure=floor.record, note="Pide antecedentes", now=at(9, 25)
    )
    assert (ticket.code, ticket.arrived_at, ticket.status) == ("A-001", at(9, 0), TicketStatus.WAITING)
    assert ticket.queue.entity == floor.record.entity and ticket.transfers == 1
    assert ticket_call_next(session=judiciary, now=at(9, 30)).pk == transferred.pk
    first, second = Attention.objects.filter(ticket=transferred).order_by("pk")
    assert first.outcome == Outcome.REFERRED and first.procedure == floor.dni and first.finished_at == at(9, 25)
    assert second.procedure == floor.record and second.issued_at == at(9, 25)  # its wait counts from the transfer
    assert later.status == TicketStatus.WAITING


def test_a_transfer_to_a_counter_is_called_there_only(floor):
    second_counter = CounterFactory(center=floor.center, entity=floor.dni.entity, label="V-09", procedures=[floor.dni])
    ticket = ticket_create(center=floor.center, procedure=floor.dni, at=at(9, 0))
    first = session_open(counter=floor.reniec_counter)
    other = session_open(counter=second_counter)
    ticket_call_next(session=first, now=at(9, 5))
    with pytest.raises(NotOffered):
        ticket_transfer(ticket=ticket, session=first, counter=floor.pj_counter, now=at(9, 6))
    ticket_transfer(ticket=ticket, session=first, counter=second_counter, now=at(9, 6))
    assert ticket_call_next(session=first, now=at(9, 7)) is None
    assert ticket_call_next(session=other, now=at(9, 7)).pk == ticket.pk


def test_no_show_only_after_the_configured_recalls(floor, settings):
    settings.ATTENTION_NO_SHOW_RECALLS = 2
    ticket = ticket_create(center=floor.center, procedure=floor.dni, at=at(9))
    session = session_open(counter=floor.reniec_counter)
    ticket_call_next(session=session, now=at(9, 1))
    with pytest.raises(TooEarlyForNoShow):
        ticket_no_show(ticket=ticket, session=session)
    ticket_recall(ticket=ticket, session=session, now=at(9, 2))
    with pytest.raises(TooEarlyForNoShow):
        ticket_no_show(ticket=ticket, session=session)
    assert ticket_recall(ticket=ticket, session=session, now=at(9, 3)).called_at == at(9, 3)
    ticket = ticket_no_show(ticket=ticket, session=session, now=at(9, 4))
    assert ticket.status == TicketStatus.NO_SHOW
    assert Attention.objects.get(ticket=ticket).outcome == Outcome.ABANDONED
    with pytest.raises(TicketStateConflict):
        ticket_recall(ticket=ticket, session=session)


def test_another_counters_ticket_cannot_be_touched(floor):
    ticket = ticket_create(center=floor.center, procedure=floor.dni, at=at(9))
    mine = session_open(counter=floor.reniec_counter)
    theirs = session_open(counter=floor.pj_counter)
    ticket_call_next(session=mine, now=at(9, 1))
    for action in (ticket_recall, attention_start, ticket_no_show):
        with pytest.raises(TicketStateConflict):
            action(ticket=ticket, session=theirs)
    with pytest.raises(TicketStateConflict):
        attention_finish(ticket=ticket, session=theirs, outcome=Outcome.RESOLVED)


def test_opening_counters(floor):
    greeter = staff_user_create(role=StaffRole.GREETER, center=floor.center)
    with pytest.raises(NotAllowed):
        counter_open(counter=floor.reniec_counter, agent=greeter)
    outsider = staff_user_create(role=StaffRole.COUNTER_AGENT, center=CenterFactory())
    with pytest.raises(NotAllowed):
        counter_open(counter=floor.reniec_counter, agent=outsider)
    session = session_open(counter=floor.reniec_counter)
    assert counter_open(counter=floor.reniec_counter, agent=session.agent).pk == session.pk  # idempotent
    with pytest.raises(CounterBusy):
        session_open(counter=floor.reniec_counter)  # taken by someone else
    with pytest.raises(CounterBusy):
        counter_open(counter=floor.pj_counter, agent=session.agent)  # one counter at a time
    assert counter_close(session=session).status == CounterSessionStatus.CLOSED
    assert counter_open(counter=floor.pj_counter, agent=session.agent).counter == floor.pj_counter


def test_a_greeters_check_in_is_recorded_as_an_access_to_personal_data(floor, booked):
    appointment, _other = booked
    greeter = staff_user_create(role=StaffRole.GREETER, center=floor.center)
    with time_machine.travel(at(9, 50), tick=False):
        ticket_check_in_appointment(center=floor.center, document_number=appointment.document_number, issued_by=greeter)
    [access] = PersonalDataAccess.objects.filter(user=greeter)
    assert (access.action, access.object_id, access.center_id) == ("checked_in", str(appointment.pk), floor.center.pk)
