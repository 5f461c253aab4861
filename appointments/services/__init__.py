"""Writes of the booking engine, by subject: schedules, slots, citizens, booking, notifications, retention.

Import from here (`from appointments import services`; `services.appointment_book(...)`): these are the public
names; the modules behind them may move.
"""

from .access import appointment_authenticate
from .booking import (
    appointment_book,
    appointment_cancel,
    appointment_check_in,
    appointment_complete,
    appointment_reschedule,
    appointments_mark_no_shows,
    code_generate,
    slot_bookable,
)
from .citizens import Citizen, CleanCitizen, citizen_clean
from .notifications import notification_send, notifications_plan, notifications_send_due
from .retention import PurgeResult, appointments_purge_personal_data
from .schedules import (
    RuleRange,
    schedule_create,
    schedule_procedures_validate,
    schedule_rules_set,
    schedule_rules_validate,
)
from .slots import SlotsResult, slot_booking_window, slots_generate, slots_generate_all, slots_generate_for_center

__all__ = [
    "Citizen",
    "CleanCitizen",
    "PurgeResult",
    "RuleRange",
    "SlotsResult",
    "appointment_authenticate",
    "appointment_book",
    "appointment_cancel",
    "appointment_check_in",
    "appointment_complete",
    "appointment_reschedule",
    "appointments_mark_no_shows",
    "appointments_purge_personal_data",
    "citizen_clean",
    "code_generate",
    "notification_send",
    "notifications_plan",
    "notifications_send_due",
    "schedule_create",
    "schedule_procedures_validate",
    "schedule_rules_set",
    "schedule_rules_validate",
    "slot_bookable",
    "slot_booking_window",
    "slots_generate",
    "slots_generate_all",
    "slots_generate_for_center",
]
