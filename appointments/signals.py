"""Signals of the booking engine, for the apps above it (appointments imports nothing of theirs).

- `appointment_changed(appointment_id: int, action: str)`: sent after the transaction commits when a citizen or staff
  books ("book") or cancels ("cancel") an appointment: the virtual channel's service acts (attention records them).
  Receivers must be quick and never fail the sender: enqueue a Celery task with the id.
- `confirmation_page(appointment)`: sent while the booking confirmation page renders; receivers may return an HTML
  snippet shown on it (surveys asks for the virtual channel's survey). Collected with `common.hooks.page_snippets`.
"""

import functools

from django.db import transaction
from django.dispatch import Signal

appointment_changed = Signal()  # kwargs: appointment_id, action ("book" | "cancel")
confirmation_page = Signal()  # kwargs: appointment; receivers return an HTML snippet or ""

BOOK = "book"
CANCEL = "cancel"


def appointment_changed_on_commit(*, appointment_id: int, action: str) -> None:
    """Send `appointment_changed` once the current transaction commits (a failing receiver is logged, never raised)."""
    transaction.on_commit(
        functools.partial(appointment_changed.send, sender=None, appointment_id=appointment_id, action=action),
        robust=True,
    )
