"""/healthz: database and Redis reachability, on the real servers (no mocks)."""

import pytest

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
# Nothing listens on port 1: connecting is refused at once, as when Redis is down.
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_url(settings):
    """The real local Redis the suite runs with (scripts/test sets REDIS_URL)."""
    return settings.REDIS_URL or "redis://127.0.0.1:6379/2"


def use_redis(settings, url):
    settings.REDIS_URL = url
    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": url, "KEY_PREFIX": "healthz-test"}}


def test_healthy_with_database_and_redis(client, settings, redis_url):
    use_redis(settings, redis_url)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body.pop("cache_fallbacks"), int)  # served by the local fallback since start (per process)
    assert body == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_unreachable_redis_is_a_503(client, settings):
    use_redis(settings, DEAD_REDIS_URL)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error")


def test_without_redis_only_the_database_is_checked(client, settings):
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    body.pop("cache_fallbacks")
    assert body == {"status": "ok", "checks": {"database": "ok"}}
