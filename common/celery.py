"""The project's Celery task class (set as the app's `task_cls` in mac_portal/celery.py)."""

import contextlib
import functools
import logging
import os
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from celery import current_app
from celery.app.amqp import AMQP as CeleryAMQP
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import transaction
from kombu import Producer as KombuProducer
from kombu.transport import redis as kombu_redis

from .tasks import run_tasks

logger = logging.getLogger(__name__)

# Connections for bounded publishes, one pool per process and broker (a forked process makes its own).
_pools: dict[tuple[int, str], Any] = {}
# The publishes held by one_message in this thread: [(task name, args, kwargs)], or None outside one.
_held = threading.local()


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
        held = getattr(_held, "calls", None)
        if held is not None and task_id is None and not options:
            held.append((self.name, list(args or ()), dict(kwargs or {})))
            return None
        options.setdefault("retry_policy", settings.TASK_PUBLISH_RETRY_POLICY)
        # The arguments' text that every message carries for logs and monitoring: Celery builds it with saferepr,
        # an eighth of a publish's CPU (0.435 → 0.377 ms per publish, benchmarks/README.md); these tasks take ids and
        # short strings, whose plain repr is the same text. Capped as Celery caps it.
        options.setdefault("argsrepr", repr(tuple(args or ()))[:1024])
        options.setdefault("kwargsrepr", repr(dict(kwargs or {}))[:1024])
        with _publish_pool(self.app).acquire(block=True, timeout=10) as connection:
            return super().apply_async(args, kwargs, task_id, connection=connection, **options)


@contextlib.contextmanager
def one_message() -> Iterator[None]:
    """The tasks published inside the block (by the after-commit callbacks of a transaction committed in it) leave in
    one message when it ends: common.tasks.run_tasks runs them in turn in the worker, and sends any of them that fails
    as a message of its own, with its own retries (every task is idempotent). A booking publishes the citizen's
    confirmation and the virtual channel's attention record: one publish instead of two, each ≈ 0.19 ms of the
    request's CPU (benchmarks/README.md). One task alone is published as itself; a block inside another joins it.

    The block's end publishes even when it ends with an exception (what committed inside it has committed), and a
    failed publish is logged, never raised, as Django's robust on_commit does: the periodic scans send what it left
    (appointments' notification rows). Eager mode (development, tests) runs each task at once, as before."""
    if getattr(_held, "calls", None) is not None:
        yield
        return
    calls: list[tuple[str, list, dict]] = []
    _held.calls = calls
    try:
        yield
    finally:
        _held.calls = None
        _publish_held(calls)


def _publish_held(calls: list[tuple[str, list, dict]]) -> None:
    if not calls:
        return
    try:
        if len(calls) == 1:
            name, args, kwargs = calls[0]
            current_app.tasks[name].apply_async(args, kwargs)
        else:
            run_tasks.apply_async(([list(call) for call in calls],))
    except Exception:  # noqa: BLE001 - committed already: logged as a robust on_commit callback's failure is
        logger.exception("Publishing %d task(s) after commit failed: %s", len(calls), [call[0] for call in calls])
