"""The content of survey invitations: an e-mail (text + HTML) and an SMS text, in Spanish, with the survey link and
the opt-out link."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Invitation
from .tokens import invitation_token


def invitation_links(*, invitation: Invitation) -> dict[str, str]:
    token = invitation_token(invitation_id=invitation.pk, nonce=invitation.nonce)
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return {
        "survey_url": base + reverse("surveys:respond", kwargs={"token": token}),
        "opt_out_url": base + reverse("surveys:opt_out", kwargs={"token": token}),
    }


def invitation_email_build(*, invitation: Invitation, to: str) -> EmailMultiAlternatives:
    """The invitation e-mail; its Message-ID is the invitation's key, so a resend after a crash is recognisable."""
    with translation.override(settings.LANGUAGE_CODE):
        attention = invitation.attention
        context = {
            "procedure": attention.procedure,
            "center": attention.center,
            "expires_at": invitation.expires_at,
            **invitation_links(invitation=invitation),
        }
        message = EmailMultiAlternatives(
            subject=_("How did we do? A two-minute survey about your %(procedure)s")
            % {"procedure": attention.procedure.name},
            body=render_to_string("surveys/email/invitation.txt", context),
            to=[to],
            headers={
                "Message-ID": f"<{invitation.message_key}@{settings.APPOINTMENTS_ICS_UID_DOMAIN}>",
                "List-Unsubscribe": f"<{context['opt_out_url']}>",
            },
        )
        message.attach_alternative(render_to_string("surveys/email/invitation.html", context), "text/html")
    return message


def invitation_sms_text(*, invitation: Invitation) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        links = invitation_links(invitation=invitation)
        return _("MAC: how did we do? Answer our 2-minute survey: %(url)s") % {"url": links["survey_url"]}
