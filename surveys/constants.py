"""Choices of the satisfaction surveys: quality dimensions (the seed's), how an invitation reaches the citizen."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.constants import Channel

__all__ = ["SCALE", "Channel", "Delivery", "Dimension"]

# SERVQUAL-style scale: 1 (very low) to 7 (very high), for expectation and for perception.
SCALE = range(1, 8)


class Dimension(models.TextChoices):
    """The quality dimensions of the seed (Citizens First drivers, SGP surveys), in the order surveys ask them."""

    ATTENTION_TIME = "attention_time", _("Attention time")
    GREETER_COURTESY = "greeter_courtesy", _("Courtesy of the greeter")
    AGENT_COURTESY = "agent_courtesy", _("Courtesy of the counter agent")
    FAIR_TREATMENT = "fair_treatment", _("Fair treatment")
    CLEANLINESS = "cleanliness", _("Cleanliness")
    SAFETY = "safety", _("Safety")
    COMFORT = "comfort", _("Comfort")
    RESULT = "result", _("Result (got what you came for)")


class Delivery(models.TextChoices):
    """How an invitation reaches the citizen: a message, or on the spot (tablet, ticket QR, confirmation page)."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")
    ONSITE = "onsite", _("On the spot")
