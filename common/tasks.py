"""Celery tasks of the ground floor (thin, idempotent)."""

import logging

from celery import current_app, shared_task

logger = logging.getLogger(__name__)


@shared_task
def run_tasks(calls: list) -> int:
    """Run the tasks one message carried, in turn: [[task name, args, kwargs], …]. Earlier releases sent a booking's
    after-commit tasks so; a booking now leaves rows that a nudged scan handles (common.nudges), and this stays for the
    messages of a rolling deploy.

    Each runs here as its own body would. One that raises is sent again as a message of its own, where its retry
    policy applies (every task is idempotent: a part that ran before the failure is safe to run again); the others
    go on. A task this worker does not know (a newer release's, during a rolling deploy) is sent on by name, for a
    worker that knows it. Returns how many ran here without failing."""
    done = 0
    for name, args, kwargs in calls:
        task = current_app.tasks.get(name)
        if task is None:
            logger.warning("Task %s is not registered in this worker; sending it on by name", name)
            current_app.send_task(name, args, kwargs)
            continue
        try:
            task(*args, **kwargs)
        except Exception:  # noqa: BLE001 - any failure: the task gets its own message and its own retries
            logger.warning("Task %s failed inside a combined message; sending it on its own", name, exc_info=True)
            task.apply_async(args, kwargs)
        else:
            done += 1
    return done
