"""Where reports read: settings.REPORTS_DATABASE (`replica` when DATABASE_REPLICA_URL configures one)."""

from django.conf import settings


def reports_db() -> str:
    return settings.REPORTS_DATABASE
