"""Celery tasks of the in-person channel: thin, idempotent, retried on database errors; each imports its service
inside its body. Beat (settings.CELERY_BEAT_SCHEDULE): the remote tickets' scan every 30 seconds."""

from celery import shared_task
from django.db import DatabaseError

RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "retry_jitter": True, "max_retries": 5}


@shared_task(**RETRY)
def remote_tickets_scan() -> dict[str, int]:
    """Send the "your turn is near" messages that are due and clear remote contact data no longer needed."""
    from attention.services.remote import remote_tickets_scan as scan

    return scan()
