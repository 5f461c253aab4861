"""Choices of the phone line: how a call ended, and what that means for the Attention record."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from attention.constants import Outcome
from centers.constants import StaffRole

__all__ = ["ATTENTION_OUTCOME", "CallOutcome", "PHONE_ROLES"]

# Who works on the phone line's screen (administrators and superusers act everywhere: centers.selectors).
PHONE_ROLES = (StaffRole.PHONE_OPERATOR,)


class CallOutcome(models.TextChoices):
    INFORMED = "informed", _("Informed")
    BOOKED = "booked", _("Appointment booked")
    REFERRED = "referred", _("Referred to an entity or center")
    COMPLAINT = "complaint", _("Complaint taken")


# The outcome of the call's Attention (indicators of every channel speak these): the caller got what they called
# for unless they were sent elsewhere.
ATTENTION_OUTCOME = {
    CallOutcome.INFORMED: Outcome.RESOLVED,
    CallOutcome.BOOKED: Outcome.RESOLVED,
    CallOutcome.REFERRED: Outcome.REFERRED,
    CallOutcome.COMPLAINT: Outcome.RESOLVED,
}
