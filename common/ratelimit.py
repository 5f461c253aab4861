"""The shared rate limiter, used at the edge only: `rate_limit` decorates page views, `RateLimitThrottle` guards
API views; services and selectors never see client addresses.

Limits come from settings.RATE_LIMITS: {scope: (attempts, window_seconds)}, counted per client address in the
shared cache (Redis in production and tests) with an atomic INCR per fixed window. They are generous on purpose:
many Peruvian mobile users share one address behind carrier NAT.

The client address is `client_address(request)`: REMOTE_ADDR, or — when settings.TRUSTED_PROXY_COUNT = N > 0 —
the N-th address from the right of X-Forwarded-For, i.e. the address the outermost trusted proxy saw. N must be
the number of reverse proxies in front of the application, no more (a client could then pick its own address by
sending the header) and no fewer (everyone would share the proxy's address).
"""

import functools
import hashlib
import math
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

from .errors import RateLimited

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {"book": (20, 3600), "lookup": (30, 600)}


def client_address(request: HttpRequest) -> str:
    """The client's address as the trusted proxies saw it (see the module docstring)."""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:64]
    return request.META.get("REMOTE_ADDR", "")[:64] or "unknown"


def rate_limit_hit(*, scope: str, key: str) -> None:
    """Count one attempt of `scope` by `key` (a client address); raise RateLimited (with retry_after) past the
    limit."""
    limits = {**DEFAULT_LIMITS, **getattr(settings, "RATE_LIMITS", {})}
    limit, window = limits[scope]
    now = time.time()
    window_index = int(now // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no raw addresses in the cache
    namespace = getattr(settings, "RATE_LIMIT_NAMESPACE", "")  # tests isolate their counters with it
    cache_key = f"rl:{namespace}:{scope}:{digest}:{window_index}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this attempt opens a new window
        cache.add(cache_key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max(int((window_index + 1) * window - now), 1))


def rate_limited_render(request: HttpRequest, error: RateLimited) -> HttpResponse:
    """The default page for a view over its limit: the message and when to try again (429, Retry-After)."""
    response = render(
        request,
        "rate_limited.html",
        {"message": error.message, "retry_minutes": math.ceil(error.retry_after / 60)},
        status=error.status,
    )
    for header, value in error.headers.items():
        response[header] = value
    return response


def rate_limit(
    scope: str,
    *,
    methods: Iterable[str] = ("POST",),
    on_limit: Callable[..., HttpResponse] | None = None,
) -> Callable:
    """View decorator: count each request of `methods` against `scope` for the client address; over the limit,
    answer `on_limit(request, error, *args, **kwargs)` (default: `rate_limited_render`) without calling the view."""
    methods = frozenset(method.upper() for method in methods)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                try:
                    rate_limit_hit(scope=scope, key=client_address(request))
                except RateLimited as error:
                    if on_limit is None:
                        return rate_limited_render(request, error)
                    return on_limit(request, error, *args, **kwargs)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class RateLimitThrottle(BaseThrottle):
    """DRF throttle over the same limiter: counts each unsafe request against every scope in the view's
    `rate_limit_scopes`; over a limit it raises RateLimited, which the one exception handler renders."""

    def allow_request(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        for scope in getattr(view, "rate_limit_scopes", ()):
            rate_limit_hit(scope=scope, key=client_address(request))
        return True
