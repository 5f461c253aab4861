"""common.nudges: scans asked for after commits, published by one thread of the process, a few times a second at most
(no timing here: a publish that blocks until the test lets it go shows what waits and what coalesces)."""

import json
import logging
import threading

import pytest
from celery import shared_task
from django.db import transaction

from common.nudges import Nudger, nudge_on_commit, nudges_flush

RAN: list[str] = []


@shared_task(name="common.tests.scan")
def scan() -> None:
    RAN.append("scan")


class GatedPublish:
    """A publish that records the name and, while the gate is closed, waits for the test to open it."""

    def __init__(self) -> None:
        self.published: list[str] = []
        self.entered = threading.Event()
        self.gate = threading.Event()

    def __call__(self, name: str) -> None:
        self.published.append(name)
        self.entered.set()
        assert self.gate.wait(timeout=10)
        if name == "refused":
            raise ConnectionError("broker down")


def test_what_is_noted_while_a_round_publishes_leaves_once_in_the_next(settings):
    settings.NUDGE_INTERVAL_SECONDS = 0
    publish = GatedPublish()
    nudger = Nudger(publish)

    nudger.note("a")
    assert publish.entered.wait(timeout=10)  # the first round is publishing "a", held at the gate
    for _request in range(50):  # a rush meanwhile
        nudger.note("a")
        nudger.note("b")
    publish.gate.set()

    assert nudger.flush(timeout=10)
    assert publish.published == ["a", "a", "b"]  # fifty requests' notes: one more round, each name once


def test_a_failed_publish_is_logged_and_the_thread_goes_on(settings, caplog):
    settings.NUDGE_INTERVAL_SECONDS = 0
    publish = GatedPublish()
    publish.gate.set()
    nudger = Nudger(publish)

    with caplog.at_level(logging.ERROR, logger="common.nudges"):
        nudger.note("refused")
        assert nudger.flush(timeout=10)
    nudger.note("b")
    assert nudger.flush(timeout=10)

    assert publish.published == ["refused", "b"]
    assert "Publishing the scan refused failed" in caplog.text


def after_one_round(settings, pause: float) -> tuple[Nudger, GatedPublish]:
    """A nudger whose thread has published "a" (its gate open) and then pauses `pause` seconds."""
    settings.NUDGE_INTERVAL_SECONDS = pause
    publish = GatedPublish()
    publish.gate.set()
    nudger = Nudger(publish)
    nudger.note("a")
    assert nudger.flush(timeout=10)
    return nudger, publish


def test_a_flush_ends_the_pause_between_rounds(settings):
    nudger, publish = after_one_round(settings, 3600)

    nudger.note("b")  # noted during the hour's pause
    assert nudger.flush(timeout=10)  # the exit's flush does not wait for it

    assert publish.published == ["a", "b"]


def test_a_forked_child_starts_its_own_thread(settings):
    """os.register_at_fork: a child has none of its parent's threads, so its notes need a thread of its own."""
    nudger, publish = after_one_round(settings, 0)

    nudger._reset()  # what the fork hook runs in the child
    nudger.note("b")
    assert nudger.flush(timeout=10)
    assert publish.published == ["a", "b"]


@pytest.mark.django_db
def test_in_eager_mode_the_scan_runs_at_commit_and_not_on_rollback(django_capture_on_commit_callbacks):
    RAN.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            nudge_on_commit(scan)
            assert RAN == []
        with pytest.raises(ValueError), transaction.atomic():
            nudge_on_commit(scan)
            raise ValueError("rolled back")
    assert RAN == ["scan"]


@pytest.mark.django_db
def test_not_eager_the_process_publishes_the_scan_by_name(redis_broker, django_capture_on_commit_callbacks):
    client, queue, before = redis_broker
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        nudge_on_commit(scan)
    assert nudges_flush(timeout=10)

    assert client.llen(queue) - before == 1
    assert json.loads(client.lindex(queue, 0))["headers"]["task"] == "common.tests.scan"
