"""Back-office of the in-person channel: staff screens (greeter, counter, supervision) as custom admin views,
and read-only records (tickets, attentions, sessions), queues and devices — all scoped to the user's centers."""

from . import records, screens  # noqa: F401 - registers the model admins
