"""Signals of the booking engine, for the apps above it (appointments imports nothing of theirs).

- `appointment_changed(appointment_id: int, action: str)`: a citizen or staff booked ("book") or cancelled ("cancel")
  an appointment: the virtual channel's service acts (attention records them). Sent by the changes' scan in a worker
  (services.changes), inside the scan's transaction, after the change committed; at least once. Receivers do their
  work there and must be idempotent; one that raises leaves the change to be announced again at the next scan.
- `confirmation_page(appointment)`: sent while the booking confirmation page renders; receivers may return an HTML
  snippet shown on it (surveys asks for the virtual channel's survey). Collected with `common.hooks.page_snippets`.
"""

from django.dispatch import Signal

appointment_changed = Signal()  # kwargs: appointment_id, action ("book" | "cancel")
confirmation_page = Signal()  # kwargs: appointment; receivers return an HTML snippet or ""

BOOK = "book"
CANCEL = "cancel"
