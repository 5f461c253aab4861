"""Slots store their booking window (book_from, book_until) so availability is a plain column filter."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from zoneinfo import ZoneInfo


def fill_windows(apps, schema_editor):
    Slot = apps.get_model("appointments", "Slot")
    tz = ZoneInfo(settings.TIME_ZONE)
    slots = list(Slot.objects.select_related("schedule"))
    for slot in slots:
        first_day = slot.starts_at.astimezone(tz).date() - dt.timedelta(days=slot.schedule.max_days_ahead)
        slot.book_from = dt.datetime.combine(first_day, dt.time.min, tzinfo=tz)
        slot.book_until = slot.starts_at - dt.timedelta(minutes=slot.schedule.min_lead_minutes)
    Slot.objects.bulk_update(slots, ["book_from", "book_until"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="slot",
            name="book_from",
            field=models.DateTimeField(null=True, verbose_name="bookable from"),
        ),
        migrations.AddField(
            model_name="slot",
            name="book_until",
            field=models.DateTimeField(null=True, verbose_name="bookable until"),
        ),
        migrations.RunPython(fill_windows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="slot",
            name="book_from",
            field=models.DateTimeField(verbose_name="bookable from"),
        ),
        migrations.AlterField(
            model_name="slot",
            name="book_until",
            field=models.DateTimeField(verbose_name="bookable until"),
        ),
    ]
