"""django-axes sees the client address the rate limits see (behind the trusted proxies)."""

import ipaddress

from django.http import HttpRequest

from common.ratelimit import client_address


def axes_client_ip(request: HttpRequest) -> str | None:
    """`common.ratelimit.client_address`, or None when it is not an IP address (a request made in code, e.g. a test
    client's force_login, has none): axes stores it in an IP address column."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
