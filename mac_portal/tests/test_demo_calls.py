"""The demo of the phone line: calls of today by the demo operator, whose screen then shows their totals."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from attention.constants import Channel
from attention.models import Attention
from calls.models import Call
from calls.selectors import calls_today_totals
from conftest import verified_client
from mac_portal.demo.attention import demo_staff_load
from mac_portal.demo.calls import CALLS, demo_calls_load
from mac_portal.demo.loader import demo_load

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 11, 0, tzinfo=ZoneInfo("America/Lima"))  # a Tuesday


def test_demo_calls_of_today_on_the_operator_screen(client):
    with time_machine.travel(NOW, tick=False):
        demo_load()
        demo_staff_load()
        assert demo_calls_load() == CALLS
        assert demo_calls_load() == 0  # idempotent: once a day
        line = Call.objects.first().center
        totals = calls_today_totals(line=line)
        verified_client(get_user_model().objects.get(username="telefonico.operador"), client)
        page = client.get(reverse("admin:calls_operatorscreen_changelist"))
    assert totals.line.calls == CALLS == Call.objects.filter(ended_at__isnull=False).count()
    assert Attention.objects.filter(channel=Channel.PHONE, center=line).count() == CALLS
    assert sum(count for _language, count in totals.line.language_rows) == CALLS
    assert page.status_code == 200 and "Llamadas de hoy" in page.content.decode()
