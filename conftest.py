"""Project-wide pytest fixtures."""

import secrets

import pytest
import redis
from celery import current_app
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from centers.models import Language
from common.cache import fallback_reset
from common.memo import memos_forget
from common.tests.utils import new_address


@pytest.fixture(autouse=True)
def _spanish(settings):
    """Tests read what a Peruvian citizen reads."""
    settings.LANGUAGE_CODE = "es-pe"


@pytest.fixture(scope="session", autouse=True)
def _migrated_languages(django_db_setup, django_db_blocker):
    """The languages centers' data migration creates, read before any transactional test can flush them.
    (pytest-django sets up no test database when no collected test needs one: then there is nothing to read.)"""
    if not connection.settings_dict["NAME"].startswith("test_"):
        return []
    with django_db_blocker.unblock():
        return list(Language.objects.values())


@pytest.fixture(scope="module")
def restore_migrated_rows(_migrated_languages, django_db_blocker):
    """For modules of transactional tests: their flush also deletes rows made by data migrations (languages);
    put them back afterwards, so later tests and the next --reuse-db run still find them."""
    yield
    with django_db_blocker.unblock():
        Language.objects.bulk_create([Language(**row) for row in _migrated_languages], ignore_conflicts=True)


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings):
    """Each test counts rate limits apart from every other test, worker and earlier run, without flushing the
    shared cache (Redis): counters are keyed by this namespace."""
    settings.RATE_LIMIT_NAMESPACE = secrets.token_hex(8)


@pytest.fixture(autouse=True)
def _shared_cache_answers():
    """A test that took Redis down leaves the resilient cache skipping it for a few seconds: not the next test."""
    fallback_reset()


@pytest.fixture
def address() -> str:
    """A client address no other test has used."""
    return new_address()


def verified_client(user, client: Client | None = None) -> Client:
    """A test client (`client`, or a new one) logged in as `user` whose session has passed two-step verification (a
    confirmed TOTP device), as after the admin login and the code: what every admin page of the tests needs."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="authenticator", confirmed=True
    )
    client = client or Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin_client, two-factor verified (staff with access to personal data must be)."""
    return verified_client(admin_user)


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """Each test starts with no cached catalog page and bumps versions only for itself: the shared cache (Redis)
    outlives the rolled-back rows of earlier tests and is shared by the parallel workers."""
    settings.CACHE_NAMESPACE = secrets.token_hex(8)
    memos_forget()  # values a process keeps a minute (common.memo), read from an earlier test's rolled-back rows


@pytest.fixture
def redis_broker(settings):
    """The test Redis as Celery's broker, publishing for real (not eager); yields (client, queue, its length before).
    What the test published is taken off the queue afterwards."""
    assert settings.REDIS_URL, "the tests run with Redis (scripts/test sets REDIS_URL)"
    app = current_app
    saved = {name: app.conf[name] for name in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=settings.REDIS_URL, task_always_eager=False)
    client = redis.Redis.from_url(settings.REDIS_URL)
    queue = app.conf.task_default_queue
    before = client.llen(queue)
    try:
        yield client, queue, before
    finally:
        app.conf.update(saved)
        if published := client.llen(queue) - before:
            client.lpop(queue, published)  # the newest messages, at the head
        client.close()
