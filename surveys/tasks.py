"""Celery tasks of the satisfaction surveys: thin, take IDs, idempotent (safe to run twice), retried on database
errors; each imports its service inside its body. Beat (settings.CELERY_BEAT_SCHEDULE): due invitations every
SURVEYS_INVITATION_SCAN_SECONDS; old contact hashes forgotten daily."""

from celery import shared_task
from django.db import DatabaseError

RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "retry_jitter": True, "max_retries": 5}


@shared_task(**RETRY)
def invitation_create(attention_id: int) -> int | None:
    """After an attention finished: its invitation when the rules allow one; returns its id."""
    from surveys.services import invitation_create as create

    invitation = create(attention_id=attention_id)
    return invitation.pk if invitation else None


@shared_task(**RETRY)
def invitations_send_due() -> int:
    """Claim and send every due invitation (and what a crashed worker left); returns how many went out."""
    from surveys.services import invitations_send_due as send_due

    return send_due()


@shared_task(**RETRY)
def invitations_forget_contacts() -> int:
    """Daily: clear contact hashes the one-per-N-days rule no longer needs; returns how many were cleared."""
    from surveys.services import invitations_forget_contacts as forget

    return forget()
