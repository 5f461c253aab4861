"""An adaptive challenge against booking scripts: it appears only while booking attempts rise — from one network, or
everywhere at once — and costs a citizen a second of their phone's time or a short wait, never a puzzle.

- With JavaScript: a self-hosted proof of work (ALTCHA, PBKDF2/SHA-256; the widget and its worker are vendored in
  static/vendor/altcha/). The server issues a signed challenge (HMAC, expires in 10 minutes) and verifies the
  solution once (a solved challenge cannot be replayed).
- Without JavaScript: a wait token — signed, issued when the challenge is shown, accepted after
  settings.CHALLENGE_WAIT_SECONDS and within 10 minutes, once.
- When: the sliding counts of booking attempts of the client's network over 10 minutes reach
  settings.CHALLENGE_NETWORK_THRESHOLD, or of everyone over one minute reach settings.CHALLENGE_GLOBAL_THRESHOLD.

Used at the edge only (the booking views and API), like the rate limiter.
"""

import functools
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

import altcha
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .cache import Claim, resilient_cache
from .errors import DomainError, RateLimited
from .ratelimit import (
    client_address,
    client_attempts,
    client_network,
    rate_limited_render,
    rate_limits_hit,
    sliding_count,
)

__all__ = [
    "ChallengeRequired",
    "challenge_create",
    "challenge_is_required",
    "challenge_passed",
    "challenge_on_rush",
    "limits_and_pressure_hit",
    "challenge_render",
    "wait_token_issue",
]

CHALLENGE_SECONDS = 600
ALGORITHM = "PBKDF2/SHA-256"
_WAIT_SALT = "common.challenge.wait"


class ChallengeRequired(DomainError):
    code = "challenge_required"
    status = 429
    default_message = _(
        "Many bookings are arriving from your network right now. Please confirm that you are a person to continue."
    )


_TRY_AGAIN = _("That did not work: the wait was too short or the check expired. Please try again.")


def _secret() -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), b"common.challenge", hashlib.sha256).digest()


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def limits_and_pressure_hit(request, attempts: list[tuple[str, str]], *, claim: Claim | None = None) -> bool:
    """Count `attempts` against their rate limits (common.ratelimit.rate_limits_hit: RateLimited when one is over)
    and one booking attempt toward the adaptive thresholds (the client's network, and everyone), all in one round
    trip, with `claim`'s lock and reads if given; returns whether the challenge is now required (what
    `challenge_is_required` would answer right after). The pressure counts every attempt, those the limits refuse
    included."""
    network = client_network(client_address(request))
    network_count, global_count = rate_limits_hit(
        attempts, also_count=[("challenge_network", network), ("challenge_global", "all")], claim=claim
    )
    return _over_thresholds(network_count, global_count)


def _over_thresholds(network_count: float, global_count: float) -> bool:
    return network_count >= _setting("CHALLENGE_NETWORK_THRESHOLD", 6) or global_count >= _setting(
        "CHALLENGE_GLOBAL_THRESHOLD", 300
    )


def challenge_is_required(request) -> bool:
    """Whether booking attempts are rising from the client's network or everywhere."""
    network = client_network(client_address(request))
    if sliding_count(scope="challenge_network", key=network) >= _setting("CHALLENGE_NETWORK_THRESHOLD", 6):
        return True
    return sliding_count(scope="challenge_global", key="all") >= _setting("CHALLENGE_GLOBAL_THRESHOLD", 300)


def challenge_create() -> dict[str, Any]:
    """A new signed proof-of-work challenge, as the ALTCHA widget reads it."""
    challenge = altcha.create_challenge(
        ALGORITHM,
        _setting("CHALLENGE_COST", 2000),
        expires_at=int(time.time()) + CHALLENGE_SECONDS,
        hmac_secret=_secret(),
    )
    return challenge.to_dict()


