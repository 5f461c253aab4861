"""Booking drafts: the citizen's checked data between the data step and the final POST (Post/Redirect/Get).

The data step's valid POST stores what was checked under a random token (Redis cache, an hour) and answers 303 to
the review page `/citas/nueva/revisar/<token>/`, a plain GET: Back, reload and a slow connection never resend a
form, and the review never shows the browser's "Confirm Form Resubmission". The token is also the booking's
idempotency key: once it has booked, its review page and any repeat of the final POST go to that confirmation.

Personal data never travels in the URL (only the token) nor in hidden fields after the data step. The token only
works in the browser that made it: the draft names its browser (browser.browser_key, a signed cookie), so a leaked
link shows nothing to anyone else. No session is read or written: the draft and the browser's pointer to its latest
draft are stored together, in one round trip.

Three identical final POSTs at once (a triple tap on a slow phone): the first takes `lock` (an atomic add, in the
same round trip as its reads and the page's rate limits: draft_lock_claim) and books; the others do not wait for it
— they answer 303 to the review page, which shows "we are booking it" (refreshing itself, no JavaScript needed)
until the outcome is known, then redirects to the confirmation.

With JavaScript the review is shown on the data page itself (booking.js) and its "Confirm" sends the data step's POST
with `elegido`, a random value the script chose: that one request books (views.booking._draft_book, as the final
POST does) under a token derived from the value and the browser's key (chosen_token), so a repeat or a triple tap is
the same draft, locked and recorded the same way. Its draft is stored only with its outcome (or when the booking
fails, to keep the data for another time); while it is in flight the review page shows "we are booking it".
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.http import HttpRequest

from common.cache import Claim
from common.cache import resilient_cache as cache

from .browser import browser_key

DRAFT_PREFIX = "appointments:draft:"
LATEST_PREFIX = "appointments:latest-draft:"
DRAFT_SECONDS = 60 * 60
LOCK_SECONDS = 60


@dataclass(frozen=True)
class Draft:
    """One browser's checked booking data: the wizard's choices and the citizen form's fields (as typed, cleaned).

    `path` holds the query parameters of the chosen procedure, center, day and time; `fields` the citizen form's
    (name, value) pairs; `procedure_id` and `slot_id` let the final POST go straight to the booking service;
    `owner` is the browser that made it (browser.browser_key).
    """

    token: str
    path: list[tuple[str, str]]
    fields: list[tuple[str, str]]
    procedure_id: int
    slot_id: int
    owner: str = ""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _key(token: str, part: str = "data") -> str:
    return _hashed_key(_hash(token), part)


def _hashed_key(hashed: str, part: str) -> str:
    return f"{DRAFT_PREFIX}{part}:{hashed}"


def token_valid(token: str) -> bool:
    return 16 <= len(token or "") <= 64


def draft_store(entries: dict) -> None:
    """Store a draft's cache entries (draft_entries) for DRAFT_SECONDS."""
    cache.set_many(entries, DRAFT_SECONDS)


def draft_entries(
    request: HttpRequest,
    *,
    path: list[tuple[str, str]],
    fields: list[tuple[str, str]],
    procedure_id: int,
    slot_id: int,
    token: str = "",
) -> tuple[Draft, dict]:
    """A new draft for this browser (under `token`, else a random one) and the cache entries that store it as its
    latest, for the caller to store (draft_store) or to store with its own entries in one round trip (a booking's
    grant)."""
    owner = browser_key(request, create=True)
    draft = Draft(
        token=token or secrets.token_urlsafe(16),
        path=path,
        fields=fields,
        procedure_id=procedure_id,
        slot_id=slot_id,
        owner=owner,
    )
    return draft, {_key(draft.token): draft, LATEST_PREFIX + owner: _hash(draft.token)}


