"""Domain errors of the in-person channel; each has a stable code and HTTP status (common.errors.DomainError)."""

from django.utils.translation import gettext_lazy as _

from common.errors import DomainError, InvalidInput, NotFound

__all__ = [
    "AppointmentNotFound",
    "CounterBusy",
    "CounterNotOpen",
    "InvalidInput",
    "NotAllowed",
    "NotFound",
    "NotOffered",
    "RemoteClosed",
    "RemoteNotAllowed",
    "RemoteTicketOpen",
    "TicketInProgress",
    "TicketStateConflict",
    "TooEarlyForNoShow",
]


class NotAllowed(DomainError):
    """The user has no role at this center that allows the action."""

    code = "permission_denied"
    status = 403
    default_message = _("You are not allowed to do this at this center.")


class NotOffered(DomainError):
    code = "not_offered"
    status = 400
    default_message = _("This procedure is not served in person at this center.")


class AppointmentNotFound(DomainError):
    code = "appointment_not_found"
    status = 404
    default_message = _("No appointment for today at this center matches that code or document.")


class CounterBusy(DomainError):
    code = "counter_busy"
    status = 409
    default_message = _("This counter is already open by someone else, or you have another counter open.")


class CounterNotOpen(DomainError):
    code = "counter_not_open"
    status = 409
    default_message = _("Open the counter (or resume it) first.")


class TicketInProgress(DomainError):
    code = "ticket_in_progress"
    status = 409
    default_message = _("Finish, transfer or release the current ticket first.")


class TicketStateConflict(DomainError):
    """The ticket is not in a state that allows this (already called elsewhere, finished…)."""

    code = "ticket_state_conflict"
    status = 409
    default_message = _("This ticket cannot do that now: it has changed meanwhile.")


class TooEarlyForNoShow(DomainError):
    code = "too_early_for_no_show"
    status = 409
    default_message = _("Call the ticket again before marking it as a no-show.")


class RemoteNotAllowed(DomainError):
    code = "remote_not_allowed"
    status = 400
    default_message = _("This procedure cannot be joined from a phone at this center. Please come in person.")


class RemoteClosed(DomainError):
    code = "remote_closed"
    status = 409
    default_message = _(
        "This center is not taking remote tickets right now: they are given from shortly before it opens until an "
        "hour before it closes."
    )


class RemoteTicketOpen(DomainError):
    code = "remote_ticket_open"
    status = 409
    default_message = _(
        "There is already a ticket in this center's line today for this mobile number or document. Open it from "
        "its page, or cancel it there first."
    )
