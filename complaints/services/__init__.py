"""Writes of the complaints book: filing, answering, the messages to the citizen, deadlines, access by code.

Import from here (`from complaints import services`): these are the public names.
"""

from .access import complaint_authenticate
from .answering import ANSWER_LIMITS, complaint_answer
from .deadlines import complaint_due_date, working_days_add
from .filing import Attachment, ComplaintInput, attachment_check, complaint_clean, complaint_file
from .messages import message_deliver, message_send, messages_claim, messages_plan, messages_send_due

__all__ = [
    "ANSWER_LIMITS",
    "Attachment",
    "ComplaintInput",
    "attachment_check",
    "complaint_answer",
    "complaint_authenticate",
    "complaint_clean",
    "complaint_due_date",
    "complaint_file",
    "message_deliver",
    "message_send",
    "messages_claim",
    "messages_plan",
    "messages_send_due",
    "working_days_add",
]
