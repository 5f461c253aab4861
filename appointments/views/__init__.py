"""Citizen pages of the virtual channel's booking: the wizard (/citas/nueva/), the confirmation and self-service
(/citas/gestionar/). Plain HTML forms, no JavaScript needed. By subject: `wizard` (the steps' state), `booking`,
`access` (who may see an appointment), `manage`, `downloads`."""

from .booking import booking_book, booking_confirmation, booking_details, booking_new, booking_review
from .downloads import appointment_ics_download, appointment_qr_download
from .manage import manage_cancel, manage_detail, manage_link, manage_lookup, manage_reschedule

__all__ = [
    "appointment_ics_download",
    "appointment_qr_download",
    "booking_book",
    "booking_confirmation",
    "booking_details",
    "booking_new",
    "booking_review",
    "manage_cancel",
    "manage_detail",
    "manage_link",
    "manage_lookup",
    "manage_reschedule",
]
