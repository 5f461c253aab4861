"""Writes of the satisfaction surveys, by subject: definitions (versions), invitations (create, send, opt out),
responses (answer once)."""

from .definitions import survey_check_editable, survey_defaults_create, survey_is_frozen, survey_new_version
from .invitations import (
    invitation_create,
    invitation_deliver,
    invitation_onsite,
    invitation_opt_out,
    invitations_claim,
    invitations_forget_contacts,
    invitations_send_due,
)
from .responses import invitation_check, response_submit

__all__ = [
    "invitation_check",
    "invitation_create",
    "invitation_deliver",
    "invitation_onsite",
    "invitation_opt_out",
    "invitations_claim",
    "invitations_forget_contacts",
    "invitations_send_due",
    "response_submit",
    "survey_check_editable",
    "survey_defaults_create",
    "survey_is_frozen",
    "survey_new_version",
]
