"""The demo of the complaints book: a handful at Lima Norte, some answered and one overdue; idempotent; no e-mail."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from complaints.models import Complaint, ComplaintMessage
from complaints.selectors import complaints_by_category, complaints_overdue
from mac_portal.demo.complaints import demo_complaints_load
from mac_portal.demo.loader import demo_load

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 11, 0, tzinfo=ZoneInfo("America/Lima"))


def test_demo_complaints(django_capture_on_commit_callbacks, tmp_path, settings):
    settings.COMPLAINTS_ATTACHMENTS_DIR = str(tmp_path)
    with time_machine.travel(NOW, tick=False):
        demo_load()
        with django_capture_on_commit_callbacks(execute=True):
            assert demo_complaints_load() == 5
        assert demo_complaints_load() == 0  # idempotent
        assert Complaint.objects.filter(status="answered").count() == 3
        assert complaints_overdue().count() == 1
        rows = complaints_by_category(start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 24))
    assert sum(row["filed"] for row in rows) == 5
    assert sum(row["overdue"] for row in rows) == 1
    assert mail.outbox == []
    assert not ComplaintMessage.objects.filter(sent_at__isnull=False).exists()
