"""Where reports read: settings.REPORTS_DATABASE (`replica` when DATABASE_REPLICA_URL configures one)."""

from django.conf import settings
from django.db import connections

from .errors import ReportsUnavailable


def reports_db() -> str:
    """The alias the reports read. Their SQL is PostgreSQL's (FILTER, date_trunc, ANY, time zones, SET LOCAL…): on
    another database (`./scripts/run`'s SQLite) ReportsUnavailable, said plainly, instead of a database error."""
    alias = settings.REPORTS_DATABASE
    if connections[alias].vendor != "postgresql":
        raise ReportsUnavailable()
    return alias
