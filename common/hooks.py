"""Page hooks: a lower app's page shows what a higher app adds to it, without importing it.

A page sends its app's hook signal (e.g. `appointments.signals.confirmation_page`) with the object it shows; each
receiver returns an HTML snippet (a SafeString from a template) or "" / None. `page_snippets` collects them; a
receiver that fails is logged and left out: a hook never breaks the page that sends it.
"""

import logging

from django.dispatch import Signal
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)


def page_snippets(signal: Signal, *, sender: object, **kwargs: object) -> list[SafeString]:
    snippets: list[SafeString] = []
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            logger.error("Page hook %r failed", receiver, exc_info=result)
        elif result:
            snippets.append(mark_safe(result))  # noqa: S308 - receivers return rendered templates
    return snippets
