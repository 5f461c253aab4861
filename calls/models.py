"""The phone line: each call an operator takes, from pick-up to its logged outcome (then an Attention)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appointments.models import Appointment
from attention.models import Attention
from centers.models import Center

from .constants import CallOutcome


class Call(models.Model):
    """One call taken by an operator of a phone line; open until logged, when its Attention is recorded."""

    center = models.ForeignKey(Center, verbose_name=_("phone line"), on_delete=models.PROTECT, related_name="calls")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.PROTECT, related_name="calls"
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True, editable=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=CallOutcome.choices, blank=True)
    referred_to = models.CharField(
        _("referred to"), max_length=200, blank=True, help_text=_("The entity or center the caller was sent to.")
    )
    attention = models.OneToOneField(
        Attention, verbose_name=_("attention"), on_delete=models.PROTECT, null=True, blank=True, related_name="call"
    )
    appointment = models.ForeignKey(
        Appointment,
        verbose_name=_("appointment booked"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at"]
        permissions = [("operate_phone", _("Can take and log calls on the phone line"))]
        constraints = [
            models.UniqueConstraint(
                fields=["operator"], condition=models.Q(ended_at__isnull=True), name="call_one_open_per_operator"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True, outcome="", attention__isnull=True)
                | models.Q(
                    ended_at__isnull=False,
                    ended_at__gte=models.F("started_at"),
                    duration_seconds__isnull=False,
                    attention__isnull=False,
                )
                & ~models.Q(outcome=""),
                name="call_ended_is_logged",
            ),
        ]
        indexes = [models.Index(fields=["center", "started_at"], name="call_center_started")]

    def __str__(self) -> str:
        return f"{self.center} — {self.operator} ({self.started_at:%Y-%m-%d %H:%M})"


class OperatorScreen(Call):
    """Admin entry point of the phone operator's screen (take, inform, book, log); no table of its own."""

    class Meta:
        proxy = True
        verbose_name = _("operator screen")
        verbose_name_plural = _("operator screen")
