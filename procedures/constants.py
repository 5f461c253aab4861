from django.db import models
from django.utils.translation import gettext_lazy as _

# PostgreSQL text search configuration (migration 0002): Spanish stemming over unaccented words.
SEARCH_CONFIG = "es_unaccent"


class GovernmentLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    LOCAL = "local", _("Local")


class Channel(models.TextChoices):
    """The three channels of the MAC strategy."""

    IN_PERSON = "presencial", _("In person")
    PHONE = "telefonico", _("Phone")
    VIRTUAL = "virtual", _("Virtual")


class AppointmentPolicy(models.TextChoices):
    REQUIRED = "required", _("Appointment required")
    OPTIONAL = "optional", _("Appointment optional")
    WALK_IN = "walk_in", _("Walk-in only")


# The policies under which a procedure can be booked (the one bookability rule: Procedure.is_bookable and
# procedures.selectors.bookable_q).
BOOKABLE_POLICIES = (AppointmentPolicy.REQUIRED, AppointmentPolicy.OPTIONAL)


class CitizenIntent(models.TextChoices):
    """The three citizen intents of the MAC manual."""

    PROCEDURE = "tramite", _("Procedure")
    ORIENTATION = "orientacion", _("Orientation")
    COMPANY = "empresa", _("Company formation")
