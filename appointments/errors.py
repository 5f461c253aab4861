"""Domain errors of the booking engine: each has a stable `.code` and a translatable `.message`.

The API maps codes to HTTP statuses (see `HTTP_STATUS`); pages show `.message` (and `.field_errors`).
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class BookingError(Exception):
    """Base of every booking rule the citizen can break; never a programming error."""

    code = "invalid"
    default_message: str | Promise = _("The request could not be completed.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        field_errors: dict[str, list[str]] | None = None,
        retry_after: int = 0,
    ):
        self.message = message if message is not None else self.default_message
        self.field_errors = field_errors or {}
        self.retry_after = retry_after  # seconds until trying again makes sense (rate limits, cooldown); 0 if n/a
        super().__init__(str(self.message))


class InvalidBooking(BookingError):
    """Bad input (document, phone, consent, a slot that does not serve the procedure…)."""

    code = "invalid"
    default_message = _("Please check the data you entered.")


class SlotFull(BookingError):
    code = "slot_full"
    default_message = _("That time is no longer available. Please choose another one.")


class Duplicate(BookingError):
    code = "duplicate"
    default_message = _("You already have an appointment for this procedure. Cancel or change it instead.")


class LimitReached(BookingError):
    code = "limit_reached"
    default_message = _("You have reached the maximum number of active appointments for your document.")


class Cooldown(BookingError):
    """A booking too soon after a cancellation (stops cancel-and-rebook loops from holding slots)."""

    code = "cooldown"
    default_message = _("You cancelled an appointment a moment ago. Please wait a few minutes before booking again.")


class WindowClosed(BookingError):
    code = "window_closed"
    default_message = _("That time can no longer be booked, changed or cancelled.")


class NotFound(BookingError):
    """Unknown code, or a document number that does not match it: the same answer for both."""

    code = "not_found"
    default_message = _("We found no appointment with that code and document number.")


class RateLimited(BookingError):
    code = "rate_limited"
    default_message = _("Too many attempts from your connection. Please try again later.")


# HTTP status for each code, used by the API (and by pages that want a status other than 200).
HTTP_STATUS = {
    InvalidBooking.code: 400,
    WindowClosed.code: 400,
    NotFound.code: 404,
    SlotFull.code: 409,
    Duplicate.code: 409,
    LimitReached.code: 429,
    Cooldown.code: 429,
    RateLimited.code: 429,
}
