import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from centers.models import Center, Closure, OpeningHours
from centers.selectors import center_get, center_status

LIMA = ZoneInfo("America/Lima")


@pytest.fixture
def center(db):
    center = Center.objects.create(code="LN", name="MAC Lima Norte", slug="lima-norte")
    for weekday in range(5):
        OpeningHours.objects.create(center=center, weekday=weekday, opens=dt.time(8, 30), closes=dt.time(20, 30))
    OpeningHours.objects.create(center=center, weekday=5, opens=dt.time(8, 30), closes=dt.time(13, 30))
    return center


def status_at(center, *args):
    at = dt.datetime(*args, tzinfo=LIMA)
    with time_machine.travel(at, tick=False):
        return center_status(center=center_get(slug=center.slug))


@pytest.mark.django_db
def test_open_on_a_weekday_morning(center):
    status = status_at(center, 2026, 11, 25, 9, 0)  # Wednesday
    assert status.is_open
    assert status.closes_at == dt.datetime(2026, 11, 25, 20, 30, tzinfo=LIMA)


@pytest.mark.django_db
def test_saturday_afternoon_is_closed_until_monday(center):
    status = status_at(center, 2026, 11, 28, 14, 0)
    assert not status.is_open
    assert status.next_opening == dt.datetime(2026, 11, 30, 8, 30, tzinfo=LIMA)


@pytest.mark.django_db
def test_national_holiday_is_closed(center):
    # 8 December (Inmaculada Concepción) 2026 is a Tuesday; 9 December (Batalla de Ayacucho) too.
    status = status_at(center, 2026, 12, 8, 10, 0)
    assert not status.is_open
    assert status.closed_reason
    assert status.next_opening == dt.datetime(2026, 12, 10, 8, 30, tzinfo=LIMA)  # 9 December is a holiday too


@pytest.mark.django_db
def test_center_closure_is_respected(center):
    Closure.objects.create(center=center, date=dt.date(2026, 11, 25), reason="Fumigación")
    status = status_at(center, 2026, 11, 25, 9, 0)
    assert not status.is_open
    assert status.closed_reason == "Fumigación"
    assert status.next_opening == dt.datetime(2026, 11, 26, 8, 30, tzinfo=LIMA)
