import datetime as dt

import time_machine
from django.conf import settings

from reports.models import DailyCount
from reports.tasks import daily_counts_refresh_recent

from .utils import attention_create, lima


def test_beat_task_refreshes_yesterday_and_today_in_lima(world):
    # 23:30 Lima on 31 December: "today" is the 31st in Lima although it is already 1 January in UTC
    with time_machine.travel(lima(2026, 12, 31, 23, 30), tick=False):
        attention_create(center=world.north, procedure=world.dni, issued=lima(2026, 12, 31, 23, 0))
        attention_create(center=world.north, procedure=world.dni, issued=lima(2026, 12, 30, 9, 0))
        attention_create(
            center=world.north, procedure=world.dni, issued=lima(2026, 12, 29, 9, 0)
        )  # older: not refreshed
        assert daily_counts_refresh_recent.delay().get() == 2
    days = sorted(DailyCount.objects.values_list("service_day", "attentions"))
    assert days == [(dt.date(2026, 12, 30), 1), (dt.date(2026, 12, 31), 1)]


def test_the_beat_schedules_the_refresh():
    from reports import tasks

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reports.tasks.daily_counts_refresh_recent" in scheduled
    assert callable(tasks.daily_counts_refresh_recent.delay)