def wait_token_issue() -> str:
    """A token a browser without JavaScript sends back after the wait (random, so no two are alike)."""
    return signing.dumps([time.time(), secrets.token_urlsafe(8)], salt=_WAIT_SALT)


def _once(kind: str, value: str) -> bool:
    """True the first time `value` is presented (replays are refused)."""
    digest = hashlib.sha256(value.encode()).hexdigest()
    return resilient_cache.add(f"challenge:{kind}:{digest}", 1, timeout=CHALLENGE_SECONDS + 60)


def _proof_of_work_ok(payload: str) -> bool:
    try:
        result = altcha.verify_solution(payload[:4000], _secret())
    except (ValueError, KeyError, TypeError, json.JSONDecodeError):
        return False
    return bool(result.verified) and _once("pow", payload)


def _wait_ok(token: str) -> bool:
    try:
        issued = float(signing.loads(token[:200], salt=_WAIT_SALT, max_age=CHALLENGE_SECONDS)[0])
    except (signing.BadSignature, ValueError, TypeError, IndexError, KeyError):
        return False
    return time.time() - issued >= _setting("CHALLENGE_WAIT_SECONDS", 15) and _once("wait", token)


def challenge_passed(*, payload: str = "", wait_token: str = "") -> bool:
    """Whether the request carries a solved challenge or a ripe wait token (each accepted once)."""
    if payload and _proof_of_work_ok(payload):
        return True
    return bool(wait_token) and _wait_ok(wait_token)


def challenge_render(request: HttpRequest, *, error: str = "") -> HttpResponse:
    """The interstitial page: the same POST again, with the widget's solution or the wait token (429, so scripts
    that read statuses slow down; Retry-After is the wait)."""
    carried = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in {"csrfmiddlewaretoken", "altcha", "espera"}
        for value in values
    ]
    wait = _setting("CHALLENGE_WAIT_SECONDS", 15)
    response = render(
        request,
        "challenge.html",
        {
            "carried": carried,
            "action": request.get_full_path(),
            "challenge_json": json.dumps(challenge_create()),
            "wait_token": wait_token_issue(),
            "wait_seconds": wait,
            "message": ChallengeRequired.default_message,
            "error": error,
        },
        status=ChallengeRequired.status,
    )
    response["Retry-After"] = str(wait)
    return response


def challenge_on_rush(view=None, *, limit: str = "", also=None, claim=None, on_limit=None):
    """Page view decorator: each POST counts toward the adaptive thresholds; while they are reached, a POST without
    a solved challenge or a ripe wait token gets the interstitial page instead of the view.

    `limit`: also the rate limit of that scope for the client's address and network (as common.ratelimit's
    `rate_limit`), counted in the same round trip; over it, `on_limit(request, error, *args, **kwargs)` answers
    (default: common.ratelimit.rate_limited_render) without calling the view. `also(request, *args, **kwargs)`: more
    (scope, key) attempts counted against their limits in that round trip (e.g. a center-day limit).
    `claim(request, *args, **kwargs)`: the view's own lock, a common.cache.Claim (or None), taken with its reads in
    that round trip and passed to the view as its keyword `claimed`; given back when a limit or the challenge stops
    the POST."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                attempts = client_attempts(request, limit) if limit else []
                if also is not None:
                    attempts += also(request, *args, **kwargs)
                claimed = claim(request, *args, **kwargs) if claim is not None else None
                try:
                    rush = limits_and_pressure_hit(request, attempts, claim=claimed)
                except RateLimited as error:
                    if on_limit is None:
                        return rate_limited_render(request, error)
                    return on_limit(request, error, *args, **kwargs)
                if rush:
                    payload, token = request.POST.get("altcha", ""), request.POST.get("espera", "")
                    if not challenge_passed(payload=payload, wait_token=token):
                        if claimed is not None:
                            claimed.release()
                        tried = bool(payload or token)
                        return challenge_render(request, error=str(_TRY_AGAIN) if tried else "")
                if claim is not None:
                    kwargs["claimed"] = claimed
            return view(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
