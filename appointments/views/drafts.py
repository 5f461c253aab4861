"""Booking drafts: the citizen's checked data between the data step and the final POST (Post/Redirect/Get).

The data step's valid POST stores what was checked under a random token (Redis cache, an hour) and answers 303 to
the review page `/citas/nueva/revisar/<token>/`, a plain GET: Back, reload and a slow connection never resend a
form, and the review never shows the browser's "Confirm Form Resubmission". The token is also the booking's
idempotency key: once it has booked, its review page and any repeat of the final POST go to that confirmation.

Personal data never travels in the URL (only the token) nor in hidden fields after the data step. The token only
works in the browser that made it: its hash is listed in that browser's session (hashes of the last few drafts),
so a leaked link shows nothing to anyone else.

Three identical final POSTs at once (a triple tap on a slow phone): the first takes `lock` (an atomic cache.add)
and books; the others do not wait for it — they answer 303 to the review page, which shows "we are booking it"
(refreshing itself, no JavaScript needed) until the outcome is known, then redirects to the confirmation.
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.http import HttpRequest

from common.cache import resilient_cache as cache

DRAFT_PREFIX = "appointments:draft:"
DRAFT_SECONDS = 60 * 60
LOCK_SECONDS = 60
SESSION_KEY = "appointments_drafts"
KEEP_DRAFTS = 5


@dataclass(frozen=True)
class Draft:
    """One browser's checked booking data: the wizard's choices and the citizen form's fields (as typed, cleaned).

    `path` holds the query parameters of the chosen procedure, center, day and time; `fields` the citizen form's
    (name, value) pairs; `procedure_id` and `slot_id` let the final POST go straight to the booking service.
    """

    token: str
    path: list[tuple[str, str]]
    fields: list[tuple[str, str]]
    procedure_id: int
    slot_id: int


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _key(token: str, part: str = "data") -> str:
    return f"{DRAFT_PREFIX}{part}:{_hash(token)}"


def token_valid(token: str) -> bool:
    return 16 <= len(token or "") <= 64


def draft_save(
    request: HttpRequest,
    *,
    path: list[tuple[str, str]],
    fields: list[tuple[str, str]],
    procedure_id: int,
    slot_id: int,
) -> Draft:
    """Store a new draft for this browser and remember it as the latest (the data step shows it again)."""
    draft = Draft(token=secrets.token_urlsafe(16), path=path, fields=fields, procedure_id=procedure_id, slot_id=slot_id)
    cache.set(_key(draft.token), draft, DRAFT_SECONDS)
    mine = [value for value in request.session.get(SESSION_KEY, []) if isinstance(value, str)]
    request.session[SESSION_KEY] = [*mine[-(KEEP_DRAFTS - 1) :], _hash(draft.token)]
    return draft


def _is_mine(request: HttpRequest, token: str) -> bool:
    return token_valid(token) and _hash(token) in request.session.get(SESSION_KEY, [])


def draft_load(request: HttpRequest, token: str) -> Draft | None:
    """The draft with this token if this browser made it and it has not expired."""
    if not _is_mine(request, token):
        return None
    draft = cache.get(_key(token))
    return draft if isinstance(draft, Draft) else None


def draft_with_outcome(request: HttpRequest, token: str) -> tuple[Draft | None, tuple[int, str] | None]:
    """The draft (as draft_load) and, in the same round trip, (appointment id, code) of the booking it made, if any."""
    if not _is_mine(request, token):
        return None, None
    data_key, booked_key = _key(token), _key(token, "booked")
    found = cache.get_many([data_key, booked_key])
    draft, booked = found.get(data_key), found.get(booked_key)
    return (draft if isinstance(draft, Draft) else None), (tuple(booked) if booked else None)  # type: ignore[return-value]


def draft_latest(request: HttpRequest) -> Draft | None:
    """This browser's most recent draft that has not booked yet (its data fills the form when the citizen goes
    back), or None."""
    mine = request.session.get(SESSION_KEY, [])
    if not mine:
        return None
    latest = mine[-1]
    draft = cache.get(f"{DRAFT_PREFIX}data:{latest}")
    if not isinstance(draft, Draft) or cache.get(f"{DRAFT_PREFIX}booked:{latest}"):
        return None
    return draft


def draft_mark_booked(token: str, *, appointment_id: int, code: str) -> None:
    cache.set(_key(token, "booked"), (appointment_id, code), DRAFT_SECONDS)


def draft_lock(token: str) -> bool:
    """Take the draft's booking lock (False: another request is booking it right now)."""
    return cache.add(_key(token, "lock"), 1, LOCK_SECONDS)


def draft_unlock(token: str) -> None:
    cache.delete(_key(token, "lock"))


def draft_in_flight(token: str) -> bool:
    return cache.get(_key(token, "lock")) is not None
