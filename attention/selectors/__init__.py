"""Reads of the in-person channel, by subject: access (what a user may reach), queue (estimates, the screen),
supervision (a center's day)."""

from .access import (
    GREETER_ROLES,
    SERVING_ROLES,
    SUPERVISION_ROLES,
    center_for_staff,
    centers_for_staff,
    counter_for_staff,
    counter_session_current,
    counters_for_staff,
    device_active_get,
    device_authenticate,
    ticket_for_staff,
)
from .eligibility import counter_procedure_ids, next_ticket_queryset
from .queue import (
    Estimate,
    center_wait_board,
    counter_current_ticket,
    queue_estimate,
    screen_feed,
    screen_version,
    ticket_estimate,
    ticket_get,
    ticket_public_get,
)
from .supervision import Supervision, supervision_summary

__all__ = [
    "GREETER_ROLES",
    "SERVING_ROLES",
    "SUPERVISION_ROLES",
    "Estimate",
    "Supervision",
    "center_for_staff",
    "center_wait_board",
    "counter_current_ticket",
    "centers_for_staff",
    "counter_for_staff",
    "counter_procedure_ids",
    "counter_session_current",
    "counters_for_staff",
    "device_active_get",
    "device_authenticate",
    "next_ticket_queryset",
    "queue_estimate",
    "screen_feed",
    "screen_version",
    "supervision_summary",
    "ticket_estimate",
    "ticket_for_staff",
    "ticket_get",
    "ticket_public_get",
]
