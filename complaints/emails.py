"""The content of complaint messages (acknowledgement with a copy of what was filed; answer), in Spanish."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from appointments.formatting import day_display, when_display

from .constants import MessageKind
from .models import Complaint

__all__ = ["complaint_email_build", "complaint_sms_text", "lookup_url"]


def lookup_url() -> str:
    """Absolute link to the status page (/reclamos/consulta/)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("complaints:lookup")


def complaint_email_context(*, complaint: Complaint, kind: str) -> dict:
    return {
        "kind": kind,
        "complaint": complaint,
        "code": complaint.code_display,
        "filed_when": when_display(complaint.filed_at),
        "due_day": day_display(complaint.due_on),
        "answered_when": when_display(complaint.answered_at) if complaint.answered_at else "",
        "lookup_url": lookup_url(),
    }


def complaint_email_build(*, complaint: Complaint, kind: str, message_key: str = "") -> EmailMessage:
    """The e-mail of one message kind, in the portal's language; `message_key` makes its Message-ID deterministic."""
    with translation.override(settings.LANGUAGE_CODE):
        context = complaint_email_context(complaint=complaint, kind=kind)
        if kind == MessageKind.ACKNOWLEDGEMENT:
            subject = _("We received your complaint %(code)s") % {"code": complaint.code_display}
        else:
            subject = _("Answer to your complaint %(code)s") % {"code": complaint.code_display}
        domain = settings.APPOINTMENTS_ICS_UID_DOMAIN
        return EmailMessage(
            subject=subject,
            body=render_to_string("complaints/email/message.txt", context),
            to=[complaint.email],
            headers={"Message-ID": f"<{message_key}@{domain}>"} if message_key else None,
        )


def complaint_sms_text(*, complaint: Complaint, kind: str) -> str:
    """A short SMS: what happened, the tracking code, where to see the status."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {"code": complaint.code_display, "url": lookup_url(), "day": f"{complaint.due_on:%d/%m/%Y}"}
        if kind == MessageKind.ACKNOWLEDGEMENT:
            return _("MAC: we received your complaint %(code)s. Answer by %(day)s. Status: %(url)s") % values
        return _("MAC: your complaint %(code)s has been answered. See the answer at %(url)s") % values
