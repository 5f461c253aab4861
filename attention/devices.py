"""Device authorisation at the edge (kiosks, waiting-room screens): a token, not a staff login.

A device is authorised by opening its page once with `?token=<token>` (shown to the administrator when the
device is added): the page answers with a signed device cookie and drops the token from the address. The cookie
(one per kind, `mac_device_kiosk` / `mac_device_screen`) names the device and its token's hash, signed with
SECRET_KEY and without an expiry of its own: it is good for as long as the device's token is active, checked
against `DeviceToken.is_active` on every request, so deactivating the device in the admin stops it at its next
request. It does not depend on a session (a staff-length session, or any session, may expire: the kiosk keeps
working). Browsers keep a cookie at most about 400 days: every page the device loads renews it.

API clients (a vendor's ticket printer or display panel) send `Authorization: Device <token>` instead.
Devices authorised before the cookie existed kept the token in their session: still read, and moved to the cookie
at their next page.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from .models import DeviceToken
from .selectors import device_active_get, device_authenticate

SESSION_KEY = "attention_device_tokens"  # before the cookie: read only
COOKIE_PREFIX = "mac_device_"
COOKIE_SALT = "attention.devices.cookie"
COOKIE_MAX_AGE = int(dt.timedelta(days=400).total_seconds())


def cookie_name(kind: str) -> str:
    return f"{COOKIE_PREFIX}{kind}"


def _header_token(request: HttpRequest) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    return header.removeprefix("Device ").strip() if header.startswith("Device ") else ""


def _cookie_device(request: HttpRequest, *, kind: str) -> DeviceToken | None:
    raw = request.COOKIES.get(cookie_name(kind), "")
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=COOKIE_SALT)  # no max_age: valid while the token is active
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int) or not isinstance(data.get("h"), str):
        return None
    return device_active_get(device_id=data["id"], token_hash=data["h"], kind=kind)


def _session_token(request: HttpRequest, *, kind: str) -> str:
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY, {}).get(kind, "") if session is not None else ""


def device_for(request: HttpRequest, *, kind: str, center_slug: str | None = None) -> DeviceToken | None:
    """The authorised device of this request (of `kind`, for the center `center_slug` when given), or None."""
    if token := _header_token(request):
        device = device_authenticate(token=token, kind=kind)
    else:
        device = _cookie_device(request, kind=kind) or device_authenticate(
            token=_session_token(request, kind=kind), kind=kind
        )
    if device is None or (center_slug is not None and device.center.slug != center_slug):
        return None
    return device


def device_remember(response: HttpResponse, *, device: DeviceToken) -> HttpResponse:
    """Set (or renew) the device's cookie on a response to the device."""
    response.set_cookie(
        cookie_name(device.kind),
        signing.dumps({"id": device.pk, "h": device.token_hash}, salt=COOKIE_SALT),
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def device_authorise(request: HttpRequest, *, kind: str, slug: str) -> tuple[DeviceToken | None, HttpResponse | None]:
    """(device, redirect) of a device page: a first visit with ?token= sets the device cookie and redirects to the
    clean address (keeping the other query parameters); later visits are recognised by the cookie."""
    token = request.GET.get("token", "")
    if token:
        device = device_authenticate(token=token, kind=kind)
        if device is not None and device.center.slug == slug:
            query = request.GET.copy()
            query.pop("token")
            redirect = HttpResponseRedirect(request.path + (f"?{query.urlencode()}" if query else ""))
            return None, device_remember(redirect, device=device)
    return device_for(request, kind=kind, center_slug=slug), None
