"""The answer deadline: working days after the Lima day of filing; weekends, Peru's holidays and closures skipped."""

import datetime as dt

import pytest

from centers.tests.factories import ClosureFactory
from complaints.services import complaint_due_date, working_days_add


def test_weekend_is_skipped():
    # Friday 20 November 2026 + 1 working day: Monday 23.
    assert working_days_add(start=dt.date(2026, 11, 20), days=1) == dt.date(2026, 11, 23)
    # Thursday + 3: Friday, Monday, Tuesday.
    assert working_days_add(start=dt.date(2026, 11, 19), days=3) == dt.date(2026, 11, 24)


def test_holy_week_and_weekend_are_skipped():
    # Wednesday 1 April 2026 + 3: Holy Thursday 2 and Good Friday 3 are holidays, 4-5 the weekend: 6, 7, 8 April.
    assert working_days_add(start=dt.date(2026, 4, 1), days=3) == dt.date(2026, 4, 8)


def test_the_filing_day_does_not_count_and_zero_days_is_that_day():
    assert working_days_add(start=dt.date(2026, 11, 23), days=1) == dt.date(2026, 11, 24)
    assert working_days_add(start=dt.date(2026, 11, 23), days=0) == dt.date(2026, 11, 23)


@pytest.mark.django_db
def test_default_thirty_working_days_cross_december_holidays(center):
    # Filed Monday 23 November 2026. Working days: 24-27 Nov (4), 30 Nov (5), 1-4 Dec (9), 7 Dec (10); 8 and 9 Dec are
    # holidays (Inmaculada Concepción, Batalla de Ayacucho); 10-11 (12), 14-18 (17), 21-24 (21); 25 Dec Christmas;
    # 28-31 (25); 1 Jan 2027 New Year; 4-8 Jan (30).
    assert complaint_due_date(center_id=center.pk, filed_on=dt.date(2026, 11, 23)) == dt.date(2027, 1, 8)


@pytest.mark.django_db
def test_configurable_number_of_days(settings, center):
    settings.COMPLAINTS_ANSWER_WORKING_DAYS = 5
    # Mon 23 Nov + 5: 24, 25, 26, 27, 30.
    assert complaint_due_date(center_id=center.pk, filed_on=dt.date(2026, 11, 23)) == dt.date(2026, 11, 30)


@pytest.mark.django_db
def test_closures_of_the_service_point_are_skipped(center, other_center):
    ClosureFactory(center=center, date=dt.date(2026, 11, 25), reason="Día no laborable decretado")
    assert complaint_due_date(center_id=center.pk, filed_on=dt.date(2026, 11, 23), days=3) == dt.date(2026, 11, 27)
    # Another center's closure changes nothing here.
    assert complaint_due_date(center_id=other_center.pk, filed_on=dt.date(2026, 11, 23), days=3) == dt.date(
        2026, 11, 26
    )
