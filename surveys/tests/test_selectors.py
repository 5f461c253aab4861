"""Indicators against hand-computed values (see each test's arithmetic)."""

import datetime as dt
from decimal import Decimal

import pytest

from attention.constants import Outcome
from attention.models import Attention
from attention.tests.conftest import at
from centers.tests.factories import CenterFactory
from procedures.constants import Channel
from surveys.constants import Delivery, Dimension
from surveys.models import Answer, Invitation, Response
from surveys.selectors import satisfaction_by_dimension

D1, D2 = dt.date(2026, 12, 1), dt.date(2026, 12, 2)
KEYS = {
    "dimension",
    "dimension_label",
    "invitations",
    "responses",
    "response_rate",
    "mean_expectation",
    "mean_perception",
    "gap",
    "share_satisfied",
}


def _invite(surveys, *, center, procedure, day, channel=Channel.IN_PERSON, answers=None):
    moment = at(10) + (day - D1)
    attention = Attention.objects.create(
        center=center,
        channel=channel,
        service_day=day,
        procedure=procedure,
        issued_at=moment,
        finished_at=moment,
        outcome=Outcome.RESOLVED,
    )
    survey = surveys[channel]
    invitation = Invitation.objects.create(
        attention=attention, survey=survey, nonce=f"n{attention.pk}", delivery=Delivery.ONSITE, expires_at=moment
    )
    if answers is not None:
        response = Response.objects.create(
            invitation=invitation, survey=survey, attention=attention, submitted_at=moment
        )
        for dimension, (e, p) in answers.items():
            question = survey.questions.get(dimension=dimension)
            Answer.objects.create(
                response=response, question=question, dimension=dimension, expectation=e, perception=p
            )
    return invitation


@pytest.fixture
def data(floor, surveys):
    """Center A (the floor) and B; day D1 and D2.
    inv1 A D1 dni    presencial: agent (6,5), result (7,7)
    inv2 A D1 record presencial: agent (4,6), result (5,4)
    inv3 A D1 dni    presencial: no answer
    inv4 B D1 dni    presencial: agent (2,3)
    inv5 A D2 dni    presencial: agent (1,7)
    inv6 A D1 dni    telefonico: result (3,2)"""
    other = CenterFactory(name="Centro MAC Callao")
    a, b = floor.center, other
    agent, result = Dimension.AGENT_COURTESY, Dimension.RESULT
    _invite(surveys, center=a, procedure=floor.dni, day=D1, answers={agent: (6, 5), result: (7, 7)})
    _invite(surveys, center=a, procedure=floor.record, day=D1, answers={agent: (4, 6), result: (5, 4)})
    _invite(surveys, center=a, procedure=floor.dni, day=D1)
    _invite(surveys, center=b, procedure=floor.dni, day=D1, answers={agent: (2, 3)})
    _invite(surveys, center=a, procedure=floor.dni, day=D2, answers={agent: (1, 7)})
    _invite(surveys, center=a, procedure=floor.dni, day=D1, channel=Channel.PHONE, answers={result: (3, 2)})
    return floor, a, b


def _by_dimension(**kwargs) -> dict[str, dict]:
    rows = satisfaction_by_dimension(**kwargs)
    assert [row["dimension"] for row in rows] == list(Dimension.values)
    assert all(set(row) == KEYS for row in rows)
    return {row["dimension"]: row for row in rows}


def _values(row: dict) -> tuple:
    return tuple(
        row[key]
        for key in (
            "invitations",
            "responses",
            "response_rate",
            "mean_expectation",
            "mean_perception",
            "gap",
            "share_satisfied",
        )
    )


def D(value: str) -> Decimal:  # noqa: N802
    return Decimal(value)


def test_one_center_one_day(data):
    floor, a, _b = data
    rows = _by_dimension(start=D1, end=D1, center_ids=[a.pk])
    # invitations: inv1, inv2, inv3, inv6 = 4
    # agent: (6,5) (4,6): 2 responses, 2/4 = 0.50; E (6+4)/2 = 5; P (5+6)/2 = 5.5; gap 0.5; P>=E: 1 of 2
    assert _values(rows["agent_courtesy"]) == (4, 2, D("0.50"), D("5.00"), D("5.50"), D("0.50"), D("0.50"))
    # result: (7,7) (5,4) (3,2): 3/4 = 0.75; E 15/3 = 5; P 13/3 = 4.333; gap -0.667; P>=E: 1 of 3
    assert _values(rows["result"]) == (4, 3, D("0.75"), D("5.00"), D("4.33"), D("-0.67"), D("0.33"))
    assert _values(rows["cleanliness"]) == (4, 0, D("0.00"), None, None, None, None)
    assert rows["agent_courtesy"]["dimension_label"] == "Amabilidad del asesor de ventanilla"


def test_filters_by_channel_and_procedure(data):
    floor, a, _b = data
    in_person = _by_dimension(start=D1, end=D1, center_ids=[a.pk], channel=Channel.IN_PERSON)
    # invitations inv1 inv2 inv3 = 3; result (7,7) (5,4): 2/3 = 0.67; E 6; P 5.5; gap -0.5; 1 of 2
    assert _values(in_person["result"]) == (3, 2, D("0.67"), D("6.00"), D("5.50"), D("-0.50"), D("0.50"))
    record = _by_dimension(start=D1, end=D1, procedure_id=floor.record.pk)
    # inv2 only: agent (4,6)
    assert _values(record["agent_courtesy"]) == (1, 1, D("1.00"), D("4.00"), D("6.00"), D("2.00"), D("1.00"))


def test_every_center_over_two_days(data):
    rows = _by_dimension(start=D1, end=D2)
    # invitations: all 6; agent (6,5) (4,6) (2,3) (1,7): 4/6 = 0.67; E 13/4 = 3.25; P 21/4 = 5.25; gap 2; 3 of 4
    assert _values(rows["agent_courtesy"]) == (6, 4, D("0.67"), D("3.25"), D("5.25"), D("2.00"), D("0.75"))


def test_a_period_without_data(data):
    rows = _by_dimension(start=D2 + dt.timedelta(days=1), end=D2 + dt.timedelta(days=7))
    assert _values(rows["result"]) == (0, 0, None, None, None, None, None)
