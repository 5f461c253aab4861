"""The call-next rule, case by case (attention/services/calling.py documents it)."""

import pytest
from django.db import IntegrityError, transaction

from appointments.constants import PriorityNeed
from centers.models import Language
from centers.tests.factories import CounterFactory

from ..constants import TicketStatus
from ..errors import CounterNotOpen, TicketInProgress
from ..models import Ticket
from ..selectors import next_ticket_queryset
from ..selectors.eligibility import next_ticket_lock
from ..services import attention_finish, counter_pause, counter_resume, ticket_call_next
from .conftest import at
from .factories import session_open, ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(floor):
    return session_open(counter=floor.reniec_counter, at=at(8, 30))


def walk_in(floor, minute, procedure=None, hour=9, **kwargs):
    return ticket_create(center=floor.center, procedure=procedure or floor.dni, at=at(hour, minute), **kwargs)


def call(session, hour=10, minute=0):
    ticket = ticket_call_next(session=session, now=at(hour, minute))
    if ticket is not None:
        attention_finish(ticket=ticket, session=session, outcome="resolved", now=at(hour, minute, 30))
    return ticket


def test_walk_ins_are_called_in_arrival_order(floor, session):
    first, second, third = walk_in(floor, 1), walk_in(floor, 2), walk_in(floor, 3)
    assert [call(session).pk for _i in range(3)] == [first.pk, second.pk, third.pk]
    assert call(session) is None


def test_preferential_attention_goes_first_even_before_due_appointments(floor, session):
    walk = walk_in(floor, 1)
    due = walk_in(floor, 2, due_at=at(9, 30))
    older_adult = walk_in(floor, 50, preferential_reason=PriorityNeed.OLDER_ADULT)
    pregnant = walk_in(floor, 55, preferential_reason=PriorityNeed.PREGNANT)
    assert [call(session).pk for _i in range(4)] == [older_adult.pk, pregnant.pk, due.pk, walk.pk]


def test_an_appointment_waits_until_its_time_minus_the_tolerance(floor, session, settings):
    settings.ATTENTION_APPOINTMENT_EARLY_MINUTES = 10
    early = walk_in(floor, 0, due_at=at(10, 30))
    walk = walk_in(floor, 5)
    assert call(session, 10, 0).pk == walk.pk  # 10:00 is before 10:30 - 10 min: the appointment is not due
    assert call(session, 10, 5) is None
    assert call(session, 10, 20).pk == early.pk


def test_due_appointments_go_before_earlier_walk_ins(floor, session):
    walk = walk_in(floor, 40)
    due = walk_in(floor, 45, due_at=at(10, 0))
    assert [call(session, 10, 0).pk, call(session, 10, 1).pk] == [due.pk, walk.pk]


def test_ageing_walk_ins_are_never_starved_by_appointments(floor, session, settings):
    settings.ATTENTION_AGEING_MINUTES = 30
    walk = walk_in(floor, 0)  # 9:00: competes as if booked for 9:30 once it has waited 30 minutes
    before = walk_in(floor, 1, due_at=at(9, 25))
    after = walk_in(floor, 2, due_at=at(9, 40))
    assert [call(session, 10, 0).pk for _i in range(3)] == [before.pk, walk.pk, after.pk]


def test_a_walk_in_who_has_not_waited_long_yields_to_due_appointments(floor, session, settings):
    settings.ATTENTION_AGEING_MINUTES = 30
    walk = walk_in(floor, 50)
    due = walk_in(floor, 55, due_at=at(10, 0))
    assert call(session, 10, 0).pk == due.pk and call(session, 10, 1).pk == walk.pk


def test_only_procedures_the_counter_serves(floor, session):
    record = walk_in(floor, 0, procedure=floor.record)
    passport = walk_in(floor, 1, procedure=floor.passport)
    assert call(session).pk == passport.pk
    assert call(session) is None
    # A counter listing no procedures serves every procedure of its entity.
    judiciary = session_open(counter=floor.pj_counter, at=at(8, 30))
    assert call(judiciary).pk == record.pk


