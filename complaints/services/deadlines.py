"""The answer deadline of a complaint: a number of working days after the day it was filed (Lima).

Working days exclude Saturdays, Sundays, Peru's national holidays (the `holidays` package, through
centers.selectors.national_holiday) and the closures of the complaint's service point (decreed non-working days
are configured there). The day of filing does not count: a complaint filed on Monday with 1 working day is due on
Tuesday. settings.COMPLAINTS_ANSWER_WORKING_DAYS (default 30, as D.S. 007-2020-PCM is reported) sets the number.
"""

import datetime as dt
from collections.abc import Collection

from django.conf import settings

from centers.models import Closure
from centers.selectors import national_holiday

__all__ = ["complaint_due_date", "working_days_add"]


def working_days_add(*, start: dt.date, days: int, closed: Collection[dt.date] = ()) -> dt.date:
    """The `days`-th working day after `start` (weekends, national holidays and `closed` dates skipped)."""
    day, left = start, max(int(days), 0)
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() >= 5 or day in closed or national_holiday(day):
            continue
        left -= 1
    return day


def answer_working_days() -> int:
    return int(getattr(settings, "COMPLAINTS_ANSWER_WORKING_DAYS", 30))


def complaint_due_date(*, center_id: int, filed_on: dt.date, days: int | None = None) -> dt.date:
    """The last day to answer a complaint filed on `filed_on` (Lima) at this service point."""
    days = answer_working_days() if days is None else days
    # Enough calendar days to hold `days` working days plus any holidays and closures on the way.
    horizon = filed_on + dt.timedelta(days=days * 2 + 60)
    closed = set(
        Closure.objects.filter(center_id=center_id, date__gt=filed_on, date__lte=horizon).values_list("date", flat=True)
    )
    return working_days_add(start=filed_on, days=days, closed=closed)
