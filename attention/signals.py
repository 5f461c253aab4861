"""Signals of the in-person channel, for the apps above it (attention imports nothing of theirs).

`attention_finished` is sent once per finished Attention (any outcome), after the transaction commits, with
`attention_id` (int). Receivers must be quick and never fail the sender: enqueue a Celery task with the id
(surveys subscribes to invite the citizen to a satisfaction survey).
"""

from django.dispatch import Signal

attention_finished = Signal()  # kwargs: attention_id
