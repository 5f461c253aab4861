"""Downloads of one appointment: its calendar file (.ics) and its QR code (PNG)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import documents
from ..constants import AppointmentStatus
from ..models import Appointment
from .access import appointment_access_required


@never_cache
@require_http_methods(["GET", "HEAD"])
@appointment_access_required
def appointment_ics_download(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    body = documents.appointment_ics(
        appointment=appointment, cancelled=appointment.status == AppointmentStatus.CANCELLED
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{documents.ics_filename(appointment)}"'
    return response


@never_cache
@require_http_methods(["GET", "HEAD"])
@appointment_access_required
def appointment_qr_download(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    response = HttpResponse(documents.appointment_qr_png(appointment=appointment), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{documents.qr_filename(appointment, "png")}"'
    return response
