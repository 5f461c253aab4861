"""Hooks on lower apps (which never import surveys):

- `attention.signals.attention_finished` -> the `invitation_create` task (any channel: in person, phone, virtual);
- `appointments.signals.confirmation_page` -> the booking confirmation asks for the virtual channel's survey
  (recording the booking's virtual attention now if its task has not run yet: the service is idempotent);
- `attention.signals.ticket_page` -> a finished ticket's page (the printed QR's) links its survey.
"""

import logging

from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse

from appointments.models import Appointment
from appointments.signals import BOOK, confirmation_page
from attention.models import Attention, Ticket
from attention.services import attention_record_virtual
from attention.signals import attention_finished, ticket_page

from .services import invitation_onsite
from .tasks import invitation_create
from .tokens import invitation_token

logger = logging.getLogger(__name__)


@receiver(attention_finished, dispatch_uid="surveys_attention_finished")
def attention_finished_invite(sender, attention_id: int, appointment_id: int | None = None, **kwargs) -> None:
    if appointment_id is None:  # no appointment, no contact to invite (services.invitation_create's first rule)
        return
    invitation_create.delay_on_commit(attention_id)


def _snippet(attention: Attention | None, *, template: str) -> str:
    invitation = invitation_onsite(attention=attention) if attention is not None else None
    if invitation is None or invitation.responded_at is not None:
        return ""
    token = invitation_token(invitation_id=invitation.pk, nonce=invitation.nonce)
    return render_to_string(template, {"survey_url": reverse("surveys:respond", kwargs={"token": token})})


@receiver(confirmation_page, dispatch_uid="surveys_confirmation_page")
def confirmation_page_survey(sender, appointment: Appointment, **kwargs) -> str:
    attention = attention_record_virtual(appointment_id=appointment.pk, action=BOOK)
    return _snippet(attention, template="surveys/includes/ask_virtual.html")


@receiver(ticket_page, dispatch_uid="surveys_ticket_page")
def ticket_page_survey(sender, ticket: Ticket, **kwargs) -> str:
    attention = ticket.attentions.filter(finished_at__isnull=False).order_by("-finished_at").first()
    return _snippet(attention, template="surveys/includes/ask_ticket.html")
