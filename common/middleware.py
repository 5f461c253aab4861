"""Middleware of the ground floor."""

import logging
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .ratelimit import DEFAULT_PROXY_NETWORKS, in_networks

logger = logging.getLogger(__name__)

_WARN_EVERY_SECONDS = 3600


class ProxyHeadersCheckMiddleware:
    """Warns (at most hourly per process) when the proxy settings do not match the requests that arrive: a proxy
    sends X-Forwarded-For while TRUSTED_PROXY_COUNT is 0 (every client would share the proxy's limits), or requests
    reach the application from outside TRUSTED_PROXY_NETWORKS while it expects a proxy (it is published directly)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.warned_at: dict[str, float] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
        remote = request.META.get("REMOTE_ADDR", "")
        if proxies == 0 and request.META.get("HTTP_X_FORWARDED_FOR"):
            self._warn(
                "untrusted-proxy",
                "A request came with X-Forwarded-For but TRUSTED_PROXY_COUNT is 0: if a reverse proxy is in front, "
                "every client shares its address and its rate limits. Set TRUSTED_PROXY_COUNT.",
            )
        elif proxies > 0:
            networks = getattr(settings, "TRUSTED_PROXY_NETWORKS", None) or DEFAULT_PROXY_NETWORKS
            if remote and not in_networks(remote, networks):
                self._warn(
                    "direct",
                    "A request reached the application directly, not through a trusted proxy "
                    "(TRUSTED_PROXY_NETWORKS): is it published without its reverse proxy?",
                )
        return self.get_response(request)

    def _warn(self, kind: str, message: str) -> None:
        now = time.monotonic()
        if now - self.warned_at.get(kind, -_WARN_EVERY_SECONDS) >= _WARN_EVERY_SECONDS:
            self.warned_at[kind] = now
            logger.warning(message)
