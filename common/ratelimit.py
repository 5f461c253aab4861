"""The shared rate limiter, used at the edge only: `rate_limit` decorates page views, `RateLimitThrottle` guards
API views, `failures_check`/`failure_record` lock a key (a booking code) after repeated wrong answers; services and
selectors never see client addresses.

Limits come from settings.RATE_LIMITS: {scope: (attempts, window_seconds)}. Each attempt is counted in the shared
cache (Redis) with an atomic INCR in the current fixed window, and compared as a *sliding* window: the previous
window's count weighted by the share of it still inside the last `window` seconds, plus the current count — so no
burst fits across a window boundary. A refused attempt is not counted.
A scope `S` is counted per client address; `S_network`, when configured, per network of that address (/24 for
IPv4, /48 for IPv6), so rotating addresses inside one network does not escape the limit. They are generous on
purpose: many Peruvian mobile users share one address behind carrier NAT.

When Redis does not answer, counting goes on in a bounded per-process cache (common.cache): limits stay, looser.

The client address is `client_address(request)`; see its docstring for the proxy settings.
"""

import contextlib
import functools
import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from rest_framework.throttling import BaseThrottle

from .cache import Claim, resilient_cache
from .errors import RateLimited
from .http import with_error_headers

logger = logging.getLogger(__name__)

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "book": (20, 3600),
    "book_network": (120, 3600),
    "book_center_day": (10, 86400),
    "lookup": (30, 600),
    "lookup_network": (150, 600),
    "code_failures": (5, 3600),
    # Not limits: the windows of the adaptive challenge's counts (common.challenge).
    "challenge_network": (0, 600),
    "challenge_global": (0, 60),
}
# Addresses a reverse proxy may have when TRUSTED_PROXY_NETWORKS is not set: loopback and private ranges.
DEFAULT_PROXY_NETWORKS = ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7")


class CodeLocked(RateLimited):
    code = "locked"
    default_message = _(
        "Too many wrong document numbers for this booking code. Open the link in your confirmation e-mail or "
        "SMS, or try again later."
    )


# --------------------------------------------------------------------------------------------------------------
# Who is asking
# --------------------------------------------------------------------------------------------------------------


@functools.cache
def _networks(values: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def in_networks(address: str, networks: Iterable[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(networks)))


def client_address(request: HttpRequest) -> str:
    """The client's address as the trusted reverse proxies saw it.

    settings.TRUSTED_PROXY_COUNT = N: the number of reverse proxies in front of the application (0 or unset: none,
    the connection's address is the client's). With N > 0, and only when the connection comes from an address in
    settings.TRUSTED_PROXY_NETWORKS (default: loopback and private ranges), the client is the N-th address from the
    right of X-Forwarded-For (each proxy appends the address it saw). A request that reaches the application
    directly, from elsewhere, cannot choose its address with that header: its own address is used.
    """
    remote = request.META.get("REMOTE_ADDR", "")[:64] or "unknown"
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    networks = getattr(settings, "TRUSTED_PROXY_NETWORKS", None) or DEFAULT_PROXY_NETWORKS
    if not in_networks(remote, networks):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies][:64]


