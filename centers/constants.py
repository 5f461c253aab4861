from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.constants import Channel

__all__ = ["ALL_CENTERS_ROLES", "Channel", "DataAccess", "StaffRole", "Weekday"]


class Weekday(models.IntegerChoices):
    """ISO-style weekday numbers as Python's date.weekday() returns them."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class StaffRole(models.TextChoices):
    """What a staff member does at a center; each role is also a Django group with its permissions."""

    GREETER = "greeter", _("Greeter")
    COUNTER_AGENT = "counter_agent", _("Counter agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    PHONE_OPERATOR = "phone_operator", _("Phone operator")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that see every center (read-only for analysts); their memberships have no center.
ALL_CENTERS_ROLES = frozenset({StaffRole.ANALYST, StaffRole.ADMINISTRATOR})


class DataAccess(models.TextChoices):
    """How staff came to see a citizen's personal data (Ley 29733 access record)."""

    VIEWED = "viewed", _("Opened the record")
    LISTED = "listed", _("Listed")
    SEARCHED = "searched", _("Found by a search")
    DAY_SHEET = "day_sheet", _("On a day sheet")
    CHECKED_IN = "checked_in", _("Checked in")
