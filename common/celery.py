"""The project's Celery task class (set as the app's `task_cls` in mac_portal/celery.py)."""

import functools

from celery.contrib.django.task import DjangoTask
from django.db import transaction


class Task(DjangoTask):
    """DjangoTask whose `delay_on_commit` never breaks the request that committed: a broker that is down after
    the commit is logged by Django (robust on_commit) and the work is picked up later from database rows by the
    periodic tasks (e.g. notifications_send_due)."""

    def delay_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(functools.partial(self.delay, *args, **kwargs), robust=True)
