"""Outbound messages kept as database rows (appointment notifications, survey invitations): the claim and the failure
rules, written once.

A row has `due_at`, `claimed_at`, `claim_token`, `attempts`, `sending_at`, `sent_at`, `skipped_at` and `last_error`.
`outbox_claim` takes due rows for one caller (SELECT … FOR UPDATE SKIP LOCKED among rows neither sent nor skipped,
unclaimed or whose claim lease expired; committed on its own before anything is sent). `outbox_failed` records a
provider's refusal: retried with exponential backoff (2, 4, 8… minutes, at most an hour), given up after
`max_attempts`; the error keeps its class and a masked text, never a recipient (Ley 29733).
"""

import datetime as dt
import logging
import uuid
from collections.abc import Sequence

from django.db import models, transaction
from django.db.models import F, Q

from .logging import mask

__all__ = ["outbox_claim", "outbox_failed"]


def outbox_claim(
    *,
    model: type[models.Model],
    lease: dt.timedelta,
    now: dt.datetime,
    limit: int = 100,
    ids: Sequence[int] | None = None,
) -> tuple[uuid.UUID, list[int]]:
    """Claim up to `limit` due rows of `model` (or those of `ids` that are due) for this caller; (token, ids)."""
    token = uuid.uuid4()
    manager = model._default_manager
    with transaction.atomic(durable=True):  # the claim commits on its own, before any send
        candidates = (
            manager.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, skipped_at__isnull=True, due_at__lte=now)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease))
        )
        if ids is not None:
            candidates = candidates.filter(pk__in=list(ids))
        claimed = list(candidates.order_by("due_at", "pk").values_list("pk", flat=True)[:limit])
        if claimed:
            manager.filter(pk__in=claimed).update(claimed_at=now, claim_token=token, attempts=F("attempts") + 1)
    return token, claimed


def outbox_failed(
    *,
    mine: models.QuerySet,
    attempts: int,
    max_attempts: int,
    exc: Exception,
    now: dt.datetime,
    logger: logging.Logger,
    label: str,
) -> None:
    """Record that the provider refused the claimed row `mine` (attempt number `attempts`): retry later, or give up."""
    error = f"{type(exc).__name__}: {mask(str(exc))}"[:500]
    logger.warning("%s failed (attempt %s): %s", label, attempts, error)
    if attempts >= max_attempts:
        mine.update(skipped_at=now, last_error=error)
    else:
        backoff = dt.timedelta(minutes=min(2**attempts, 60))
        # A refused message did not go out: the next attempt is not a possible duplicate.
        mine.update(claimed_at=None, claim_token=None, sending_at=None, due_at=now + backoff, last_error=error)
