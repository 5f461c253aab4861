"""Writes of the in-person channel, by subject: tickets (joining the queue), counters (sessions), calling (the
counter's actions and the call-next rule), records (attentions outside the queue: phone calls)."""

from .calling import (
    attention_finish,
    attention_start,
    ticket_call_next,
    ticket_no_show,
    ticket_recall,
    ticket_transfer,
)
from .counters import counter_close, counter_open, counter_pause, counter_resume
from .devices import device_token_create
from .kiosk import kiosk_request_key, kiosk_ticket_issue
from .records import attention_record
from .tickets import queue_for_procedure, ticket_check_in_appointment, ticket_issue

__all__ = [
    "attention_finish",
    "attention_record",
    "attention_start",
    "counter_close",
    "counter_open",
    "counter_pause",
    "counter_resume",
    "device_token_create",
    "kiosk_request_key",
    "kiosk_ticket_issue",
    "queue_for_procedure",
    "ticket_call_next",
    "ticket_check_in_appointment",
    "ticket_issue",
    "ticket_no_show",
    "ticket_recall",
    "ticket_transfer",
]
