"""Celery tasks: thin, take IDs, safe to run twice; the beat schedule names them."""

import datetime as dt
import json
import socket
import threading
import time

import pytest
from celery.utils.saferepr import saferepr
from django.conf import settings
from kombu.entity import Queue
from kombu.exceptions import OperationalError

from appointments import tasks
from appointments.constants import AppointmentStatus
from appointments.models import Slot
from appointments.tests.factories import ScheduleFactory, appointment_create
from appointments.tests.utils import SLOT_START
from common import celery as project_celery

pytestmark = pytest.mark.django_db


def test_the_beat_schedule_runs_the_three_scans():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "appointments.tasks.outbox_scan",  # messages due and changes to announce
        "appointments.tasks.appointments_mark_no_shows",
        "appointments.tasks.slots_extend",
    } <= scheduled
    for name in scheduled:
        if name.startswith("appointments."):  # other apps' tasks: tests/test_setup_contract.py
            assert name.rsplit(".", 1)[1] in dir(tasks)


def test_tasks_are_idempotent_and_tolerate_missing_rows(frozen, procedure):
    schedule = ScheduleFactory(procedures=[procedure], rules=[(1, "08:30", "09:30")])
    assert tasks.slots_extend.delay().get() == 8  # 4 Tuesdays × 2 slots
    assert tasks.slots_extend.delay().get() == 0
    assert tasks.schedule_slots_regenerate.delay(schedule.pk).get() == 0
    assert tasks.schedule_slots_regenerate.delay(999_999).get() == 0
    assert tasks.center_slots_regenerate.delay(999_999).get() == 0
    assert tasks.notification_send.delay(999_999).get() is False
    assert tasks.notifications_send_due.delay().get() == 0

    slot = Slot.objects.get(schedule=schedule, starts_at=SLOT_START)
    appointment = appointment_create(slot=slot, n=1)
    frozen.move_to(SLOT_START + dt.timedelta(hours=2))
    assert tasks.appointments_mark_no_shows.delay().get() == 1
    assert tasks.appointments_mark_no_shows.delay().get() == 0
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW


@pytest.fixture
def silent_broker():
    """The broker at an address that accepts connections and never answers: a frozen or half-dead Redis."""
    app = tasks.notification_send.app
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        saved = {name: app.conf[name] for name in ("broker_url", "task_always_eager")}
        app.conf.update(broker_url=f"redis://127.0.0.1:{server.getsockname()[1]}/0", task_always_eager=False)
        try:
            yield
        finally:
            app.conf.update(saved)


def test_a_publish_to_a_broker_that_never_answers_fails_within_seconds(silent_broker):
    """A booking request publishes its after-commit tasks itself: it must not hang (settings.TASK_PUBLISH_*)."""
    outcome: list[BaseException | None] = []

    def publish() -> None:
        try:
            tasks.notification_send.delay(1)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            outcome.append(exc)

    started = time.monotonic()
    thread = threading.Thread(target=publish, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the publish was still waiting for the broker after 30 s"
    assert isinstance(outcome[0], OperationalError)
    assert time.monotonic() - started < 15  # 2 s socket timeouts, one retry


def test_publishes_reuse_one_redis_client_per_channel(redis_broker, monkeypatch):
    client, queue, before = redis_broker
    monkeypatch.setattr(project_celery, "_pools", {})  # a new pool, whose channel has made no client yet
    made = []  # clients for commands (kombu's channel also keeps one `asynchronous` client, once)
    create = project_celery._PublishChannel._create_client
    monkeypatch.setattr(
        project_celery._PublishChannel,
        "_create_client",
        lambda self, asynchronous=False: made.append(asynchronous) or create(self, asynchronous=asynchronous),
    )
    for pk in (1, 2, 3):
        tasks.notification_send.delay(pk)
    assert client.llen(queue) - before == 3
    assert made.count(False) == 1


def test_a_connection_declares_its_queue_once_and_again_after_a_reconnection(redis_broker, monkeypatch):
    client, queue, before = redis_broker
    monkeypatch.setattr(project_celery, "_pools", {})  # a new pool: its connection has declared nothing yet
    binds = []  # kombu binds (copies) a queue to the channel to declare it
    bind = Queue.bind
    monkeypatch.setattr(Queue, "bind", lambda self, channel: binds.append(self.name) or bind(self, channel))

    tasks.notification_send.delay(1)
    assert binds == [queue]
    assert client.smembers(f"_kombu.binding.{queue}")  # declared: the exchange routes to the queue
    tasks.notification_send.delay(2)
    tasks.notification_send.delay(3)
    assert binds == [queue]  # declared already on this connection: no copy, no declaration

    with project_celery._publish_pool(tasks.notification_send.app).acquire() as connection:
        connection.declared_entities.clear()  # what kombu does on every reconnection
    tasks.notification_send.delay(4)
    assert binds == [queue, queue]
    assert client.llen(queue) - before == 4


def test_a_published_message_names_its_arguments_as_celery_would(redis_broker):
    client, queue, _before = redis_broker
    tasks.notification_send.delay(42)
    message = json.loads(client.lindex(queue, 0))  # the newest, at the head
    headers = message["headers"]
    assert headers["task"] == tasks.notification_send.name
    assert (headers["argsrepr"], headers["kwargsrepr"]) == (saferepr((42,)), saferepr({})) == ("(42,)", "{}")
