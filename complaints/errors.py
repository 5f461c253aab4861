"""Domain errors of the complaints book (DomainError subclasses: stable code, lazy message, HTTP status)."""

from django.utils.translation import gettext_lazy as _

from common.errors import DomainError, NotFound

__all__ = ["AlreadyAnswered", "ComplaintError", "ComplaintNotFound", "InvalidComplaint"]


class ComplaintError(DomainError):
    """Base of every complaints-book rule a user can break."""


class InvalidComplaint(ComplaintError):
    code = "invalid"
    status = 400
    default_message = _("Please check the data you entered.")


class AlreadyAnswered(ComplaintError):
    code = "already_answered"
    status = 409
    default_message = _("This complaint has already been answered.")


class ComplaintNotFound(NotFound):
    default_message = _("No complaint matches that tracking code and document number.")
