"""Signals of the centers app, for the apps above it (centers imports nothing of theirs).

`center_page(center)` is sent while a center's public page renders; receivers may return an HTML snippet: a list
item (`<li>…</li>`) shown among the page's actions (attention offers "join the line from your phone" where the center's
queues take remote tickets). Collected with `common.hooks.page_snippets`; the page is cached for a minute at most.
"""

from django.dispatch import Signal

center_page = Signal()  # kwargs: center; receivers return an HTML snippet or ""
