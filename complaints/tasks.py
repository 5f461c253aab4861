"""Celery tasks of the complaints book: thin, take IDs, idempotent, retried on database errors.

Each task imports its service inside its body (the services import this module to enqueue after commit).
Beat (settings.CELERY_BEAT_SCHEDULE): complaint messages with the appointments' scan period.
"""

from celery import shared_task
from django.db import DatabaseError

RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "retry_jitter": True, "max_retries": 5}


@shared_task(**RETRY)
def complaint_message_send(message_id: int) -> bool:
    """Send one planned message if it is still due and nobody holds it (enqueued after the filing or answer)."""
    from complaints.services import messages

    return messages.message_send(message_id=message_id)


@shared_task(**RETRY)
def complaint_messages_send_due() -> int:
    """Claim and send every due complaint message: what a lost task or a crashed worker left."""
    from complaints.services import messages

    return messages.messages_send_due()
