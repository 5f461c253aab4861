"""Which browser is asking: the key under which its drafts and access grants are kept in the shared cache.

The booking pages keep a browser's state (its latest draft, the appointments it may see) in the cache under its
session's key, not in the session itself. A page booking used to change the session twice (the draft at the data
step, the grant at the final POST), and every change is the whole session signed, encoded, written to PostgreSQL and
to Redis; now the session is only the browser's identity. It is created once, on the first data step or look-up of
a browser without one, and booking does not write it again: 11 statements per page booking instead of 13
(appointments/tests/views/test_booking_statements.py).

Safe as the session was: the key comes from a session that Django found (a cookie naming a session that does not
exist, forged or expired, is dropped, never adopted: no fixation), and the cache keys hold its hash only. A new
session (logging in, or an expired one) leaves the old state behind, unreachable; it expires within the hour.

While Redis does not answer, the state lives in the process's fallback (common.cache), as drafts always did: a
browser whose next request reaches another worker is asked for its document number (the look-up) or to start again.
"""

import hashlib

from django.http import HttpRequest

# A value that makes a new session non-empty: Django neither stores nor sends an empty one.
_MARK = "browser"


def browser_key(request: HttpRequest, *, create: bool = False) -> str:
    """The hash of this browser's session key ("" when it has no session, unless `create`: then one is made now)."""
    session = request.session
    session.get(_MARK)  # loads the session: a key that names no session is dropped here
    if session.session_key is None:
        if not create:
            return ""
        session[_MARK] = 1
        session.save()  # the key exists from now on; the middleware sends its cookie
    return hashlib.sha256(session.session_key.encode()).hexdigest()  # type: ignore[union-attr]
