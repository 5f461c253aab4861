"""Choices and fixed values of the booking engine."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.constants import Channel

# Version of the personal-data consent text (Ley 29733) a booking records. Change it whenever the text that
# the booking pages show changes, so each appointment says which text the citizen accepted.
CONSENT_VERSION = "2026-02"

# Booking codes: Crockford base32 (no I, L, O, U: nothing to confuse with 1, 0 or V), 10 characters = 50 random bits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
CODE_REGEX = r"^[0-9A-HJKMNP-TV-Z]{10}$"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    CHECKED_IN = "checked_in", _("Checked in")
    NO_SHOW = "no_show", _("Did not attend")
    COMPLETED = "completed", _("Attended")


class BookingChannel(models.TextChoices):
    """Where an appointment was booked: the web portal (or the API) or the phone line."""

    VIRTUAL = Channel.VIRTUAL.value, Channel.VIRTUAL.label
    PHONE = Channel.PHONE.value, Channel.PHONE.label


class DocumentType(models.TextChoices):
    DNI = "dni", _("DNI")
    RUC = "ruc", _("RUC")
    CE = "ce", _("Foreigner's card (carné de extranjería)")
    PASSPORT = "passport", _("Passport")


class PriorityNeed(models.TextChoices):
    """Preferential attention under Ley 28683 (and Ley 30490 for older adults)."""

    NONE = "none", _("None")
    PREGNANT = "pregnant", _("Pregnant woman")
    CHILD = "child", _("Adult with a small child")
    OLDER_ADULT = "older_adult", _("Older adult (60 or more)")
    DISABILITY = "disability", _("Person with a disability")


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", _("Under 18")
    FROM_18 = "18-29", _("18 to 29")
    FROM_30 = "30-44", _("30 to 44")
    FROM_45 = "45-59", _("45 to 59")
    FROM_60 = "60+", _("60 or more")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class NotificationKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Booking confirmation")
    REMINDER = "reminder", _("Reminder")
    CANCELLATION = "cancellation", _("Cancellation")
    RESCHEDULE = "reschedule", _("Change of date")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
