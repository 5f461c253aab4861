"""The kiosk's walk-in tickets, idempotent per rendered page: each page carries a fresh request key; however many
times its form is posted (a double tap, a browser or network retry, two taps on two buttons of the page), one ticket
is issued and every post answers with it.

The key is kept in the database (KioskRequest, unique per device and key), the source of truth: the first post
inserts the row (INSERT … ON CONFLICT DO NOTHING) and holds it locked while it issues the ticket; a concurrent post
with the same key waits on that row and then finds the ticket. A refused issue (e.g. the procedure is no longer
offered) rolls the row back with it, so the same page may try again.
"""

import secrets

from django.db import transaction

from procedures.models import Procedure

from ..constants import PriorityNeed
from ..models import DeviceToken, KioskRequest, Ticket
from .tickets import ticket_issue

__all__ = ["kiosk_request_key", "kiosk_ticket_issue"]


def kiosk_request_key() -> str:
    """A fresh key for one rendered kiosk page (22 URL-safe characters)."""
    return secrets.token_urlsafe(16)


@transaction.atomic
def kiosk_ticket_issue(
    *, device: DeviceToken, key: str, procedure: Procedure, preferential_reason: str = PriorityNeed.NONE
) -> tuple[Ticket, bool]:
    """(ticket, issued): the ticket of this page's key, issued now (True) or by an earlier post of it (False)."""
    KioskRequest.objects.bulk_create([KioskRequest(device=device, key=key)], ignore_conflicts=True)
    request = KioskRequest.objects.select_for_update(of=("self",)).select_related("ticket").get(device=device, key=key)
    if request.ticket is not None:
        return request.ticket, False
    ticket = ticket_issue(center=device.center, procedure=procedure, preferential_reason=preferential_reason)
    request.ticket = ticket
    request.save(update_fields=["ticket"])
    return ticket, True
