"""Domain errors of the booking engine: DomainError subclasses, each with a stable `code`, a translatable
`message` and its HTTP `status` (the API renders them through common.api.exceptions; pages show the message)."""

from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


class BookingError(DomainError):
    """Base of every booking rule the citizen can break; never a programming error."""


class InvalidBooking(BookingError):
    """Bad input (document, phone, consent, a slot that does not serve the procedure…)."""

    code = "invalid"
    status = 400
    default_message = _("Please check the data you entered.")


class SlotFull(BookingError):
    code = "slot_full"
    status = 409
    default_message = _("That time is no longer available. Please choose another one.")


class Duplicate(BookingError):
    code = "duplicate"
    status = 409
    default_message = _("You already have an appointment for this procedure. Cancel or change it instead.")


class LimitReached(BookingError):
    code = "limit_reached"
    status = 429
    default_message = _("You have reached the maximum number of active appointments for your document.")


class Cooldown(BookingError):
    """A booking too soon after a cancellation (stops cancel-and-rebook loops from holding slots)."""

    code = "cooldown"
    status = 429
    default_message = _("You cancelled an appointment a moment ago. Please wait a few minutes before booking again.")


class WindowClosed(BookingError):
    code = "window_closed"
    status = 400
    default_message = _("That time can no longer be booked, changed or cancelled.")


class NotFound(BookingError):
    """Unknown code, or a document number that does not match it: the same answer for both."""

    code = "not_found"
    status = 404
    default_message = _("We found no appointment with that code and document number.")