@functools.lru_cache(maxsize=4096)
def client_network(address: str) -> str:
    """The network an address belongs to for limits: its /24 (IPv4) or /48 (IPv6); the address itself if it is
    not an IP address. Remembered per process (a booking asks three times: its limits and the challenge's count)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


# --------------------------------------------------------------------------------------------------------------
# Counting
# --------------------------------------------------------------------------------------------------------------


def _limit(scope: str) -> tuple[int, int]:
    return {**DEFAULT_LIMITS, **getattr(settings, "RATE_LIMITS", {})}[scope]


def _has_limit(scope: str) -> bool:
    return scope in {**DEFAULT_LIMITS, **getattr(settings, "RATE_LIMITS", {})}


def _keys(scope: str, key: str, now: float, window: int) -> tuple[str, str, float]:
    index = int(now // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no raw addresses or codes in the cache
    namespace = getattr(settings, "RATE_LIMIT_NAMESPACE", "")  # tests isolate their counters with it
    base = f"rl:{namespace}:{scope}:{digest}"
    return f"{base}:{index}", f"{base}:{index - 1}", now - index * window


def _retry_after(*, limit: int, window: int, previous: int, current: int, elapsed: float) -> int:
    """Seconds until the sliding estimate leaves room for one more attempt (no new attempts meanwhile)."""
    room = limit - 1
    if current <= room and previous > 0:  # before this window ends, as the previous one slides out
        wait = window * (1 - (room - current) / previous) - elapsed
        if wait <= window - elapsed:
            return max(math.ceil(wait), 1)
    # After this window: the current count slides out in the next one.
    after = window * (1 - room / current) if current > room else 0.0
    return max(math.ceil(window - elapsed + after), 1)


@dataclass(frozen=True)
class _Counted:
    scope: str
    key: str
    limit: int
    window: int
    previous: int
    current: int
    elapsed: float

    @property
    def estimate(self) -> float:
        return self.previous * (1 - self.elapsed / self.window) + self.current

    def retry_after(self) -> int:
        return _retry_after(
            limit=self.limit, window=self.window, previous=self.previous, current=self.current, elapsed=self.elapsed
        )


def _count_many(attempts: list[tuple[str, str]], claim: Claim | None = None) -> list[_Counted]:
    """Count one attempt for each (scope, key), all in one round trip to the shared cache (with `claim`'s add and
    reads, answered in it)."""
    now = time.time()
    items, shapes = [], []
    for scope, key in attempts:
        limit, window = _limit(scope)
        current_key, previous_key, elapsed = _keys(scope, key, now, window)
        items.append((current_key, previous_key, 2 * window + 1))
        shapes.append((scope, key, limit, window, elapsed))
    counts = resilient_cache.count_add_get(items, claim)
    return [
        _Counted(scope, key, limit, window, previous, current, elapsed)
        for (scope, key, limit, window, elapsed), (current, previous) in zip(shapes, counts, strict=True)
    ]


def _count(scope: str, key: str, *, add: bool) -> _Counted:
    if add:
        return _count_many([(scope, key)])[0]
    limit, window = _limit(scope)
    current_key, previous_key, elapsed = _keys(scope, key, time.time(), window)
    counts = resilient_cache.get_many([current_key, previous_key])
    current, previous = int(counts.get(current_key) or 0), int(counts.get(previous_key) or 0)
    return _Counted(scope, key, limit, window, previous, current, elapsed)


def sliding_count(*, scope: str, key: str, add: bool = False) -> float:
    """The sliding-window estimate of `scope` for `key` (after counting one more attempt when `add`)."""
    return _count(scope, key, add=add).estimate


def _uncount(scope: str, key: str, window: int) -> None:
    current_key, _previous_key, _elapsed = _keys(scope, key, time.time(), window)
    with contextlib.suppress(ValueError):  # the count expired meanwhile: nothing to give back
        resilient_cache.incr(current_key, -1)


def rate_limits_hit(
    attempts: list[tuple[str, str]], *, also_count: Sequence[tuple[str, str]] = (), claim: Claim | None = None
) -> list[float]:
    """Count one attempt for each (scope, key), in one round trip; raise RateLimited (with retry_after) for the
    first whose sliding window then holds more than its limit. A refused attempt takes no place (retrying later is
    not punished): its count and those of the scopes after it are given back, as if they had been counted in turn
    and the first refusal had stopped the rest.

    `also_count`: (scope, key) counted in the same round trip with no limit of their own (the adaptive challenge's
    pressure, common.challenge), counted whatever the limits answer; their sliding-window estimates are returned.
    `claim`: a lock taken with reads in the same round trip (common.cache.Claim, answered in it); given back when a
    limit refuses."""
    counted = _count_many([*attempts, *also_count], claim)
    limited, extra = counted[: len(attempts)], counted[len(attempts) :]
    for index, one in enumerate(limited):
        if one.estimate > one.limit:
            if claim is not None:
                claim.release()
            for later in limited[index:]:
                _uncount(later.scope, later.key, later.window)
            refused = _Counted(one.scope, one.key, one.limit, one.window, one.previous, one.current - 1, one.elapsed)
            raise RateLimited(retry_after=refused.retry_after())
    return [one.estimate for one in extra]


def rate_limit_hit(*, scope: str, key: str) -> None:
    """Count one attempt of `scope` by `key`; raise RateLimited (with retry_after) when the sliding window holds
    more than the limit."""
    rate_limits_hit([(scope, key)])


def failures_check(*, scope: str, key: str) -> None:
    """Raise CodeLocked when `key` already has `limit` recorded failures in the sliding window (nothing counted)."""
    counted = _count(scope, key, add=False)
    if counted.estimate >= counted.limit:
        raise CodeLocked(retry_after=counted.retry_after())


def failure_record(*, scope: str, key: str) -> None:
    """Record one failure (a wrong answer) for `key`."""
    _count(scope, key, add=True)


def client_attempts(request: HttpRequest, scope: str) -> list[tuple[str, str]]:
    """The (scope, key) pairs one attempt of `scope` counts: the client's address and, when `scope`_network is
    configured, its network."""
    address = client_address(request)
    attempts = [(scope, address)]
    if _has_limit(f"{scope}_network"):
        attempts.append((f"{scope}_network", client_network(address)))
    return attempts


def client_network_attempt(request: HttpRequest, scope: str, *parts: object) -> tuple[str, str]:
    """The (scope, key) of an attempt counted for the client's network and `parts` (e.g. a center and a day: how
    many places of one center-day one network may take)."""
    return scope, ":".join([client_network(client_address(request)), *map(str, parts)])


def client_limits_hit(request: HttpRequest, scope: str) -> None:
    """Count one attempt of `scope` for the client's address and network (one round trip)."""
    rate_limits_hit(client_attempts(request, scope))


# --------------------------------------------------------------------------------------------------------------
# At the edge
# --------------------------------------------------------------------------------------------------------------


def rate_limited_render(request: HttpRequest, error: RateLimited) -> HttpResponse:
    """The default page for a view over its limit: the message and when to try again (429, Retry-After)."""
    response = render(
        request,
        "rate_limited.html",
        {"message": error.message, "retry_minutes": math.ceil(error.retry_after / 60)},
        status=error.status,
    )
    return with_error_headers(response, error)


def rate_limit(
    scope: str,
    *,
    methods: Iterable[str] = ("POST",),
    on_limit: Callable[..., HttpResponse] | None = None,
) -> Callable:
    """View decorator: count each request of `methods` against `scope` for the client's address (and network);
    over the limit, answer `on_limit(request, error, *args, **kwargs)` (default: `rate_limited_render`) without
    calling the view."""
    methods = frozenset(method.upper() for method in methods)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                try:
                    client_limits_hit(request, scope)
                except RateLimited as error:
                    if on_limit is None:
                        return rate_limited_render(request, error)
                    return on_limit(request, error, *args, **kwargs)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class RateLimitThrottle(BaseThrottle):
    """DRF throttle over the same limiter: counts each unsafe request against every scope in the view's
    `rate_limit_scopes` (address and network); over a limit it raises RateLimited, which the one exception handler
    renders."""

    def allow_request(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        for scope in getattr(view, "rate_limit_scopes", ()):
            client_limits_hit(request, scope)
        return True
