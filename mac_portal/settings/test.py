"""Test profile: PostgreSQL and Redis from DATABASE_URL / REDIS_URL (set by scripts/test)."""

from .base import *  # noqa: F403
from .base import env

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/mac_portal")}
# A second database on the same server stands in for the reports' read replica: test_<name>_replica, created only
# for the tests that ask for it (they point REPORTS_DATABASE at it). Reports read the primary otherwise; outside
# tests (makemigrations --check) the alias names the primary itself, which exists.
DATABASES["replica"] = {
    **DATABASES["default"],
    "TEST": {"NAME": f"test_{DATABASES['default']['NAME']}_replica"},
}
# The demo portal's database (./scripts/run: SQLite), in memory, also created only for the tests that ask for it: the
# reports must refuse it plainly, before any SQL reaches it (reports/tests/test_other_databases.py). It gets no
# tables, so that nothing else (the system checks, say) has reason to open it.
DATABASES["sqlite"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}


class _SqliteUnmigrated:
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == "sqlite" else None


DATABASE_ROUTERS = [*DATABASE_ROUTERS, _SqliteUnmigrated()]  # noqa: F405
REPORTS_DATABASE = "default"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CELERY_TASK_ALWAYS_EAGER = True
# The adaptive booking challenge stays out of the way of tests that book many times from one client; the tests of
# the challenge lower these thresholds themselves.
CHALLENGE_NETWORK_THRESHOLD = 100_000
CHALLENGE_GLOBAL_THRESHOLD = 100_000
