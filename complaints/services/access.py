"""Who may see a complaint's status: its tracking code plus the document number it was filed with.

Guessing is limited per client address at the edge (the look-up view) and per tracking code here: after
settings.RATE_LIMITS["code_failures"] wrong document numbers a code is locked for a while, whoever asks (the same for
codes that exist and codes that do not), with the shared limiter's failures_check / failure_record.
"""

from appointments.validators import code_normalize
from common.ratelimit import failure_record, failures_check

from ..errors import ComplaintNotFound
from ..models import Complaint
from ..selectors import complaint_lookup

__all__ = ["complaint_authenticate"]


def complaint_authenticate(*, code: str, document_number: str) -> Complaint:
    """The complaint with this code if the document number matches; ComplaintNotFound otherwise (one answer for an
    unknown code and a wrong document), CodeLocked after too many wrong documents for the code."""
    key = "complaint:" + (code_normalize(code) or (code or "")[:30])
    failures_check(scope="code_failures", key=key)
    complaint = complaint_lookup(code=code, document_number=document_number)
    if complaint is None:
        failure_record(scope="code_failures", key=key)
        raise ComplaintNotFound()
    return complaint