def test_a_language_need_goes_to_a_counter_that_speaks_it_or_anywhere_after_the_maximum_wait(floor, settings):
    settings.ATTENTION_LANGUAGE_MAX_WAIT_MINUTES = 20
    quechua = Language.objects.get(code="qu")
    spanish_only = session_open(counter=floor.reniec_counter, at=at(8, 30))
    other_counter = CounterFactory(center=floor.center, entity=floor.dni.entity, label="V-03", procedures=[floor.dni])
    speaker = session_open(counter=other_counter, languages=["qu"], at=at(8, 30))
    need = walk_in(floor, 50, language=quechua)
    walk = walk_in(floor, 55)
    assert call(spanish_only, 10, 0).pk == walk.pk  # skips the Quechua speaker's citizen
    assert call(speaker, 10, 1).pk == need.pk

    late_need = walk_in(floor, 0, hour=10, language=quechua)
    assert call(spanish_only, 10, 19) is None
    assert call(spanish_only, 10, 20).pk == late_need.pk  # fallback: nobody waits forever


def test_spanish_is_no_language_need(floor, session):
    ticket = walk_in(floor, 0, language=Language.objects.get(code="es"))
    assert ticket.language is None


def test_a_paused_counter_or_one_with_a_ticket_in_progress_cannot_call(floor, session):
    walk_in(floor, 0)
    walk_in(floor, 1)
    ticket_call_next(session=session, now=at(10))
    with pytest.raises(TicketInProgress):
        ticket_call_next(session=session, now=at(10, 1))
    with pytest.raises(TicketInProgress):
        counter_pause(session=session)
    ticket = session.counter.tickets.get(status=TicketStatus.CALLED)
    attention_finish(ticket=ticket, session=session, outcome="resolved", now=at(10, 5))
    counter_pause(session=session)
    with pytest.raises(CounterNotOpen):
        ticket_call_next(session=session, now=at(10, 6))
    counter_resume(session=session)
    assert ticket_call_next(session=session, now=at(10, 7)) is not None


def test_another_days_tickets_are_never_called(floor, session):
    ticket_create(center=floor.center, procedure=floor.dni, at=at(9).replace(day=30, month=11))
    assert call(session) is None


def test_the_call_query_compiled_once_follows_each_moment(floor, session):
    """next_ticket_lock reuses SQL compiled for a sentinel moment: every moment gets its own rule."""
    appointment = walk_in(floor, 40, due_at=at(10, 30))
    counter, agent_id = session.counter, session.agent_id
    for moment, expected in [(at(10, 0), None), (at(10, 19), None), (at(10, 20), appointment.pk)]:
        with transaction.atomic():
            found = next_ticket_lock(counter=counter, agent_id=agent_id, now=moment)
        queryset_first = next_ticket_queryset(counter=counter, agent_id=agent_id, now=moment).first()
        assert (found and found.pk) == (queryset_first and queryset_first.pk) == expected, moment
    assert walk_in(floor, 0, hour=10).service_day == appointment.service_day
    with transaction.atomic():  # another day: nothing of today's queue
        assert next_ticket_lock(counter=counter, agent_id=agent_id, now=at(10).replace(day=2)) is None


@pytest.mark.postgresql
def test_a_call_and_a_finish_cost_one_round_trip_each(floor, session, django_assert_num_queries):
    """Pinned (benchmarks/README.md, call_next.py): a call is one query string of two statements (the session's row
    locked; then one statement checks the session is open and nothing is in progress at the counter, locks the first
    of the first CANDIDATES eligible tickets, updates it and inserts the attention). A plain visit's finish is one
    too (the ticket and its attention locked; both updated). No BEGIN or COMMIT: outside a transaction PostgreSQL
    runs a query string's statements as one. The first call of a counter also compiles its query (not counted)."""
    first, second = walk_in(floor, 1), walk_in(floor, 2)
    assert call(session, 9, 59).pk == first.pk  # compiles the counter's call SQL
    with django_assert_num_queries(1) as captured:
        called = ticket_call_next(session=session, now=at(10))
    assert called.pk == second.pk
    assert captured.captured_queries[0]["sql"].count("EXECUTE ") == 2
    with django_assert_num_queries(1):
        attention = attention_finish(ticket=called, session=session, outcome="resolved", now=at(10, 5))
    assert attention.finished_at == at(10, 5) and attention.outcome == "resolved"
    called.refresh_from_db()
    assert called.status == TicketStatus.FINISHED


def test_the_database_refuses_a_second_ticket_in_progress_at_a_counter(floor, session):
    """Defence in depth: the services check it under the session's lock; the constraint holds whatever the path."""
    first, second = walk_in(floor, 1), walk_in(floor, 2)
    assert ticket_call_next(session=session, now=at(10)).pk == first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=second.pk).update(status=TicketStatus.SERVING, counter=session.counter)
    attention_finish(ticket=first, session=session, outcome="resolved", now=at(10, 5))
    assert ticket_call_next(session=session, now=at(10, 6)).pk == second.pk
