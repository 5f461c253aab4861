"""Who may see and change an appointment: its code plus the document number it was booked with, or the signed
link of its messages.

Guessing is limited twice: per client address at the edge (views and API), and per booking code here — after
settings.RATE_LIMITS["code_failures"] wrong document numbers a code's look-up is locked for a while, whoever asks
(the same for codes that exist and codes that do not). The owner still gets in with the link in the confirmation
e-mail or SMS: a signed token (appointments.links), bound to the appointment and its code.
"""

from common.ratelimit import failure_record, failures_check

from ..errors import NotFound
from ..models import Appointment
from ..selectors import appointment_lookup
from ..validators import code_normalize

__all__ = ["appointment_authenticate"]


def appointment_authenticate(*, code: str, document_number: str) -> Appointment:
    """The appointment with this code if the document number matches it; NotFound otherwise (one answer for an
    unknown code and a wrong document), CodeLocked after too many wrong documents for the code."""
    key = code_normalize(code) or (code or "")[:30]
    failures_check(scope="code_failures", key=key)
    appointment = appointment_lookup(code=code, document_number=document_number)
    if appointment is None:
        failure_record(scope="code_failures", key=key)
        raise NotFound()
    return appointment
