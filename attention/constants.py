"""Choices of the in-person channel: ticket states, outcomes, counter sessions, devices."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from appointments.constants import AgeBand, Gender, PriorityNeed
from procedures.constants import Channel, CitizenIntent

__all__ = [
    "ACTIVE_TICKET_STATUSES",
    "OPEN_TICKET_STATUSES",
    "AgeBand",
    "Channel",
    "CitizenIntent",
    "CounterSessionStatus",
    "DeviceKind",
    "Gender",
    "Outcome",
    "PriorityNeed",
    "TicketMessageKind",
    "TicketStatus",
]


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    FINISHED = "finished", _("Finished")
    NO_SHOW = "no_show", _("Did not come when called")
    CANCELLED = "cancelled", _("Cancelled by the citizen")


# A ticket in one of these is at a counter right now.
ACTIVE_TICKET_STATUSES = (TicketStatus.CALLED, TicketStatus.SERVING)
# A ticket in one of these still holds a place in the center (waiting, called or at a counter).
OPEN_TICKET_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    NOT_RESOLVED = "not_resolved", _("Not resolved")
    REFERRED = "referred", _("Referred to another queue or counter")
    ABANDONED = "abandoned", _("Abandoned")


class CounterSessionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class TicketMessageKind(models.TextChoices):
    JOINED = "joined", _("Remote ticket taken (its link)")
    NEAR = "near", _("Turn near")


class DeviceKind(models.TextChoices):
    KIOSK = "kiosk", _("Ticket kiosk")
    SCREEN = "screen", _("Waiting-room screen")
    SURVEY = "survey", _("Survey tablet")
