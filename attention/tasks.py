"""Celery tasks of the attention app: thin, take IDs, idempotent, retried on database errors; each imports its service
inside its body (services import this module to enqueue after commit). Beat (settings.CELERY_BEAT_SCHEDULE): the
remote tickets' scan every 30 seconds."""

from celery import shared_task
from django.db import DatabaseError

RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "retry_jitter": True, "max_retries": 5}


@shared_task(**RETRY)
def remote_tickets_scan() -> dict[str, int]:
    """Send the "your turn is near" messages that are due and clear remote contact data no longer needed."""
    from attention.services.remote import remote_tickets_scan as scan

    return scan()


@shared_task(**RETRY)
def remote_message_send(message_id: int) -> bool:
    """Send one planned ticket message if it is still due and nobody holds it (enqueued after the join commits)."""
    from attention.services.remote import remote_message_send as send

    return send(message_id=message_id)


@shared_task(**RETRY)
def virtual_attention_record(appointment_id: int, action: str) -> int | None:
    """Record a booking or cancellation as the virtual channel's Attention (once); returns its id. Nothing enqueues it
    now (appointments' outbox scan announces the change and attention.handlers records it); kept for the messages of
    an earlier release during a rolling deploy."""
    from attention.services import attention_record_virtual

    attention = attention_record_virtual(appointment_id=appointment_id, action=action)
    return attention.pk if attention else None
