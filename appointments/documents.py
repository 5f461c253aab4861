"""Files a citizen takes away: the calendar event (.ics) and the QR code of the booking code.

Used by the confirmation e-mails and by the booking pages' downloads.
"""

import datetime as dt
import io
from urllib.parse import urlencode

import icalendar
import segno
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .formatting import fee_display
from .links import appointment_access_token
from .models import Appointment
from .validators import code_display


def _portal_url(*, name: str, fallback: str, query: str = "") -> str:
    try:
        path = reverse(name)
    except NoReverseMatch:  # the citizen pages are not wired (tests of the engine alone)
        path = fallback
    return f"{getattr(settings, 'PORTAL_BASE_URL', 'http://127.0.0.1:8000').rstrip('/')}{path}{query}"


def manage_url(*, appointment: Appointment | None = None) -> str:
    """Absolute link to the self-service page: for an appointment, its signed link (/citas/gestionar/acceso/?t=…),
    which opens it without the document number; else the look-up form."""
    if appointment is None:
        return _portal_url(name="appointments:manage", fallback="/citas/gestionar/")
    query = "?" + urlencode({"t": appointment_access_token(appointment=appointment)})
    return _portal_url(name="appointments:manage_link", fallback="/citas/gestionar/acceso/", query=query)


def booking_url() -> str:
    """Absolute link to the booking flow (/citas/nueva/)."""
    return _portal_url(name="appointments:new", fallback="/citas/nueva/")


def center_location(appointment: Appointment) -> str:
    center = appointment.center
    place = ", ".join(part for part in (center.address, center.district, center.province) if part)
    return f"{center.name} — {place}" if place else center.name


def ics_filename(appointment: Appointment) -> str:
    return f"cita-{appointment.code}.ics"


def qr_filename(appointment: Appointment, extension: str = "png") -> str:
    return f"cita-{appointment.code}.{extension}"


def appointment_ics(*, appointment: Appointment, cancelled: bool = False) -> bytes:
    """An iCalendar file for the appointment: Lima times (TZID America/Lima), the center's address as LOCATION,
    UID = code@domain and SEQUENCE = times rescheduled, so calendar apps update (or remove) the same event."""
    tz = timezone.get_default_timezone()
    slot = appointment.slot
    procedure = appointment.procedure
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//MAC Portal//Citas//ES")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = icalendar.Event()
    domain = getattr(settings, "APPOINTMENTS_ICS_UID_DOMAIN", "mac.gob.pe")
    event.add("uid", f"{appointment.code}@{domain}")
    event.add("sequence", appointment.version + (1 if cancelled else 0))
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", timezone.localtime(slot.starts_at, tz))
    event.add("dtend", timezone.localtime(slot.ends_at, tz))
    event.add("summary", _("Appointment: %(procedure)s") % {"procedure": procedure.name})
    event.add("location", center_location(appointment))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    lines = [
        _("Booking code: %(code)s") % {"code": code_display(appointment.code)},
        _("Fee: %(fee)s") % {"fee": fee_display(procedure.fee)},
    ]
    requirements = [
        f"{requirement.text} ({_('only in some cases')})" if requirement.is_optional else requirement.text
        for requirement in procedure.requirements.all()
    ]
    if requirements:
        lines.append(_("Bring:"))
        lines += [f"- {text}" for text in requirements]
    lines.append(_("Change or cancel: %(url)s") % {"url": manage_url(appointment=appointment)})
    event.add("description", "\n".join(lines))
    event.add("url", manage_url(appointment=appointment))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def qr_content(appointment: Appointment) -> str:
    """The look-up page with the code filled in, ending in the code: a phone opens it (the document number is still
    asked), the greeter's scanner reads the code after `codigo=`. Not the signed link of the e-mail: a printed QR may
    be seen by others."""
    return _portal_url(name="appointments:manage", fallback="/citas/gestionar/", query=f"?codigo={appointment.code}")


def _qr(appointment: Appointment) -> segno.QRCode:
    return segno.make(qr_content(appointment), error="m", micro=False)


def appointment_qr_png(*, appointment: Appointment, scale: int = 8) -> bytes:
    """PNG of the QR code: the manage link with the booking code (what the counter scans)."""
    buffer = io.BytesIO()
    _qr(appointment).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def appointment_qr_svg(*, appointment: Appointment, scale: int = 6) -> str:
    """Inline SVG of the same QR code (for pages: sharp at any size, no extra request)."""
    buffer = io.BytesIO()
    _qr(appointment).save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title=code_display(appointment.code)
    )
    return buffer.getvalue().decode()
