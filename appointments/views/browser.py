"""Which browser is asking: the key under which its drafts and access grants are kept in the shared cache.

The booking pages keep a browser's state (its latest draft, the appointments it may see) in the cache under a key of
its own, named by a signed cookie (`mac_browser`: a random value, HttpOnly, signed with SECRET_KEY), not in a
session. A page booking used to read the session on both of its requests and change it twice (the draft at the data
step, the grant at the final POST): each change the whole session signed, encoded and written to PostgreSQL and to
Redis, and a first booking created a session row. Now a citizen's booking neither reads nor writes a session
(appointments/tests/views/test_booking_statements.py pins the statements that are left).

Safe as the session cookie was: a value that does not carry our signature (forged, or from another deployment) is
ignored and a new one is made; the cache keys hold a hash of the value only. Like a session key, a valid cookie
planted in someone's browser would share its state (the same threat as session fixation); HttpOnly, Secure in
production and SameSite=Lax as the session's.

While Redis does not answer, the state lives in the process's fallback (common.cache), as drafts always did: a
browser whose next request reaches another worker is asked for its document number (the look-up) or to start again.
"""

import hashlib
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

BROWSER_COOKIE = "mac_browser"
_SALT = "appointments.browser"
_NEW = "_mac_browser_new"  # the request attribute holding a value made during this request
_KEY = "_mac_browser_key"  # the request attribute holding the key, once computed (the cookie is checked once)


def browser_key(request: HttpRequest, *, create: bool = False) -> str:
    """The hash of this browser's cookie value ("" when it has none, unless `create`: then one is made now and
    BrowserCookieMiddleware sends it with the response)."""
    if key := getattr(request, _KEY, ""):
        return key
    value = request.get_signed_cookie(BROWSER_COOKIE, default="", salt=_SALT)
    if not value:
        if not create:
            return ""
        value = secrets.token_urlsafe(24)
        setattr(request, _NEW, value)
    key = hashlib.sha256(value.encode()).hexdigest()
    setattr(request, _KEY, key)
    return key


class BrowserCookieMiddleware:
    """Sends the browser cookie made during the request (browser_key(create=True)), whatever the view answered."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if value := getattr(request, _NEW, ""):
            response.set_signed_cookie(
                BROWSER_COOKIE,
                value,
                salt=_SALT,
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
