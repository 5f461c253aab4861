"""The project's Celery task class (set as the app's `task_cls` in mac_portal/celery.py)."""

import contextlib
import functools
import os
from typing import Any
from urllib.parse import urlsplit

from celery.app.amqp import AMQP as CeleryAMQP
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import transaction
from kombu import Producer as KombuProducer
from kombu.transport import redis as kombu_redis

# Connections for bounded publishes, one pool per process and broker (a forked process makes its own).
_pools: dict[tuple[int, str], Any] = {}


class _PublishChannel(kombu_redis.Channel):
    """kombu's Redis channel keeping one redis-py client for its commands: kombu builds a new client (and its table of
    response callbacks) for every publish, a quarter of a publish's CPU. A channel serves one thread at a time (the
    pool lends its connection to one publisher) and a redis-py client is safe to share anyway."""

    _commands_client: Any = None

    @contextlib.contextmanager
    def conn_or_acquire(self, client=None):
        if client:
            yield client
            return
        reused = self._commands_client
        if reused is None or reused.connection_pool is not self.pool:  # the pool is made again after a disconnect
            reused = self._commands_client = self._create_client()
        yield reused


class Producer(KombuProducer):
    """kombu's Producer, asking its connection's cache of declared queues first: kombu copies the queue (binding the
    copy to the channel) before it looks there, on every publish — a tenth of a publish's CPU (0.28 → 0.25 ms) for a
    queue this connection declared long ago. What is not in the cache, or a channel without its connection, goes
    kombu's way (declared, or the error and reconnection kombu gives). The cache is the one kombu clears on every
    reconnection."""

    def maybe_declare(self, entity, retry=False, **retry_policy):
        connection = getattr(self.channel, "connection", None)
        # The same test as kombu.common._maybe_declare, made before the copy instead of after it.
        if (
            entity
            and connection is not None
            and entity.can_cache_declaration
            and hash(entity) in connection.client.declared_entities
        ):
            return False
        return super().maybe_declare(entity, retry, **retry_policy)


class AMQP(CeleryAMQP):
    """Celery's AMQP with the Producer above (the app's `amqp` in mac_portal/celery.py)."""

    Producer = Producer


class PublishTransport(kombu_redis.Transport):
    """The Redis transport of the publish pool (requests and tasks publishing); the worker consumes with kombu's."""

    Channel = _PublishChannel


def _publish_pool(app) -> Any:
    url = str(app.conf.broker_write_url or app.conf.broker_url)
    key = (os.getpid(), url)
    if key not in _pools:
        connection = app.connection_for_write(
            transport_options=settings.TASK_PUBLISH_TRANSPORT_OPTIONS,
            transport=PublishTransport if urlsplit(url).scheme == "redis" else None,
        )
        _pools[key] = connection.Pool(limit=app.conf.broker_pool_limit)
    return _pools[key]


class Task(DjangoTask):
    """DjangoTask whose publishes are bounded in time, and whose `delay_on_commit` never breaks the request that
    committed: a broker that is down after the commit is logged by Django (robust on_commit) and the work is picked up
    later from database rows by the periodic tasks (e.g. notifications_send_due)."""

    def delay_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(functools.partial(self.delay, *args, **kwargs), robust=True)

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, **options: Any):
        """Publish on pooled connections whose socket operations time out (settings.TASK_PUBLISH_*), so a Redis
        that accepts connections and never answers makes the caller (a booking request) fail within seconds instead
        of hanging. Beat passes its own producer and the worker consumes on its own connection: both keep Celery's
        defaults (there, a timed-out acknowledgement would leave the worker's only prefetch slot taken)."""
        if producer is not None or "connection" in options or self.app.conf.task_always_eager:
            return super().apply_async(args, kwargs, task_id, producer, **options)
        options.setdefault("retry_policy", settings.TASK_PUBLISH_RETRY_POLICY)
        # The arguments' text that every message carries for logs and monitoring: Celery builds it with saferepr,
        # an eighth of a publish's CPU (0.435 → 0.377 ms per publish, benchmarks/README.md); these tasks take ids and
        # short strings, whose plain repr is the same text. Capped as Celery caps it.
        options.setdefault("argsrepr", repr(tuple(args or ()))[:1024])
        options.setdefault("kwargsrepr", repr(dict(kwargs or {}))[:1024])
        with _publish_pool(self.app).acquire(block=True, timeout=10) as connection:
            return super().apply_async(args, kwargs, task_id, connection=connection, **options)
