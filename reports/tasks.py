"""Celery tasks of the reports: the periodic refresh of the daily summary (idempotent, retried)."""

from celery import shared_task
from django.db import DatabaseError

RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "retry_jitter": True, "max_retries": 5}


@shared_task(**RETRY)
def daily_counts_refresh_recent() -> int:
    """Recompute yesterday's and today's summary rows (beat: every REPORTS_SUMMARY_REFRESH_SECONDS)."""
    from reports.services import daily_counts_refresh_recent as refresh

    return refresh()
