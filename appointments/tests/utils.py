"""Constants and helpers shared by the appointments tests (fixtures live in conftest.py)."""

import datetime as dt

from appointments.models import Slot
from appointments.tests.factories import lima

# Monday 23 November 2026, 10:00 in Lima: no holiday within the next week.
NOW = lima(2026, 11, 23, 10, 0)
# Tuesday 1 December 2026, 08:30 in Lima: inside the default 30-day window.
SLOT_START = lima(2026, 12, 1, 8, 30)
# The first weekdays of that window.
TUESDAY = dt.date(2026, 12, 1)
WEDNESDAY = dt.date(2026, 12, 2)


def slot_at(schedule, *args) -> Slot:
    """The schedule's slot starting at lima(*args)."""
    return Slot.objects.get(schedule=schedule, starts_at=lima(*args))
