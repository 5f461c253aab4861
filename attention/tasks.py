"""Celery tasks of the attention app: thin, take IDs, idempotent, retried on database errors (each imports its
service inside its body)."""

from celery import shared_task
from django.db import DatabaseError

RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "retry_jitter": True, "max_retries": 5}


@shared_task(**RETRY)
def virtual_attention_record(appointment_id: int, action: str) -> int | None:
    """Record a booking or cancellation as the virtual channel's Attention (once); returns its id."""
    from attention.services import attention_record_virtual

    attention = attention_record_virtual(appointment_id=appointment_id, action=action)
    return attention.pk if attention else None
