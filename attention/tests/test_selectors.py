import datetime as dt

import pytest

from appointments.constants import PriorityNeed

from ..constants import Outcome
from ..selectors import queue_estimate, screen_feed, supervision_summary, ticket_estimate
from ..services import attention_finish, attention_start, counter_pause, ticket_call_next, ticket_recall
from .conftest import at
from .factories import session_open, ticket_create

pytestmark = pytest.mark.django_db


def test_estimated_wait_counts_people_ahead_and_open_counters(floor, frozen):
    assert queue_estimate(center=floor.center, procedure=floor.dni).minutes is None  # no counter open
    session = session_open(counter=floor.reniec_counter)
    for minute in range(3):
        ticket_create(center=floor.center, procedure=floor.dni, at=at(9, minute))
    estimate = queue_estimate(center=floor.center, procedure=floor.dni)
    assert (estimate.people_ahead, estimate.open_counters, estimate.minutes) == (3, 1, 40)  # 4 × 10 min
    assert queue_estimate(center=floor.center, procedure=floor.record).people_ahead == 0
    counter_pause(session=session)
    assert queue_estimate(center=floor.center, procedure=floor.dni).open_counters == 0


def test_a_ticket_sees_preferential_citizens_and_earlier_arrivals_ahead(floor, frozen):
    first = ticket_create(center=floor.center, procedure=floor.dni, at=at(9, 0))
    mine = ticket_create(center=floor.center, procedure=floor.passport, at=at(9, 1))
    ticket_create(center=floor.center, procedure=floor.dni, at=at(9, 2), preferential_reason=PriorityNeed.PREGNANT)
    ticket_create(center=floor.center, procedure=floor.dni, at=at(9, 3))
    assert ticket_estimate(ticket=mine).people_ahead == 2
    assert ticket_estimate(ticket=first).people_ahead == 1


def test_screen_feed_shows_the_latest_calls_first(floor, frozen, django_assert_max_num_queries):
    a = ticket_create(center=floor.center, procedure=floor.dni, at=at(9, 0))
    b = ticket_create(center=floor.center, procedure=floor.record, at=at(9, 1))
    ticket_create(center=floor.center, procedure=floor.dni, at=at(9, 2))
    reniec = session_open(counter=floor.reniec_counter)
    judiciary = session_open(counter=floor.pj_counter)
    ticket_call_next(session=reniec, now=at(9, 5))
    ticket_call_next(session=judiciary, now=at(9, 6))
    ticket_recall(ticket=a, session=reniec, now=at(9, 7))
    with django_assert_max_num_queries(1):
        rows = [(ticket.code, ticket.counter.label) for ticket in screen_feed(center=floor.center)]
    assert rows == [(a.code, "V-01"), (b.code, "V-02")]


def minutes_after_eight(minutes: int):
    return at(8) + dt.timedelta(minutes=minutes)


def test_supervision_figures(floor, frozen, django_assert_max_num_queries):
    session = session_open(counter=floor.reniec_counter)
    # Four citizens arrive at 8:30–8:33 and are served one after another: waits of 10, 20, 30 and 40 minutes,
    # 5 minutes at the counter each; the first is an older adult.
    for n in range(4):
        ticket = ticket_create(
            center=floor.center,
            procedure=floor.dni,
            at=minutes_after_eight(30 + n),
            preferential_reason=PriorityNeed.OLDER_ADULT if n == 0 else PriorityNeed.NONE,
        )
        called_at = minutes_after_eight(40 + 11 * n)
        assert ticket_call_next(session=session, now=called_at).pk == ticket.pk
        attention_start(ticket=ticket, session=session, now=called_at)
        attention_finish(
            ticket=ticket, session=session, outcome=Outcome.RESOLVED, now=called_at + dt.timedelta(minutes=5)
        )
    late = ticket_create(center=floor.center, procedure=floor.dni, at=at(9, 20))
    beyond = ticket_create(center=floor.center, procedure=floor.dni, at=at(9, 25))  # 35 min at 10:00 > ANS 30
    ticket_create(center=floor.center, procedure=floor.passport, at=at(9, 50))
    assert ticket_call_next(session=session, now=at(10)).pk == late.pk
    with django_assert_max_num_queries(8):
        summary = supervision_summary(center=floor.center)
    totals = summary.totals
    assert (totals.issued, totals.served, totals.no_shows, totals.abandoned) == (7, 4, 0, 0)
    assert (totals.wait_avg, totals.wait_p90) == (25, 40)
    assert (totals.service_avg, totals.service_p90) == (5, 5)
    assert totals.within_ans_share == 0.75  # 10, 20 and 30 minutes are within the 30-minute standard
    assert (totals.preferential_served, totals.preferential_wait_avg) == (1, 10)
    [queue] = summary.queues
    assert (queue.waiting, queue.longest_wait_minutes) == (2, 35)
    [counter] = summary.counters
    assert counter.ticket.pk == late.pk and counter.session.agent == session.agent
    dni_row = next(row for row in summary.procedures if row.name == floor.dni.name)
    assert dni_row.beyond_wait == [beyond.code] and (dni_row.served, dni_row.within_wait) == (4, 3)
