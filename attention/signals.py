"""Signals of the in-person channel, for the apps above it (attention imports nothing of theirs).

`attention_finished` is sent once per finished Attention (any outcome), after the transaction commits, with
`attention_id` (int) and `appointment_id` (the appointment it served, or None). Receivers must be quick and never fail
the sender: enqueue a Celery task with the id, and only when there is work for it (surveys subscribes to invite the
citizen to a satisfaction survey, which needs the contact an appointment holds: a walk-in's finish costs it nothing).

`ticket_page` is sent while a ticket's public status page (the printed QR's) renders, with `ticket`: receivers may
return an HTML snippet shown on it (surveys links the survey once the ticket's attention has finished).
"""

from django.dispatch import Signal

attention_finished = Signal()  # kwargs: attention_id, appointment_id
ticket_page = Signal()  # kwargs: ticket; receivers return an HTML snippet or "" (common.hooks.page_snippets)
