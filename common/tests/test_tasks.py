"""common.tasks.run_tasks: the tasks an earlier release published in one message after a commit; each still runs, and
one that fails gets a message of its own."""

import base64
import json

import pytest
from celery import shared_task

from common.tasks import run_tasks

RAN: list = []


@shared_task(name="common.tests.record")
def record(value) -> None:
    RAN.append(value)


@shared_task(name="common.tests.refuse")
def refuse(value) -> None:
    raise RuntimeError(f"refused {value}")


def queued(client, queue, count: int) -> list[tuple[str, list]]:
    """The newest `count` messages of the queue, oldest first: (task name, its positional arguments)."""
    messages = [json.loads(raw) for raw in client.lrange(queue, 0, count - 1)][::-1]
    return [(m["headers"]["task"], json.loads(base64.b64decode(m["body"]))[0]) for m in messages]


@pytest.fixture(autouse=True)
def _nothing_ran():
    RAN.clear()


def test_the_worker_runs_each_and_sends_a_failed_one_on_its_own(redis_broker):
    client, queue, before = redis_broker

    done = run_tasks(
        [["common.tests.record", [7], {}], ["common.tests.refuse", [8], {}], ["common.tests.record", [9], {}]]
    )

    assert done == 2 and RAN == [7, 9]
    assert queued(client, queue, client.llen(queue) - before) == [("common.tests.refuse", [8])]  # its own retries


def test_a_task_this_worker_does_not_know_is_sent_on_by_name(redis_broker):
    """A rolling deploy: a newer release's task reaches an older worker inside a combined message."""
    client, queue, before = redis_broker

    done = run_tasks([["common.tests.newer_release", [10], {}], ["common.tests.record", [11], {}]])

    assert done == 1 and RAN == [11]
    assert queued(client, queue, client.llen(queue) - before) == [("common.tests.newer_release", [10])]
