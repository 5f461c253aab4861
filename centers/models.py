from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from procedures.models import Entity, Procedure

from .constants import ALL_CENTERS_ROLES, Channel, DataAccess, StaffRole, Weekday

ubigeo_validator = RegexValidator(r"^\d{6}$", _("UBIGEO is a 6-digit code."))


class Language(models.Model):
    """A language staff can attend in (Spanish, Quechua, Aymara, Peruvian Sign Language…)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Center(models.Model):
    """A service point of the strategy: an in-person MAC center, the phone line or the web portal."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.IN_PERSON)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    ubigeo = models.CharField(_("UBIGEO"), max_length=6, blank=True, validators=[ubigeo_validator])
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opened_on = models.DateField(_("opening date"), null=True, blank=True)
    always_open = models.BooleanField(
        _("always open"), default=False, help_text=_("For the web portal: available 24 hours, every day.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    procedures = models.ManyToManyField(
        Procedure, through="Offering", related_name="centers", verbose_name=_("procedures"), blank=True
    )

    # Set by centers.selectors (Prefetch to_attr): center-wide hours, and closures of the coming weeks.
    center_hours: list["OpeningHours"]
    upcoming_closures: list["Closure"]

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["channel", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ubigeo="") | models.Q(ubigeo__regex=r"^\d{6}$"), name="center_ubigeo_6_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="center_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="center_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("centers:detail", kwargs={"slug": self.slug})


class Offering(models.Model):
    """A procedure offered at a service point; it may have desk hours of its own."""

    center = models.ForeignKey(
        Center, verbose_name=_("service point"), on_delete=models.CASCADE, related_name="offerings"
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="offerings"
    )
    notes = models.CharField(_("notes"), max_length=250, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        ordering = ["center", "procedure"]
        constraints = [models.UniqueConstraint(fields=["center", "procedure"], name="offering_unique_center_procedure")]

    def __str__(self) -> str:
        return f"{self.procedure} @ {self.center}"


class OpeningHours(models.Model):
    """One opening range of a service point (or of one desk's offering) on a weekday."""

    center = models.ForeignKey(
        Center, verbose_name=_("service point"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    offering = models.ForeignKey(
        Offering,
        verbose_name=_("offering"),
        on_delete=models.CASCADE,
        related_name="opening_hours",
        null=True,
        blank=True,
        help_text=_("Empty: hours of the whole service point."),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["center", "offering", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")), name="opening_hours_opens_before_closes"
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="opening_hours_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """A day a service point is closed besides national holidays (decreed non-working day, works…)."""

    center = models.ForeignKey(
        Center, verbose_name=_("service point"), on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["center", "date"]
        constraints = [models.UniqueConstraint(fields=["center", "date"], name="closure_unique_center_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} — {self.reason}"


class Counter(models.Model):
    """A service desk (ventanilla) of one entity inside a center."""

    center = models.ForeignKey(Center, verbose_name=_("center"), on_delete=models.CASCADE, related_name="counters")
    label = models.CharField(_("label"), max_length=30, help_text=_("What the waiting-room screen shows, e.g. 'V-12'."))
    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="counters")
    procedures = models.ManyToManyField(
        Procedure, verbose_name=_("procedures served"), related_name="counters", blank=True
    )
    languages = models.ManyToManyField(
        Language, verbose_name=_("languages spoken"), related_name="counters", blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["center", "label"]
        constraints = [models.UniqueConstraint(fields=["center", "label"], name="counter_unique_center_label")]

    def __str__(self) -> str:
        return f"{self.center} — {self.label}"


class StaffMembership(models.Model):
    """A staff user's role at a center (analysts and administrators: every center, so no center)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_memberships"
    )
    center = models.ForeignKey(
        Center,
        verbose_name=_("center"),
        on_delete=models.CASCADE,
        related_name="staff_memberships",
        null=True,
        blank=True,
        help_text=_("Empty only for analysts and administrators, who work on every center."),
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    languages = models.ManyToManyField(
        Language,
        verbose_name=_("languages spoken"),
        related_name="staff_memberships",
        blank=True,
        help_text=_("Besides Spanish: citizens who need one of these can be called to this person's counter."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        ordering = ["user", "center", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "center", "role"],
                condition=models.Q(center__isnull=False),
                name="staff_membership_unique_at_center",
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(center__isnull=True), name="staff_membership_unique_all"
            ),
            models.CheckConstraint(
                condition=models.Q(center__isnull=False) | models.Q(role__in=sorted(ALL_CENTERS_ROLES)),
                name="staff_membership_center_unless_all_centers_role",
            ),
        ]
        indexes = [models.Index(fields=["user", "role"], name="staff_membership_user_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.center or _('all centers')}"


class PersonalDataAccess(models.Model):
    """One time a staff user saw a citizen's personal data in the back office (Ley 29733): who, when, which
    record, how and why. Written by centers.services.personal_data_access_record; administrators read it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="personal_data_accesses",
    )
    at = models.DateTimeField(_("when"))
    action = models.CharField(_("how"), max_length=12, choices=DataAccess.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of record"), on_delete=models.PROTECT)
    object_id = models.CharField(_("record"), max_length=40)
    center = models.ForeignKey(
        Center, verbose_name=_("center"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("why"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="data_access_record"),
            models.Index(fields=["user", "at"], name="data_access_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_action_display()} {self.content_type.model} {self.object_id}"
