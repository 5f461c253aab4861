"""common.celery: publishes from requests and tasks go through a pool of bounded connections whose Redis channel keeps
one client for its commands."""

import pytest
import redis
from django.conf import settings

from appointments import tasks
from common import celery as project_celery


@pytest.fixture
def redis_broker():
    assert settings.REDIS_URL, "the tests run with Redis (scripts/test sets REDIS_URL)"
    app = tasks.notification_send.app
    saved = {name: app.conf[name] for name in ("broker_url", "task_always_eager", "task_default_queue")}
    queue = "test-common-celery-publish"
    app.conf.update(broker_url=settings.REDIS_URL, task_always_eager=False, task_default_queue=queue)
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        yield client, queue
    finally:
        app.conf.update(saved)
        client.delete(queue)
        client.close()


def test_publishes_reuse_one_redis_client_per_channel(redis_broker, monkeypatch):
    client, queue = redis_broker
    made = []  # clients for commands (kombu's channel also keeps one `asynchronous` client, once)
    create = project_celery._PublishChannel._create_client
    monkeypatch.setattr(
        project_celery._PublishChannel,
        "_create_client",
        lambda self, asynchronous=False: made.append(asynchronous) or create(self, asynchronous=asynchronous),
    )
    for pk in (1, 2, 3):
        tasks.notification_send.delay(pk)
    assert client.llen(queue) == 3
    assert made.count(False) == 1
