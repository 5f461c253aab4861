"""Writes of the in-person channel, by subject: tickets (joining the queue), counters (sessions), calling (the
counter's actions and the call-next rule), records (attentions outside the queue: phone calls), kiosk (one
ticket per kiosk page), itinerary (one visit, several procedures), remote (tickets joined from a phone and their
"near" messages)."""

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
from .itinerary import itinerary_advance, itinerary_build, visit_issue
from .kiosk import kiosk_request_key, kiosk_ticket_issue
from .records import attention_record
from .remote import (
    remote_contacts_purge,
    remote_message_deliver,
    remote_message_send,
    remote_messages_claim,
    remote_messages_plan,
    remote_messages_send_due,
    remote_tickets_scan,
    ticket_cancel,
    ticket_join_remote,
)
from .tickets import queue_for_procedure, ticket_check_in_appointment, ticket_issue
from .virtual import attention_record_virtual, virtual_attention_key, virtual_service_point

__all__ = [
    "attention_record_virtual",
    "attention_finish",
    "attention_record",
    "attention_start",
    "counter_close",
    "counter_open",
    "counter_pause",
    "counter_resume",
    "device_token_create",
    "itinerary_advance",
    "itinerary_build",
    "kiosk_request_key",
    "kiosk_ticket_issue",
    "queue_for_procedure",
    "remote_contacts_purge",
    "remote_message_deliver",
    "remote_message_send",
    "remote_messages_claim",
    "remote_messages_plan",
    "remote_messages_send_due",
    "remote_tickets_scan",
    "ticket_call_next",
    "ticket_cancel",
    "ticket_check_in_appointment",
    "ticket_issue",
    "ticket_join_remote",
    "ticket_no_show",
    "ticket_recall",
    "ticket_transfer",
    "visit_issue",
    "virtual_attention_key",
    "virtual_service_point",
]
