"""Where reports read: the `replica` database when DATABASE_REPLICA_URL configures one, else the primary."""

from django.conf import settings

REPLICA = "replica"


def reports_db() -> str:
    return REPLICA if REPLICA in settings.DATABASES else "default"