def chosen_token(request: HttpRequest, chosen: str, *, create: bool = False) -> str:
    """The draft token of a booking confirmed on the data page (one request, no review page: booking.js), from the
    value the page's script chose for it (`elegido`) and this browser's key: a repeat of that POST finds the same
    draft, and no other browser can name it. "" for a value that is not one, or a browser without its cookie (unless
    `create`: then it gets one now, as draft_entries gives it)."""
    if not (token_valid(chosen) and chosen.isascii() and chosen.replace("-", "").replace("_", "").isalnum()):
        return ""
    owner = browser_key(request, create=create)
    if not owner:
        return ""
    return hashlib.sha256(f"{owner}:{chosen}".encode()).hexdigest()[:32]


def _mine(request: HttpRequest, draft: object) -> Draft | None:
    """The draft if it is one and this browser made it."""
    if isinstance(draft, Draft) and draft.owner and draft.owner == browser_key(request):
        return draft
    return None


def draft_load(request: HttpRequest, token: str) -> Draft | None:
    """The draft with this token if this browser made it and it has not expired."""
    return _mine(request, cache.get(_key(token))) if token_valid(token) else None


@dataclass(frozen=True)
class DraftState:
    """A draft as one round trip finds it: the draft (as draft_load), (appointment id, code) of the booking it made,
    and whether a request is booking it right now (its lock is taken)."""

    draft: Draft | None
    booked: tuple[int, str] | None = None
    in_flight: bool = False


def draft_state(request: HttpRequest, token: str) -> DraftState:
    """The draft with this token, its booking and its lock, in one round trip (the review page)."""
    if not token_valid(token):
        return DraftState(draft=None)
    lock_key = _key(token, "lock")
    found = cache.get_many([_key(token), _key(token, "booked"), lock_key])
    return _draft_state(request, token, found, in_flight=lock_key in found)


def _draft_state(request: HttpRequest, token: str, found: dict, *, in_flight: bool) -> DraftState:
    """The draft and its booking among the values `found` (taken out of it)."""
    draft = _mine(request, found.pop(_key(token), None))
    booked = found.pop(_key(token, "booked"), None)
    outcome = (booked[0], booked[1]) if booked and draft is not None else None
    return DraftState(draft=draft, booked=outcome, in_flight=in_flight)


def draft_latest(request: HttpRequest) -> Draft | None:
    """This browser's most recent draft that has not booked yet (its data fills the form when the citizen goes
    back), or None."""
    owner = browser_key(request)
    latest = cache.get(LATEST_PREFIX + owner) if owner else None
    if not isinstance(latest, str):
        return None
    data_key, booked_key = _hashed_key(latest, "data"), _hashed_key(latest, "booked")
    found = cache.get_many([data_key, booked_key])
    return None if found.get(booked_key) else _mine(request, found.get(data_key))


def draft_lock_claim(token: str, *, also: list[str]) -> Claim | None:
    """The draft's booking lock with the draft, its booking and the cache keys `also` to read, as a claim the caller
    takes (common.cache.Claim: a booking page takes it in its rate limits' round trip); None for a token that is not
    one. draft_claimed reads its answer."""
    if not token_valid(token):
        return None
    return Claim(
        key=_key(token, "lock"), value=1, timeout=LOCK_SECONDS, read=(_key(token), _key(token, "booked"), *also)
    )


def draft_claimed(request: HttpRequest, token: str, claim: Claim | None) -> tuple[DraftState, bool, dict]:
    """A taken draft_lock_claim's answer: (state, whether this request took the lock, {key: value} of the keys
    `also` found). Not taken: another request is booking it right now (state.in_flight).

    The lock is taken before anything is known: a request that finds nothing to book (no draft of this browser, or
    one that has booked already) gives it back with draft_unlock."""
    if claim is None:
        return DraftState(draft=None), False, {}
    found = dict(claim.found)
    return _draft_state(request, token, found, in_flight=not claim.added), claim.added, found


def draft_booked_entry(token: str, *, appointment_id: int, code: str) -> dict[str, tuple[int, str]]:
    """The cache entry that records the booking a draft made, for the caller to store with its own entries in one
    round trip: access.access_grant(also=…), which keeps them GRANTS_STORED_SECONDS (an hour, as the draft)."""
    return {_key(token, "booked"): (appointment_id, code)}


def draft_unlock(token: str) -> None:
    cache.delete(_key(token, "lock"))
