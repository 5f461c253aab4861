"""How booking values read in Spanish: Lima date and time, fees, codes (shared by e-mails, SMS, .ics and pages).

Day and month names have their own translations (context "in a date"): Spanish writes them in lower case
inside a date ("martes 1 de diciembre"), while the catalog's "Tuesday" is a capitalized label elsewhere.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from procedures.formatting import soles

WEEKDAYS = [
    pgettext_lazy("in a date", "Monday"),
    pgettext_lazy("in a date", "Tuesday"),
    pgettext_lazy("in a date", "Wednesday"),
    pgettext_lazy("in a date", "Thursday"),
    pgettext_lazy("in a date", "Friday"),
    pgettext_lazy("in a date", "Saturday"),
    pgettext_lazy("in a date", "Sunday"),
]
MONTHS = [
    pgettext_lazy("in a date", "January"),
    pgettext_lazy("in a date", "February"),
    pgettext_lazy("in a date", "March"),
    pgettext_lazy("in a date", "April"),
    pgettext_lazy("in a date", "May"),
    pgettext_lazy("in a date", "June"),
    pgettext_lazy("in a date", "July"),
    pgettext_lazy("in a date", "August"),
    pgettext_lazy("in a date", "September"),
    pgettext_lazy("in a date", "October"),
    pgettext_lazy("in a date", "November"),
    pgettext_lazy("in a date", "December"),
]


def day_display(value: dt.date) -> str:
    """A day in words: "martes 1 de diciembre de 2026"."""
    return _("%(weekday)s, %(month)s %(day)s, %(year)s") % {
        "weekday": WEEKDAYS[value.weekday()],
        "day": value.day,
        "month": MONTHS[value.month - 1],
        "year": value.year,
    }


def lima(value: dt.datetime) -> dt.datetime:
    """The moment in the portal's time zone (America/Lima), whatever time zone is active."""
    return timezone.localtime(value, timezone.get_default_timezone())


def lima_date(value: dt.datetime | None = None) -> dt.date:
    """The Lima date of a moment (default: now), whatever time zone is active."""
    return timezone.localdate(value, timezone.get_default_timezone())


def time_display(value: dt.datetime) -> str:
    """The Lima time of a moment: "08:30"."""
    local = lima(value)
    return f"{local.hour:02d}:{local.minute:02d}"  # as strftime gives it, in half the time


def when_display(value: dt.datetime) -> str:
    """A moment in Lima time, in words: "martes 1 de diciembre de 2026, 08:30"."""
    local = lima(value)
    return _("%(day)s, %(time)s") % {"day": day_display(local.date()), "time": f"{local:%H:%M}"}


def fee_display(amount: Decimal | None) -> str:
    """A fee in soles: "S/ 5.40", or "Gratuito" when it is zero."""
    if not amount:
        return _("Free of charge")
    return soles(amount)
