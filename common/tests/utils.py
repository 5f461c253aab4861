"""Helpers shared by the tests of every app."""

import secrets


def new_address() -> str:
    """A client address no other test (or earlier run) has used: rate-limit counters live in the shared
    cache (Redis) for up to an hour, and the cache is never flushed (other test workers use it)."""
    return "10.{}.{}.{}".format(*secrets.token_bytes(3))
