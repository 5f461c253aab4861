"""Versioned namespaces in the shared cache: every key of a namespace includes its current version, so bumping the
version makes all of them unreachable at once (they expire on their own) — no key listing, no stale entry served.

Through common.cache.resilient_cache: while Redis does not answer, pages are cached per process (and a catalog
edit then reaches only the process that made it until the page expires) — never an error.
"""

import hashlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from .cache import resilient_cache as cache
from .memo import memos_forget

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


# Stands for the CSRF token in a cached page; each response gets its own masked token in its place.
CSRF_PLACEHOLDER = "csrf-token-placeholder-f3a9c1"


def cached_page(
    request: HttpRequest,
    *,
    namespace: str,
    build: Callable[[HttpRequest], HttpResponse],
    per_minute: bool = False,
    seconds: int = 60 * 60,
) -> HttpResponse:
    """A page that is the same for every visitor, from the cache: keyed by the namespace's version, the language and
    the full path (and the minute, for pages saying "open now"); else `build` renders it, with CSRF_PLACEHOLDER as
    its `csrf_token` (the language form), and it is stored. Every response then gets a fresh masked CSRF token (and
    the cookie, through get_token): a cached page never hands one visitor's token to another, and compressed pages
    hold no constant secret (BREACH). Only 200 and 404 answers are stored."""
    parts = [request.method or "GET", get_language() or "", request.get_full_path()[:500]]
    if per_minute:
        parts.append(f"{timezone.now():%Y%m%d%H%M}")
    # One round trip: the namespace's version and the page (stored with the version it was built under).
    version_key = VERSION_PREFIX + _scoped(namespace)
    page_key = f"{_scoped(namespace)}:page:{hashlib.sha256(chr(31).join(parts).encode()).hexdigest()[:32]}"
    found = cache.get_many([version_key, page_key])
    version = found.get(version_key) or namespace_version(namespace)
    entry = found.get(page_key)
    if isinstance(entry, tuple) and len(entry) == 3 and entry[0] == version:
        _version, status, body = entry
    else:
        # The version was read before building: an edit committed meanwhile bumps it, and this entry is rebuilt.
        # Built from fresh rows, not from this process's memos (kept a minute): the page is kept an hour.
        memos_forget()
        response = build(request)
        status, body = response.status_code, response.content.decode()
        if status in (200, 400, 404):
            cache.set(page_key, (version, status, body), seconds)
    return HttpResponse(body.replace(CSRF_PLACEHOLDER, get_token(request)), status=status)
