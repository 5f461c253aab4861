"""Versioned namespaces in the shared cache: every key of a namespace includes its current version, so bumping the
version makes all of them unreachable at once (they expire on their own) — no key listing, no stale entry served.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache

VERSION_PREFIX = "version:"


def _scoped(name: str) -> str:
    # settings.CACHE_NAMESPACE (tests only: one per test, like RATE_LIMIT_NAMESPACE) keeps parallel tests apart.
    scope = getattr(settings, "CACHE_NAMESPACE", "")
    return f"{scope}:{name}" if scope else name


def namespace_version(namespace: str) -> str:
    """The namespace's current version (created on first use)."""
    key = VERSION_PREFIX + _scoped(namespace)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key) or "0"
    return version


def namespace_bump(namespace: str) -> None:
    """A new version: every key made before is left behind."""
    cache.set(VERSION_PREFIX + _scoped(namespace), uuid.uuid4().hex, None)


def namespace_key(namespace: str, *parts: str) -> str:
    """A cache key of the namespace's current version for the given parts (hashed: any length, any characters)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"{_scoped(namespace)}:{namespace_version(namespace)}:{digest}"
