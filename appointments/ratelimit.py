"""Fixed-window rate limits per client address, counted in the shared cache (Redis in production and tests).

Limits come from settings.APPOINTMENTS_RATE_LIMITS: {"book": (attempts, window_seconds), "lookup": (...)}.
They are generous on purpose: many Peruvian mobile users share one address behind carrier NAT.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from .errors import RateLimited

DEFAULT_LIMITS = {"book": (20, 3600), "lookup": (30, 600)}


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the N-th address from the right of X-Forwarded-For when
    settings.APPOINTMENTS_TRUSTED_PROXY_COUNT = N > 0 (set it to the number of proxies in front of the app)."""
    proxies = getattr(settings, "APPOINTMENTS_TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:64]
    return request.META.get("REMOTE_ADDR", "")[:64] or "unknown"


def rate_limit_hit(*, scope: str, client_address: str) -> None:
    """Count one attempt of `scope` from this address; raise RateLimited (with retry_after) past the limit."""
    limits = {**DEFAULT_LIMITS, **getattr(settings, "APPOINTMENTS_RATE_LIMITS", {})}
    limit, window = limits[scope]
    now = time.time()
    window_index = int(now // window)
    digest = hashlib.sha256(client_address.encode()).hexdigest()[:32]  # no raw addresses in the cache
    namespace = getattr(settings, "APPOINTMENTS_RATE_LIMIT_NAMESPACE", "")  # tests isolate their counters with it
    key = f"appointments:rl:{namespace}:{scope}:{digest}:{window_index}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this attempt opens a new window
        cache.add(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max(int((window_index + 1) * window - now), 1))
