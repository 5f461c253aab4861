"""The content of appointment messages: e-mails (text + HTML, .ics and QR attached) and SMS texts, in Spanish."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .constants import NotificationKind
from .documents import (
    appointment_ics,
    appointment_qr_png,
    booking_url,
    center_location,
    ics_filename,
    manage_url,
    qr_filename,
)
from .formatting import fee_display, lima, time_display, when_display
from .models import Appointment
from .validators import code_display


def _subject(kind: str, appointment: Appointment) -> str:
    code = code_display(appointment.code)
    subjects = {
        NotificationKind.CONFIRMATION: _("Your appointment is booked (code %(code)s)"),
        NotificationKind.REMINDER: _("Reminder: your appointment is on %(when)s"),
        NotificationKind.CANCELLATION: _("Your appointment %(code)s has been cancelled"),
        NotificationKind.RESCHEDULE: _("Your appointment %(code)s has a new date"),
    }
    return subjects[kind] % {"code": code, "when": when_display(appointment.slot.starts_at)}


def appointment_email_context(*, appointment: Appointment, kind: str) -> dict:
    procedure = appointment.procedure
    return {
        "kind": kind,
        "appointment": appointment,
        "code": code_display(appointment.code),
        "when": when_display(appointment.slot.starts_at),
        "procedure": procedure,
        "entity": procedure.entity,
        "center": appointment.center,
        "location": center_location(appointment),
        "requirements": list(procedure.requirements.all()),
        "fee": fee_display(procedure.fee),
        "manage_url": manage_url(appointment=appointment),
        "booking_url": booking_url(),
        "cancelled": kind == NotificationKind.CANCELLATION,
    }


def appointment_email_build(*, appointment: Appointment, kind: str, message_key: str = "") -> EmailMultiAlternatives:
    """The e-mail for one notification kind, in the portal's language (Spanish) and Lima time. `message_key` makes
    its Message-ID deterministic, so a resend after a crash is recognisable as the same message."""
    with translation.override(settings.LANGUAGE_CODE):
        context = appointment_email_context(appointment=appointment, kind=kind)
        message = EmailMultiAlternatives(
            subject=_subject(kind, appointment),
            body=render_to_string("appointments/email/appointment.txt", context),
            to=[appointment.email],
            headers={"Message-ID": f"<{message_key}@{settings.APPOINTMENTS_ICS_UID_DOMAIN}>"} if message_key else None,
        )
        message.attach_alternative(render_to_string("appointments/email/appointment.html", context), "text/html")
        cancelled = kind == NotificationKind.CANCELLATION
        message.attach(
            ics_filename(appointment),
            appointment_ics(appointment=appointment, cancelled=cancelled),
            "text/calendar; charset=utf-8",
        )
        if not cancelled:
            message.attach(qr_filename(appointment), appointment_qr_png(appointment=appointment), "image/png")
    return message


def appointment_sms_text(*, appointment: Appointment, kind: str) -> str:
    """A short SMS (one or two segments): what happened, code, Lima date and time, center."""
    with translation.override(settings.LANGUAGE_CODE):
        slot = appointment.slot
        values = {
            "code": code_display(appointment.code),
            "when": f"{_local_date(slot.starts_at)} {time_display(slot.starts_at)}",
            "center": appointment.center.name,
        }
        texts = {
            NotificationKind.CONFIRMATION: _("MAC: appointment booked, code %(code)s, %(when)s at %(center)s."),
            NotificationKind.REMINDER: _("MAC: reminder, your appointment %(code)s is on %(when)s at %(center)s."),
            NotificationKind.CANCELLATION: _("MAC: your appointment %(code)s has been cancelled."),
            NotificationKind.RESCHEDULE: _("MAC: appointment %(code)s moved to %(when)s at %(center)s."),
        }
        return texts[kind] % values


def _local_date(value) -> str:
    return f"{lima(value):%d/%m/%Y}"
