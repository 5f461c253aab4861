"""Device authorisation at the edge (kiosks, waiting-room screens): a token, not a staff login.

A device is authorised by opening its page once with `?token=<token>` (shown to the administrator when the
device is added): the token is kept in the device's session and dropped from the address. API clients (a
vendor's ticket printer or display panel) send `Authorization: Device <token>` instead.
"""

from django.http import HttpRequest, HttpResponseRedirect

from .models import DeviceToken
from .selectors import device_authenticate

SESSION_KEY = "attention_device_tokens"


def request_token(request: HttpRequest, *, kind: str) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Device "):
        return header.removeprefix("Device ").strip()
    return request.session.get(SESSION_KEY, {}).get(kind, "") if hasattr(request, "session") else ""


def remember_token(request: HttpRequest, *, kind: str, token: str) -> None:
    tokens = dict(request.session.get(SESSION_KEY, {}))
    tokens[kind] = token
    request.session[SESSION_KEY] = tokens


def device_for(request: HttpRequest, *, kind: str, center_slug: str | None = None) -> DeviceToken | None:
    """The authorised device of this request (of `kind`, for the center `center_slug` when given), or None."""
    device = device_authenticate(token=request_token(request, kind=kind), kind=kind)
    if device is None or (center_slug is not None and device.center.slug != center_slug):
        return None
    return device


def device_authorise(
    request: HttpRequest, *, kind: str, slug: str
) -> tuple[DeviceToken | None, HttpResponseRedirect | None]:
    """(device, redirect) of a device page: a first visit with ?token= stores it and redirects to the clean address
    (keeping the other query parameters); later visits are recognised by the stored token."""
    token = request.GET.get("token", "")
    if token:
        device = device_authenticate(token=token, kind=kind)
        if device is not None and device.center.slug == slug:
            remember_token(request, kind=kind, token=token)
            query = request.GET.copy()
            query.pop("token")
            return None, HttpResponseRedirect(request.path + (f"?{query.urlencode()}" if query else ""))
    return device_for(request, kind=kind, center_slug=slug), None
