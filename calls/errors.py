"""Domain errors of the phone line (common.errors.DomainError: stable code, HTTP status, lazy message)."""

from django.utils.translation import gettext_lazy as _

from common.errors import DomainError, InvalidInput, NotFound

__all__ = ["CallNotOpen", "InvalidInput", "NotAllowed", "NotFound"]


class NotAllowed(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You do not take calls on this phone line.")


class CallNotOpen(DomainError):
    code = "call_not_open"
    status = 409
    default_message = _("This call has already been logged. Start a new one.")
