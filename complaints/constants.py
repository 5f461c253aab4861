"""Choices and fixed values of the complaints book (Libro de Reclamaciones, D.S. 007-2020-PCM)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Tracking codes reuse the booking codes' alphabet and form (appointments: Crockford base32, 10 characters,
# 50 random bits, shown as two groups of five), so citizens type them the same way.
from appointments.constants import CODE_REGEX, NotificationChannel

__all__ = [
    "ALLOWED_ATTACHMENT_TYPES",
    "CODE_REGEX",
    "ComplaintCategory",
    "ComplaintStatus",
    "MessageChannel",
    "MessageKind",
]


class ComplaintCategory(models.TextChoices):
    """The categories of the complaints book (DOMAIN.md)."""

    TREATMENT = "treatment", _("Professional treatment")
    INFORMATION = "information", _("Information")
    WAITING = "waiting", _("Waiting time")
    ACCESS = "access", _("Access")
    OUTCOME = "outcome", _("Outcome")
    TRUST = "trust", _("Trust")


class ComplaintStatus(models.TextChoices):
    FILED = "filed", _("Received, awaiting answer")
    ANSWERED = "answered", _("Answered")


class MessageKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    ANSWER = "answer", _("Answer")


# A message row's channel: the same as every message row's (appointments.models.OutboundMessage).
MessageChannel = NotificationChannel


# Attachments: only these types, recognised by their first bytes (never by the name or the browser's claim).
# Mapped to the extension the stored file gets.
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}
