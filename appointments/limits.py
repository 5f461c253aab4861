"""The booking's own rate limit, on top of the address and network limits of common.ratelimit: anti-hoarding."""

from django.http import HttpRequest

from common.ratelimit import client_network_attempt


def center_day_attempt(request: HttpRequest, center: str, day: str) -> tuple[str, str]:
    """The attempt the center-day limit counts: how many places of one center (its slug) and day (ISO) one network
    may take, however many addresses and documents it uses. Every booking path counts it (the pages, the API)."""
    return client_network_attempt(request, "book_center_day", center, day)
