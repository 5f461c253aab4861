"""The self-service link of an appointment's messages: a signed token (no database row, no personal data) bound to
the appointment and its code. It travels in the query string of /citas/gestionar/acceso/, which the access logs of
the proxy and gunicorn do not record (see README, security)."""

from django.core import signing

from .models import Appointment

_SALT = "appointments.access-link"
# Links stay valid past the longest booking window (180 days) and a little after the appointment.
ACCESS_TOKEN_MAX_AGE = 200 * 24 * 3600


def appointment_access_token(*, appointment: Appointment) -> str:
    """The token of the appointment's self-service link."""
    return signing.dumps([appointment.pk, appointment.code], salt=_SALT, compress=True)


def appointment_from_token(*, token: str) -> Appointment | None:
    """The appointment a link's token stands for, or None (tampered, expired, anonymized)."""
    try:
        pk, code = signing.loads((token or "")[:200], salt=_SALT, max_age=ACCESS_TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return Appointment.objects.filter(pk=pk, code=code, anonymized_at__isnull=True).first()
