"""common.celery.one_message and common.tasks.run_tasks: the tasks a transaction publishes after commit, in one
message; each still runs, and one that fails gets a message of its own."""

import base64
import json

import pytest
from celery import shared_task
from django.db import transaction

from common.celery import one_message
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


def test_the_tasks_a_commit_publishes_inside_one_message_leave_in_one(
    redis_broker, db, django_capture_on_commit_callbacks
):
    client, queue, before = redis_broker
    with one_message():
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            transaction.on_commit(lambda: record.delay(1))
            transaction.on_commit(lambda: record.delay(2))
        assert client.llen(queue) == before  # held until the block ends

    assert client.llen(queue) - before == 1
    assert queued(client, queue, 1) == [
        ("common.tasks.run_tasks", [[["common.tests.record", [1], {}], ["common.tests.record", [2], {}]]])
    ]


def test_one_task_alone_leaves_as_itself_and_an_empty_block_sends_nothing(redis_broker):
    client, queue, before = redis_broker
    with one_message():
        pass
    assert client.llen(queue) == before

    with one_message(), one_message():  # a block inside another joins it
        record.delay(3)

    assert queued(client, queue, client.llen(queue) - before) == [("common.tests.record", [3])]


def test_a_block_that_ends_with_an_error_still_sends_what_it_held(redis_broker):
    client, queue, before = redis_broker
    with pytest.raises(ValueError), one_message():
        record.delay(4)
        raise ValueError("after the commit")

    assert queued(client, queue, client.llen(queue) - before) == [("common.tests.record", [4])]


def test_a_broker_that_fails_is_logged_not_raised(redis_broker, settings, caplog):
    from celery import current_app

    current_app.conf.update(broker_url="redis://127.0.0.1:1/0")  # nothing listens there (restored by the fixture)
    with one_message():
        record.delay(5)
        record.delay(6)

    assert "Publishing 2 task(s) after commit failed" in caplog.text


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
