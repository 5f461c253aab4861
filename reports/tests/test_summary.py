import datetime as dt

import time_machine
from django.conf import settings

from reports.models import DailyCount, WaitBucket, WaitBucketMonth
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
    # the wait buckets in the same refresh: one wait (10 min) and one service (5 min) bucket per day
    buckets = sorted(WaitBucket.objects.values_list("service_day", "measure", "minutes", "attentions", "seconds"))
    assert buckets == [
        (dt.date(2026, 12, 30), "service", 5, 1, 300),
        (dt.date(2026, 12, 30), "wait", 10, 1, 600),
        (dt.date(2026, 12, 31), "service", 5, 1, 300),
        (dt.date(2026, 12, 31), "wait", 10, 1, 600),
    ]
    # and December's month buckets, summed from its days
    months = sorted(WaitBucketMonth.objects.values_list("service_day", "measure", "minutes", "attentions", "seconds"))
    assert months == [(dt.date(2026, 12, 1), "service", 5, 2, 600), (dt.date(2026, 12, 1), "wait", 10, 2, 1200)]


def test_refresh_is_idempotent_and_follows_changes(world):
    from reports.services import daily_counts_refresh

    day = dt.date(2026, 3, 2)
    attention = attention_create(center=world.north, procedure=world.dni, issued=lima(2026, 3, 2, 9), wait=10)
    daily_counts_refresh(start=day, end=day)
    daily_counts_refresh(start=day, end=day)
    assert WaitBucket.objects.filter(measure="wait").values_list("minutes", "attentions").get() == (10, 1)
    # a past day changed: refresh_report_counts (the same service) brings both summaries up to date
    attention.called_at = attention.issued_at + dt.timedelta(minutes=12, seconds=1)
    attention.save(update_fields=["called_at"])
    from django.core.management import call_command

    call_command("refresh_report_counts", "--start", "2026-03-02", "--end", "2026-03-02", stdout=None)
    assert WaitBucket.objects.filter(measure="wait").values_list("minutes", "attentions").get() == (13, 1)
    month = WaitBucketMonth.objects.filter(measure="wait").values_list("service_day", "minutes", "seconds").get()
    assert month == (dt.date(2026, 3, 1), 13, 721)
    assert DailyCount.objects.get().attentions == 1


def test_the_beat_schedules_the_refresh():
    from reports import tasks

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reports.tasks.daily_counts_refresh_recent" in scheduled
    assert callable(tasks.daily_counts_refresh_recent.delay)
