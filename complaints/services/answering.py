"""Answering a complaint: once, by staff of its service point, and the citizen is told (message rows)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import ComplaintStatus, MessageKind
from ..errors import AlreadyAnswered, ComplaintNotFound, InvalidComplaint
from ..models import Complaint
from .messages import messages_plan

__all__ = ["ANSWER_LIMITS", "complaint_answer"]

ANSWER_LIMITS = (20, 6000)


def complaint_answer(*, complaint_id: int, answer: str, user=None, now: dt.datetime | None = None) -> Complaint:
    """Record the answer (the row is locked: two staff answering at once get one answer and one AlreadyAnswered)
    and plan its messages to the citizen; InvalidComplaint for an empty or too short answer."""
    now = now or timezone.now()
    text = (answer or "").strip()
    low, high = ANSWER_LIMITS
    if len(text) < low:
        raise InvalidComplaint(
            field_errors={
                "answer": [_("Write the answer to the citizen (at least %(count)d characters).") % {"count": low}]
            }
        )
    if len(text) > high:
        raise InvalidComplaint(
            field_errors={
                "answer": [
                    _("Write at most %(limit)d characters (you wrote %(count)d).") % {"limit": high, "count": len(text)}
                ]
            }
        )
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
        if complaint is None:
            raise ComplaintNotFound()
        if complaint.status == ComplaintStatus.ANSWERED:
            raise AlreadyAnswered()
        complaint.status = ComplaintStatus.ANSWERED
        complaint.answer = text
        complaint.answered_at = now
        complaint.answered_by = user if getattr(user, "pk", None) else None
        complaint.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        messages_plan(complaint=complaint, kind=MessageKind.ANSWER, now=now)
    return complaint
