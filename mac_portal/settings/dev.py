"""Local development: the embedded defaults (SQLite, eager Celery) with debugging on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)

# Eager Celery logs every task it runs in-process; in development that is noise on the console.
LOGGING = {**LOGGING, "loggers": {"celery.app.trace": {"level": "WARNING"}}}  # noqa: F405
