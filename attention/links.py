"""The ticket's public link (printed as a QR): a signed id, so tickets cannot be enumerated."""

from django.core import signing
from django.urls import reverse

from .models import Ticket

SALT = "attention.ticket"


def ticket_token(ticket: Ticket) -> str:
    return signing.dumps(ticket.pk, salt=SALT)


def ticket_token_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=SALT, max_age=60 * 60 * 24))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def ticket_status_path(ticket: Ticket) -> str:
    return reverse("attention:ticket_status", kwargs={"token": ticket_token(ticket)})


def ticket_print_path(ticket: Ticket) -> str:
    return reverse("attention:ticket_print", kwargs={"token": ticket_token(ticket)})
