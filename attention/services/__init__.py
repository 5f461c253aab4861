"""Writes of the in-person channel, by subject: tickets (joining the queue), counters (sessions), calling (the
counter's actions and the call-next rule)."""

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
from .tickets import queue_for_procedure, ticket_check_in_appointment, ticket_issue
from .virtual import attention_record_virtual, virtual_attention_key, virtual_service_point

__all__ = [
    "attention_record_virtual",
    "attention_finish",
    "attention_start",
    "counter_close",
    "counter_open",
    "counter_pause",
    "counter_resume",
    "device_token_create",
    "queue_for_procedure",
    "ticket_call_next",
    "ticket_check_in_appointment",
    "ticket_issue",
    "ticket_no_show",
    "ticket_recall",
    "ticket_transfer",
    "virtual_attention_key",
    "virtual_service_point",
]
