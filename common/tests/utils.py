"""Helpers shared by the tests of every app."""

import secrets


def new_address() -> str:
    """A client address no other test (or earlier run) has used: rate-limit counters live in the shared
    cache (Redis) for up to an hour, and the cache is never flushed (other test workers use it)."""
    return "10.{}.{}.{}".format(*secrets.token_bytes(3))


# A Redis cache on a port where nothing listens (with short timeouts): what the application sees when Redis is down.
DEAD_REDIS_CACHES = {
    "default": {
        "BACKEND": "common.redis_cache.RedisCache",  # the settings' backend
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}
