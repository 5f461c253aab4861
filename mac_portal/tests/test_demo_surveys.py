"""The surveys demo: each channel's survey, a tablet per in-person center, four weeks of answers that reproduce the
seed's findings in the indicators; loaded once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mac_portal.demo.loader import demo_load
from mac_portal.demo.surveys import demo_responses_load, demo_tablets_load
from surveys.models import Response, Survey
from surveys.selectors import satisfaction_by_dimension

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 11, 0, tzinfo=ZoneInfo("America/Lima"))


def test_demo_surveys_show_the_seeds_findings(client):
    with time_machine.travel(NOW, tick=False):
        demo_load()
        created = demo_responses_load()
        assert demo_responses_load() == 0  # idempotent
        tablets = demo_tablets_load()
    assert set(Survey.objects.values_list("channel", flat=True)) == {"presencial", "telefonico", "virtual"}
    assert created == Response.objects.count() > 300
    rows = {
        row["dimension"]: row
        for row in satisfaction_by_dimension(start=dt.date(2026, 10, 27), end=dt.date(2026, 11, 23))
    }
    assert rows["attention_time"]["gap"] < -1  # attention time below expectations
    assert rows["cleanliness"]["gap"] > 0.5 and rows["safety"]["gap"] > 0.5
    assert rows["result"]["gap"] > 0
    assert 0.3 < rows["result"]["response_rate"] < 0.5
    path = tablets[0][1]
    assert client.get(path).status_code == 302  # the tablet's address authorises it
