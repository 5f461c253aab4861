"""The booking's own rate limit, on top of the address and network limits of common.ratelimit: anti-hoarding."""

from django.core import signing
from django.http import HttpRequest

from common.ratelimit import client_network_attempt

_SALT = "appointments.limits.center-day"


def center_day_attempt(request: HttpRequest, center: str, day: str) -> tuple[str, str]:
    """The attempt the center-day limit counts: how many places of one center (its slug) and day (ISO) one network
    may take, however many addresses and documents it uses. Every booking path counts it (the pages, the API)."""
    return client_network_attempt(request, "book_center_day", center, day)


def center_day_sign(center: str, day: str) -> str:
    """A center and day signed, for a form to send back before the server has read what they belong to (the review's
    final POST, which counts the limit in its first round trip): only a pair this server signed is counted at once,
    so made-up pairs can neither dodge the limit nor fill the cache with counters."""
    return signing.Signer(salt=_SALT).sign(f"{center}/{day}")


def center_day_read(value: str) -> dict[str, str]:
    """{"center", "day"} of a value center_day_sign made; {} for anything else."""
    try:
        center, _sep, day = signing.Signer(salt=_SALT).unsign(value).partition("/")
    except signing.BadSignature:
        return {}
    return {"center": center, "day": day}
