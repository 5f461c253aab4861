from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .constants import BOOKABLE_POLICIES, AppointmentPolicy, Channel, CitizenIntent, GovernmentLevel


class Entity(models.Model):
    """A government body whose procedures are served through the MAC channels."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    level = models.CharField(
        _("level of government"), max_length=10, choices=GovernmentLevel.choices, default=GovernmentLevel.NATIONAL
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def short_name(self) -> str:
        return self.acronym or self.name


# Maps a channel to the boolean field that says whether a procedure can be started on it.
CHANNEL_FIELDS = {
    Channel.IN_PERSON: "via_in_person",
    Channel.PHONE: "via_phone",
    Channel.VIRTUAL: "via_virtual",
}


class Procedure(models.Model):
    """Something a citizen comes to do: requirements, fee, legal basis, times and service standard."""

    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="procedures")
    code = models.CharField(_("code"), max_length=30, unique=True, help_text=_("Stable identifier, e.g. RENIEC-001."))
    name = models.CharField(_("name"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.TextField(_("summary"))
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Other words citizens use for it, for search.")
    )
    fee = models.DecimalField(
        _("fee (PEN)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("0.00 means free of charge."),
    )
    payment_instructions = models.TextField(_("how to pay"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    counter_minutes = models.PositiveSmallIntegerField(_("expected counter time (minutes)"), default=15)
    resolution_days = models.PositiveSmallIntegerField(
        _("resolution time (working days)"), default=0, help_text=_("0 means it is resolved at the counter.")
    )
    via_in_person = models.BooleanField(_("can be started in person"), default=True)
    via_phone = models.BooleanField(_("can be started by phone"), default=False)
    via_virtual = models.BooleanField(_("can be started online"), default=False)
    appointment_policy = models.CharField(
        _("appointment policy"), max_length=10, choices=AppointmentPolicy.choices, default=AppointmentPolicy.OPTIONAL
    )
    intent = models.CharField(
        _("citizen intent"), max_length=12, choices=CitizenIntent.choices, default=CitizenIntent.PROCEDURE
    )
    sla_max_wait_minutes = models.PositiveSmallIntegerField(_("service standard: maximum wait (minutes)"), default=30)
    sla_max_service_minutes = models.PositiveSmallIntegerField(
        _("service standard: maximum service time (minutes)"), default=20
    )
    demand_rank = models.PositiveSmallIntegerField(
        _("demand rank"), null=True, blank=True, help_text=_("1 is the most demanded; empty if not ranked.")
    )
    remote_ticket = models.BooleanField(
        _("citizens may join its queue from their phone"),
        default=True,
        help_text=_("Where the center's queue of its entity accepts remote tickets too."),
    )
    paid_first_at = models.ForeignKey(
        "self",
        verbose_name=_("usually paid first at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The fee-payment procedure citizens usually do first (e.g. at Banco de la Nación)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    search_document = models.TextField(_("search document"), blank=True, editable=False)
    # PostgreSQL only (GIN-indexed, filled by procedure_refresh_search_documents); stays empty on SQLite.
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(fee__gte=0), name="procedure_fee_not_negative"),
            models.CheckConstraint(
                condition=models.Q(via_in_person=True) | models.Q(via_phone=True) | models.Q(via_virtual=True),
                name="procedure_has_a_channel",
            ),
        ]
        indexes = [models.Index(fields=["demand_rank"], name="procedure_demand_rank")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("procedures:detail", kwargs={"slug": self.slug})

    @property
    def is_bookable(self) -> bool:
        """Whether citizens can book appointments for it at all (where: centers.selectors.offerings_bookable)."""
        return self.is_active and self.appointment_policy in BOOKABLE_POLICIES

    @property
    def is_free(self) -> bool:
        return self.fee == 0

    @property
    def channels(self) -> list[str]:
        return [channel for channel, field in CHANNEL_FIELDS.items() if getattr(self, field)]


class Requirement(models.Model):
    """One item of a procedure's checklist, in the order the citizen reads it."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="requirements"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("requirement"), max_length=300)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_optional = models.BooleanField(_("only in some cases"), default=False)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["procedure", "position", "id"]

    def __str__(self) -> str:
        return self.text
