"""Scans asked for after a commit, without a broker publish per request.

What a booking or a cancellation leaves for the workers is database rows: the messages to send (an outbox, see
common.outbox) and the change to announce to the apps above (appointments.services.changes). Periodic scans (beat)
handle whatever is due; `nudge_on_commit(task)` asks for one of those scans to run soon. The request only notes
the scan's name, in microseconds; a thread of the process publishes each noted scan, at most once every
settings.NUDGE_INTERVAL_SECONDS (0.2 s), and the scan handles every row due by then. A rush of two hundred bookings a
second costs each process a few publishes a second instead of two hundred: a publish is about a tenth of a booking
request's CPU (benchmarks/README.md).

Faults: a publish that fails (Redis down) is logged and the beat's period bounds the delay, since the rows wait in the
database; so does a process that stops before its thread publishes (at exit, and when a gunicorn worker exits, it is
given a moment to flush). Eager mode (development, tests) runs the scan at once, as a task published after commit
would run.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

__all__ = ["Nudger", "nudge", "nudge_on_commit", "nudges_flush"]

logger = logging.getLogger(__name__)


def _publish(task_name: str) -> None:
    from celery import current_app

    current_app.tasks[task_name].apply_async()


class Nudger:
    """Task names noted by any thread, published by one thread of the process (started on the first note, and again
    in a forked child, which has no thread of its parent's)."""

    def __init__(self, publish: Callable[[str], None] = _publish) -> None:
        self._publish = publish
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._condition = threading.Condition()
        self._wanted: dict[str, None] = {}  # the names noted since the last round, in order
        self._noted = 0  # notes so far
        self._served = 0  # notes whose round of publishes is over
        self._hurry = False  # a flush waits: no pause before the next round
        self._idle = False  # the thread waits for names (a note wakes it; during a pause, notes only add a name)
        self._thread: threading.Thread | None = None

    def note(self, task_name: str) -> None:
        with self._condition:
            self._wanted[task_name] = None
            self._noted += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="nudges", daemon=True)
                self._thread.start()
            elif self._idle:
                self._condition.notify_all()

    def flush(self, timeout: float) -> bool:
        """Wait until every name noted so far has been published (or its publish failed); False on timeout."""
        with self._condition:
            noted = self._noted
            if self._served < noted:
                self._hurry = True
                self._condition.notify_all()
            return self._condition.wait_for(lambda: self._served >= noted, timeout=timeout)

    def _run(self) -> None:
        condition = self._condition
        while True:
            with condition:
                self._idle = True
                condition.wait_for(lambda: self._wanted)
                self._idle = False
                names, noted = list(self._wanted), self._noted
                self._wanted.clear()
            for name in names:
                try:
                    self._publish(name)
                except Exception:  # noqa: BLE001 - the rows wait in the database for the beat's scan
                    logger.exception("Publishing the scan %s failed; the periodic scan will handle its rows", name)
            with condition:
                self._served = noted
                self._hurry = self._hurry and self._served < self._noted
                condition.notify_all()
                # What is noted meanwhile waits for the next round (notes do not cut the pause short, a flush does): a
                # rush makes a few publishes, not one per request.
                pause = float(getattr(settings, "NUDGE_INTERVAL_SECONDS", 0.2))
                condition.wait_for(lambda: self._hurry, timeout=pause)


_nudger = Nudger()


# The task objects behind shared_task's proxies: a proxy looks its task up again on every attribute read (≈ 10 µs,
# 2 % of a page booking's CPU, sampled with py-spy). The proxy is kept with its task, so its id is never reused.
_resolved: dict[int, tuple[Any, Any]] = {}


def _task(task):
    found = _resolved.get(id(task))
    if found is None:
        found = _resolved[id(task)] = (task, getattr(task, "_get_current_object", lambda: task)())
    return found[1]


def nudge(task) -> None:
    """Ask for the scan `task` (a Celery task without arguments) to run soon: at once in eager mode, else published by
    this process's thread with whatever else was asked for meanwhile."""
    task = _task(task)
    if task.app.conf.task_always_eager:
        task.delay()
        return
    _nudger.note(task.name)


def nudge_on_commit(task) -> None:
    """nudge(task) once the current transaction commits (a failure is logged, never raised: the beat scans)."""
    transaction.on_commit(functools.partial(nudge, task), robust=True)


def nudges_flush(timeout: float = 2.0) -> bool:
    """Publish what this process has noted before it stops (gunicorn's worker_exit, interpreter exit)."""
    return _nudger.flush(timeout)


atexit.register(nudges_flush)
