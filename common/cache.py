"""The shared cache (Redis in production) for what must keep working when Redis does not answer.

`resilient_cache` forwards to Django's default cache; when that raises (Redis down, a timeout), the call is served
by a bounded in-process LocMemCache instead, the failure is logged (at most once a minute per process) and
counted (`fallback_count()`, shown by /healthz). After a failure the shared cache is skipped for RETRY_AFTER_SECONDS
(a Redis that hangs costs one timeout, not one per call). Limits counted there are per process — looser than the shared
ones, never absent — and nothing a citizen does fails because Redis is down.
"""

import logging
import threading
import time
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


class ResilientCache:
    """The few cache operations the edge needs, falling back to a local cache when the shared one fails."""

    def _call(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < _state["skip_until"]:
            with _lock:
                _state["failures"] += 1
            return getattr(_local, operation)(*args, **kwargs)
        try:
            return getattr(cache, operation)(*args, **kwargs)
        except ValueError:
            raise  # incr of a missing key: a normal answer, not a failure
        except Exception as exc:  # noqa: BLE001 - any failure of the shared cache (connection, timeout, protocol)
            _failed(operation, exc)
            return getattr(_local, operation)(*args, **kwargs)

    def get(self, key: str, default: Any = None) -> Any:
        return self._call("get", key, default)

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        return self._call("get_many", keys)

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        self._call("set", key, value, timeout)

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        return self._call("add", key, value, timeout)

    def incr(self, key: str, delta: int = 1) -> int:
        return self._call("incr", key, delta)

    def delete(self, key: str) -> None:
        self._call("delete", key)


resilient_cache = ResilientCache()
