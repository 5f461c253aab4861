"""Complaint indicators against hand-computed values (periods by the Lima date of filing)."""

import datetime as dt
from decimal import Decimal

import pytest

from complaints.selectors import complaints_by_category, complaints_overdue

from .factories import ComplaintFactory
from .utils import LIMA

pytestmark = pytest.mark.django_db


def lima(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LIMA)


def answered(at: dt.datetime) -> dict:
    return {"status": "answered", "answered_at": at, "answer": "Respuesta de la entidad al ciudadano."}


@pytest.fixture
def book(center, other_center, entity):
    make = ComplaintFactory
    rows = {
        # Waiting time at A: on time, on time at 23:30 of its last day (04:30 UTC the next day), late, overdue.
        1: make(
            center=center,
            entity=entity,
            category="waiting",
            filed_at=lima(2, 10),
            due_on=dt.date(2026, 11, 20),
            **answered(lima(19, 15)),
        ),
        2: make(
            center=center,
            entity=entity,
            category="waiting",
            filed_at=lima(3, 10),
            due_on=dt.date(2026, 11, 20),
            **answered(lima(20, 23, 30)),
        ),
        3: make(
            center=center,
            entity=entity,
            category="waiting",
            filed_at=lima(4, 10),
            due_on=dt.date(2026, 11, 10),
            **answered(lima(12, 9)),
        ),
        4: make(center=center, entity=entity, category="waiting", filed_at=lima(5, 10), due_on=dt.date(2026, 11, 25)),
        # Treatment: filed at 23:00 Lima on the last day of the period (already 1 December in UTC): counted.
        5: make(
            center=center, entity=entity, category="treatment", filed_at=lima(30, 23), due_on=dt.date(2026, 12, 20)
        ),
        # Filed at 23:30 Lima on 31 October (1 November in UTC): outside the period.
        6: make(
            center=center,
            entity=entity,
            category="treatment",
            filed_at=lima(31, 23, 30, month=10),
            due_on=dt.date(2026, 11, 20),
        ),
        # Information: answered only after the period's end, past its last day: overdue at the end, not answered.
        7: make(
            center=center,
            entity=entity,
            category="information",
            filed_at=lima(10, 10),
            due_on=dt.date(2026, 11, 28),
            **answered(lima(3, 10, month=12)),
        ),
        # Access: due on the period's last day itself: not yet overdue.
        9: make(center=center, entity=entity, category="access", filed_at=lima(6, 10), due_on=dt.date(2026, 11, 30)),
        # Another center: on time.
        8: make(
            center=other_center,
            entity=entity,
            category="waiting",
            filed_at=lima(2, 11),
            due_on=dt.date(2026, 11, 20),
            **answered(lima(10, 10)),
        ),
    }
    return rows


def by_category(rows: list[dict]) -> dict[str, dict]:
    return {row["category"]: row for row in rows}


def test_complaints_by_category_for_one_center(book, center):
    rows = complaints_by_category(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), center_ids=[center.pk])
    assert [row["category"] for row in rows] == ["treatment", "information", "waiting", "access", "outcome", "trust"]
    result = by_category(rows)
    assert result["waiting"] == {
        "category": "waiting",
        "category_label": "Tiempo de espera",
        "filed": 4,
        "answered": 3,
        "answered_on_time": 2,
        "on_time_rate": Decimal("0.6667"),
        "overdue": 1,
    }
    assert result["treatment"] | {"category_label": ""} == {
        "category": "treatment",
        "category_label": "",
        "filed": 1,
        "answered": 0,
        "answered_on_time": 0,
        "on_time_rate": None,
        "overdue": 0,
    }
    assert (result["information"]["filed"], result["information"]["answered"], result["information"]["overdue"]) == (
        1,
        0,
        1,
    )
    assert (result["access"]["filed"], result["access"]["overdue"]) == (1, 0)
    assert result["outcome"]["filed"] == result["trust"]["filed"] == 0
    assert result["outcome"]["on_time_rate"] is None


def test_complaints_by_category_every_center(book):
    result = by_category(complaints_by_category(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)))
    waiting = result["waiting"]
    assert (waiting["filed"], waiting["answered"], waiting["answered_on_time"]) == (5, 4, 3)
    assert waiting["on_time_rate"] == Decimal("0.7500")


def test_complaints_by_category_later_end_counts_the_late_answer(book, center):
    # To 3 December: complaint 7 is answered (late) and no longer overdue; complaint 5 is still within its deadline.
    result = by_category(
        complaints_by_category(start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 3), center_ids=[center.pk])
    )
    assert (result["information"]["answered"], result["information"]["answered_on_time"]) == (1, 0)
    assert result["information"]["on_time_rate"] == Decimal("0.0000")
    assert result["information"]["overdue"] == 0
    assert result["access"]["overdue"] == 1  # due 30 November, unanswered on 3 December


def test_overdue_list(book, center, other_center):
    overdue = list(complaints_overdue(center_ids=[center.pk], today=dt.date(2026, 11, 30)))
    # 6 (due 20 Nov) and 4 (due 25 Nov), oldest deadline first; 7 was open on 30 November too, but is answered now.
    assert overdue == [book[6], book[4]]
    assert list(complaints_overdue(center_ids=[other_center.pk], today=dt.date(2026, 11, 30))) == []
