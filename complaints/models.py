from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appointments.constants import DocumentType
from appointments.models import OutboundMessage
from appointments.validators import code_display
from centers.models import Center
from procedures.constants import Channel
from procedures.models import Entity

from .attachments import attachment_storage
from .constants import CODE_REGEX, ComplaintCategory, ComplaintStatus, MessageKind


class Complaint(models.Model):
    """One entry of the complaints book: what a citizen filed about a service, and the entity's answer."""

    code = models.CharField(_("tracking code"), max_length=10, unique=True, editable=False)
    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="complaints")
    center = models.ForeignKey(
        Center, verbose_name=_("service point"), on_delete=models.PROTECT, related_name="complaints"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=12, choices=ComplaintCategory.choices)
    description = models.TextField(_("what happened"))
    request = models.TextField(_("what the citizen asks for"))
    document_type = models.CharField(_("document type"), max_length=10, choices=DocumentType.choices)
    document_number = models.CharField(_("document number"), max_length=20)
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    attachment = models.FileField(
        _("attachment"), storage=attachment_storage, max_length=100, blank=True, editable=False
    )
    attachment_name = models.CharField(_("attachment name"), max_length=100, blank=True, editable=False)
    attachment_type = models.CharField(_("attachment type"), max_length=40, blank=True, editable=False)
    attachment_size = models.PositiveIntegerField(_("attachment size (bytes)"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.FILED
    )
    filed_at = models.DateTimeField(_("filed at"))
    due_on = models.DateField(_("answer due by"), help_text=_("The last working day to answer (Lima)."))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filed_at"]
        permissions = [("answer_complaint", _("Can answer complaints"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=CODE_REGEX), name="complaint_code_format"),
            models.CheckConstraint(condition=~models.Q(email="", phone=""), name="complaint_has_email_or_phone"),
            models.CheckConstraint(
                condition=models.Q(status=ComplaintStatus.FILED, answered_at__isnull=True, answer="")
                | (models.Q(status=ComplaintStatus.ANSWERED, answered_at__isnull=False) & ~models.Q(answer="")),
                name="complaint_answer_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["center", "status", "due_on"], name="complaint_center_status_due"),
            models.Index(fields=["filed_at"], name="complaint_filed_at"),
        ]

    def __str__(self) -> str:
        return self.code_display

    @property
    def code_display(self) -> str:
        return code_display(self.code)


class ComplaintMessage(OutboundMessage):
    """One outbound message (acknowledgement or answer, by e-mail or SMS), claimed atomically before it is sent: the
    columns of every message row (appointments.models.OutboundMessage), sent as complaints.services.messages says."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MessageKind.choices)

    class Meta:
        verbose_name = _("complaint message")
        verbose_name_plural = _("complaint messages")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "kind", "channel"], name="complaint_message_unique"),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(sent_at__isnull=True, skipped_at__isnull=True),
                name="complaint_message_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()}) — {self.complaint_id}"

    @property
    def message_key(self) -> str:
        """The same for every attempt at this message: its Message-ID (e-mail) and idempotency key (SMS)."""
        return f"complaint-message-{self.pk}"
