from django.db import models
from django.utils.translation import gettext_lazy as _

from centers.constants import Weekday
from centers.models import Center, Language
from procedures.models import Procedure

from .constants import (
    CODE_REGEX,
    AgeBand,
    AppointmentStatus,
    BookingChannel,
    DocumentType,
    Gender,
    NotificationChannel,
    NotificationKind,
    PriorityNeed,
)
from .formatting import lima
from .validators import code_display


class Schedule(models.Model):
    """Bookable capacity of a group of counters at a center: slot length, capacity and booking window."""

    center = models.ForeignKey(Center, verbose_name=_("center"), on_delete=models.PROTECT, related_name="schedules")
    name = models.CharField(_("name"), max_length=120, help_text=_("For staff, e.g. 'RENIEC counters'."))
    procedures = models.ManyToManyField(
        Procedure, verbose_name=_("procedures"), related_name="schedules", help_text=_("Procedures these desks serve.")
    )
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=30)
    capacity = models.PositiveSmallIntegerField(
        _("citizens per slot"), default=1, help_text=_("How many citizens the desks can see in one slot.")
    )
    min_lead_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"), default=120, help_text=_("A slot can be booked until this long before it.")
    )
    max_days_ahead = models.PositiveSmallIntegerField(
        _("booking window (days)"), default=30, help_text=_("How many days ahead slots can be booked.")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: no end date."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["center", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5, slot_minutes__lte=240), name="schedule_slot_minutes_range"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="schedule_capacity_positive"),
            models.CheckConstraint(
                condition=models.Q(max_days_ahead__gte=1, max_days_ahead__lte=180), name="schedule_window_range"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="schedule_valid_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.center} — {self.name}"


class ScheduleRule(models.Model):
    """One weekly range of a schedule, cut into slots of the schedule's length."""

    schedule = models.ForeignKey(Schedule, verbose_name=_("schedule"), on_delete=models.CASCADE, related_name="rules")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("weekly range")
        verbose_name_plural = _("weekly ranges")
        ordering = ["schedule", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="schedule_rule_start_before_end"
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="schedule_rule_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Slot(models.Model):
    """A bookable time of a schedule; `booked` never exceeds `capacity` (checked by the database)."""

    schedule = models.ForeignKey(Schedule, verbose_name=_("schedule"), on_delete=models.CASCADE, related_name="slots")
    # Denormalized from the schedule (which never changes center) so availability filters on one table.
    center = models.ForeignKey(Center, verbose_name=_("center"), on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    # The booking window of this slot, from its schedule (max days ahead, min lead): bookable while
    # book_from <= now <= book_until. Stored so availability is one plain query on any database.
    book_from = models.DateTimeField(_("bookable from"))
    book_until = models.DateTimeField(_("bookable until"))
    is_withdrawn = models.BooleanField(
        _("withdrawn"),
        default=False,
        help_text=_("No longer in the schedule (or the center is closed) but kept for its appointments."),
    )
    withdrawn_reason = models.CharField(_("reason withdrawn"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at", "schedule"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "starts_at"], name="slot_unique_schedule_start"),
            models.CheckConstraint(
                condition=models.Q(booked__gte=0, booked__lte=models.F("capacity")), name="slot_booked_within_capacity"
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="slot_starts_before_ends"
            ),
        ]
        indexes = [models.Index(fields=["center", "starts_at"], name="slot_center_start")]

    def __str__(self) -> str:
        return f"{lima(self.starts_at):%Y-%m-%d %H:%M} ({self.booked}/{self.capacity})"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class DocumentQuota(models.Model):
    """One row per identity document: locked while booking, so limits and cooldown hold under concurrency."""

    document_type = models.CharField(_("document type"), max_length=10, choices=DocumentType.choices)
    document_number = models.CharField(_("document number"), max_length=20)
    last_cancelled_at = models.DateTimeField(_("last cancellation"), null=True, blank=True)

    class Meta:
        verbose_name = _("document quota")
        verbose_name_plural = _("document quotas")
        constraints = [
            models.UniqueConstraint(fields=["document_type", "document_number"], name="document_quota_unique_document")
        ]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} {self.document_number}"


class Appointment(models.Model):
    """A citizen's booking of a slot for a procedure; its code is random and, with the document, its key."""

    code = models.CharField(_("code"), max_length=10, unique=True, editable=False)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="appointments"
    )
    center = models.ForeignKey(Center, verbose_name=_("center"), on_delete=models.PROTECT, related_name="appointments")
    slot = models.ForeignKey(Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="appointments")
    previous_slot = models.ForeignKey(
        Slot,
        verbose_name=_("rescheduled from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveSmallIntegerField(
        _("times rescheduled"), default=0, help_text=_("Also the SEQUENCE of the calendar event.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    channel = models.CharField(
        _("booked through"), max_length=12, choices=BookingChannel.choices, default=BookingChannel.VIRTUAL
    )
    document_type = models.CharField(_("document type"), max_length=10, choices=DocumentType.choices)
    document_number = models.CharField(_("document number"), max_length=20)
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True, help_text=_("E.164, e.g. +51987654321."))
    preferred_language = models.ForeignKey(
        Language,
        verbose_name=_("preferred language"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    priority_need = models.CharField(
        _("preferential attention"), max_length=12, choices=PriorityNeed.choices, default=PriorityNeed.NONE
    )
    segmentation_consent = models.BooleanField(_("consented to statistics data"), default=False)
    survey_consent = models.BooleanField(
        _("agreed to a satisfaction survey"),
        default=False,
        db_default=False,
        help_text=_("The citizen may be invited, once, by e-mail or text message to a satisfaction survey."),
    )
    age_band = models.CharField(_("age band"), max_length=5, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    consent_version = models.CharField(_("personal data consent version"), max_length=20)
    consent_at = models.DateTimeField(_("consent given at"))
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by_staff = models.BooleanField(_("cancelled by staff"), default=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=250, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    # Ley 29733 retention limit: set by services.appointments_purge_personal_data, which clears the citizen's
    # name, document, e-mail, phone and cancel reason and keeps only what aggregate reports need.
    anonymized_at = models.DateTimeField(_("anonymized at"), null=True, blank=True, editable=False)
    # The changes (booked 1, cancelled 2) not yet announced to the apps above: written in the change's own transaction
    # and cleared by the scan that announces them (services.changes), so none is lost with a broker message.
    unannounced = models.PositiveSmallIntegerField(
        _("changes not yet announced"), default=0, db_default=0, editable=False
    )

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_number", "procedure"],
                # Anonymized rows have no document left: they never count as the citizen's booking.
                condition=models.Q(status=AppointmentStatus.BOOKED, anonymized_at__isnull=True),
                name="appointment_one_active_per_document_procedure",
            ),
            models.CheckConstraint(condition=models.Q(code__regex=CODE_REGEX), name="appointment_code_format"),
            models.CheckConstraint(
                condition=models.Q(anonymized_at__isnull=False) | ~models.Q(email="", phone=""),
                name="appointment_has_email_or_phone",
            ),
            # Ley 29733: an anonymized appointment keeps no personal data.
            models.CheckConstraint(
                condition=models.Q(anonymized_at__isnull=True)
                | models.Q(full_name="", document_number="", email="", phone="", cancel_reason=""),
                name="appointment_anonymized_has_no_personal_data",
            ),
            # Ley 29733: statistics data exists only with the citizen's consent.
            models.CheckConstraint(
                condition=models.Q(segmentation_consent=True) | models.Q(age_band="", gender=""),
                name="appointment_segmentation_needs_consent",
            ),
        ]
        indexes = [
            models.Index(fields=["document_type", "document_number", "status"], name="appointment_document_status"),
            models.Index(fields=["center", "status"], name="appointment_center_status"),
            models.Index(fields=["status", "slot"], name="appointment_status_slot"),
            # The retention purge reads only appointments not yet anonymized: cost follows them, not history.
            models.Index(
                fields=["slot"], condition=models.Q(anonymized_at__isnull=True), name="appointment_unpurged_slot"
            ),
            # The changes' scan reads the few rows it has to announce, not the whole table.
            models.Index(fields=["id"], condition=models.Q(unannounced__gt=0), name="appointment_unannounced"),
        ]

    def __str__(self) -> str:
        return self.code_display

    @property
    def code_display(self) -> str:
        return code_display(self.code)

    @property
    def is_active(self) -> bool:
        return self.status == AppointmentStatus.BOOKED


class OutboundMessage(models.Model):
    """The columns of a message row (e-mail or SMS) claimed atomically and sent idempotently: appointments'
    notifications, and other apps' messages (services.notifications.message_rows_claim claims any of them)."""

    channel = models.CharField(_("channel"), max_length=6, choices=NotificationChannel.choices)
    due_at = models.DateTimeField(_("due at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim token"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Set just before the provider is called, `sent_at` just after: a row with the first and not the second may
    # have gone out (a worker died in between); it is sent again, with the same Message-ID / idempotency key.
    sending_at = models.DateTimeField(_("handed to the provider at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    skipped_at = models.DateTimeField(_("skipped at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class Notification(OutboundMessage):
    """One outbound message (e-mail or SMS) about an appointment, claimed atomically before it is sent.

    `sequence` is the appointment's version when the message was planned, so a rescheduled appointment
    gets a fresh reminder while a beat that runs twice can never plan (or send) the same message twice.
    """

    appointment = models.ForeignKey(
        Appointment, verbose_name=_("appointment"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=NotificationKind.choices)
    sequence = models.PositiveSmallIntegerField(_("appointment version"), default=0)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "kind", "channel", "sequence"], name="notification_unique_per_version"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(sent_at__isnull=True, skipped_at__isnull=True),
                name="notification_pending_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()}) — {self.appointment_id}"

    @property
    def message_key(self) -> str:
        """The same for every attempt at this message: its Message-ID (e-mail) and idempotency key (SMS)."""
        return f"notification-{self.pk}.{self.sequence}"


class DaySheet(Appointment):
    """Admin entry point for the printable list of a center's appointments of one day (no table)."""

    class Meta:
        proxy = True
        verbose_name = _("day sheet")
        verbose_name_plural = _("day sheets")


class SlotConflict(Slot):
    """Admin entry point for slots that lost their place in a schedule but still hold appointments."""

    class Meta:
        proxy = True
        verbose_name = _("schedule conflict")
        verbose_name_plural = _("schedule conflicts")
