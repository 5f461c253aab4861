"""The shared cache (Redis in production) for what must keep working when Redis does not answer.

`resilient_cache` forwards to Django's default cache; when that raises (Redis down, a timeout), the call is served
by a bounded in-process LocMemCache instead, the failure is logged (at most once a minute per process) and
counted (`fallback_count()`, shown by /healthz). After a failure the shared cache is skipped for RETRY_AFTER_SECONDS
(a Redis that hangs costs one timeout, not one per call). Limits counted there are per process — looser than the shared
ones, never absent — and nothing a citizen does fails because Redis is down.
"""

import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

# Bounded: at most this many keys live in the fallback (LocMemCache culls a third when full).
FALLBACK_MAX_ENTRIES = 10_000
_LOG_EVERY_SECONDS = 60
RETRY_AFTER_SECONDS = 5.0

_local = LocMemCache("mac-fallback", {"OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES, "CULL_FREQUENCY": 3}})
_lock = threading.Lock()
_state: dict[str, float] = {"failures": 0, "logged_at": 0.0, "skip_until": 0.0}


def fallback_count() -> int:
    """How many cache calls this process served from the local fallback since it started."""
    return int(_state["failures"])


def fallback_reset() -> None:
    """Try the shared cache again on the next call (tests start each with a cache that answers)."""
    _state["skip_until"] = 0.0


def _failed(operation: str, exc: Exception) -> None:
    with _lock:
        _state["failures"] += 1
        now = time.monotonic()
        _state["skip_until"] = now + RETRY_AFTER_SECONDS
        if now - _state["logged_at"] < _LOG_EVERY_SECONDS:
            return
        _state["logged_at"] = now
        count = _state["failures"]
    logger.warning(
        "Shared cache unavailable (%s: %s); serving from the local fallback (%d calls so far)",
        operation,
        type(exc).__name__,
        count,
    )


@dataclass
class Claim:
    """A key to add if it is missing (a lock: `value` for `timeout` seconds) and keys to read, in the same round trip
    as the rate limits' counts (ResilientCache.count_add_get, common.ratelimit.rate_limits_hit). The answer is written
    into it: `added` (whether this call added the key) and `found` ({key: value} of the keys read that exist)."""

    key: str
    value: Any
    timeout: int
    read: tuple[str, ...] = ()
    added: bool = False
    found: dict[str, Any] = field(default_factory=dict)

    def release(self) -> None:
        """Give the key back if this claim added it (a refused request does not keep the lock)."""
        if self.added:
            resilient_cache.delete(self.key)
            self.added = False


class ResilientCache:
    """The few cache operations the edge needs, falling back to a local cache when the shared one fails."""

    def _call(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < _state["skip_until"]:
            with _lock:
                _state["failures"] += 1
            return _operation(_local, operation)(*args, **kwargs)
        try:
            return _operation(cache, operation)(*args, **kwargs)
        except ValueError:
            raise  # incr of a missing key: a normal answer, not a failure
        except Exception as exc:  # noqa: BLE001 - any failure of the shared cache (connection, timeout, protocol)
            _failed(operation, exc)
            return _operation(_local, operation)(*args, **kwargs)

    def get(self, key: str, default: Any = None) -> Any:
        return self._call("get", key, default)

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        return self._call("get_many", keys)

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        self._call("set", key, value, timeout)

    def set_many(self, data: dict[str, Any], timeout: int | None = None) -> None:
        self._call("set_many", data, timeout)

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        return self._call("add", key, value, timeout)

    def incr(self, key: str, delta: int = 1) -> int:
        return self._call("incr", key, delta)

    def delete(self, key: str) -> None:
        self._call("delete", key)

    def count_add_get(self, items: list[tuple[str, str, int]], claim: Claim | None = None) -> list[tuple[int, int]]:
        """Rate-limit windows: for each (current key, previous key, timeout), add one to the current count (created
        with the timeout) and read the previous; [(current, previous)]. With `claim`, also its add and reads
        (answered in the claim). One round trip with common.redis_cache."""
        return self._call("count_add_get", items, claim)


def _count_add_get(backend: Any, items: list[tuple[str, str, int]], claim: Claim | None) -> list[tuple[int, int]]:
    """count_add_get for a backend without it (the local fallback, LocMemCache in development)."""
    counts = []
    for current_key, previous_key, timeout in items:
        backend.add(current_key, 0, timeout=timeout)
        try:
            current = backend.incr(current_key)
        except ValueError:  # expired between add and incr: this attempt opens the window
            backend.add(current_key, 1, timeout=timeout)
            current = 1
        counts.append((current, int(backend.get(previous_key) or 0)))
    if claim is not None:
        claim.added = backend.add(claim.key, claim.value, claim.timeout)
        claim.found = backend.get_many(list(claim.read))
    return counts


_FALLBACKS: dict[str, Callable[..., Any]] = {"count_add_get": _count_add_get}


def _operation(backend: Any, operation: str) -> Any:
    method = getattr(backend, operation, None)
    if method is None and operation in _FALLBACKS:
        return functools.partial(_FALLBACKS[operation], backend)
    return method


resilient_cache = ResilientCache()
