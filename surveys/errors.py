"""Refusals of the satisfaction surveys (common.errors.DomainError: one code, status and Spanish message each)."""

from django.utils.translation import gettext_lazy as _

from common.errors import DomainError, InvalidInput

__all__ = ["AlreadyAnswered", "InvalidAnswers", "InvitationExpired", "SurveyFrozen", "UnknownInvitation"]


class UnknownInvitation(DomainError):
    code = "survey_not_found"
    status = 404
    default_message = _("This survey link is not valid. Please check that you copied it whole.")


class InvitationExpired(DomainError):
    code = "survey_expired"
    status = 410
    default_message = _("This survey has closed. Thank you all the same.")


class AlreadyAnswered(DomainError):
    code = "survey_answered"
    status = 409
    default_message = _("You have already answered this survey. Thank you, your opinion is recorded.")


class InvalidAnswers(InvalidInput):
    code = "invalid"
    default_message = _("Please answer every question with a number from 1 to 7.")


class SurveyFrozen(DomainError):
    code = "survey_frozen"
    status = 409
    default_message = _("This survey version already has answers, so it cannot change. Create a new version.")
