"""Access to one appointment's pages: a short-lived grant held for the browser.

Personal data is shown only to the browser that booked, or that gave the code AND the document number: both give it
a short-lived grant (appointment id + expiry, no personal data), kept in the shared cache under the browser's
key (browser.browser_key, a signed cookie: no session). A code alone shows a form asking for
the document number, identical for codes that exist and codes that do not. Every page and POST of an appointment
(confirmation, manage, cancel, reschedule, downloads) checks that grant again: `appointment_access_required`.

A browser keeps its last `ACCESS_KEEP` grants only: a shared phone or a center's kiosk that books for one citizen
after another does not go on showing every earlier citizen's data, and the grants, read and written on every
booking, stay small (a browser that had booked a few hundred times took about 3 ms more per booking when they lived
in its session: benchmarks/README.md).
"""

import functools
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from common.cache import resilient_cache as cache

from .. import documents, selectors
from ..constants import AppointmentStatus
from ..models import Appointment
from ..validators import code_normalize
from .browser import browser_key
from .drafts import DRAFT_SECONDS

GRANTS_PREFIX = "appointments:grants:"
ACCESS_SECONDS = 30 * 60
ACCESS_KEEP = 5
# How long a browser's grants are stored (each also carries its own expiry, ACCESS_SECONDS after it was given or
# renewed); also the life of the entries stored with them (`also`: a draft's outcome, which lives as its draft).
GRANTS_STORED_SECONDS = max(2 * ACCESS_SECONDS, DRAFT_SECONDS)


def access_grants(request: HttpRequest) -> dict[str, list]:
    """This browser's grants, {code: [appointment id, expiry timestamp]} (expired ones included), read once per
    request."""
    grants = getattr(request, "_mac_access_grants", None)
    if grants is None:
        key = access_grants_key(request)
        grants = access_grants_known(request, cache.get(key) if key else None)
    return grants


def access_grants_key(request: HttpRequest) -> str | None:
    """The cache key of this browser's grants (None: it has no cookie, so no grants), for a caller that reads it
    with other keys in one round trip and hands the value to access_grants_known."""
    owner = browser_key(request)
    return GRANTS_PREFIX + owner if owner else None


def access_grants_known(request: HttpRequest, found: object) -> dict[str, list]:
    """Keep what the cache held under access_grants_key as this request's grants (access_grants reads no more)."""
    grants = found if isinstance(found, dict) else {}
    request._mac_access_grants = grants  # type: ignore[attr-defined]
    return grants


def access_grant(request: HttpRequest, *, appointment_id: int, code: str, also: dict | None = None) -> None:
    """Let this browser see the appointment for ACCESS_SECONDS (its oldest grant makes room past ACCESS_KEEP).
    `also`: other cache entries to store in the same round trip (kept GRANTS_STORED_SECONDS)."""
    now = timezone.now().timestamp()
    current = [
        (key, value)
        for key, value in access_grants(request).items()
        if key != code and isinstance(value, list) and len(value) == 2 and value[1] > now
    ]
    current.sort(key=lambda item: item[1][1])  # the most recently granted or renewed last
    grants = dict(current[-(ACCESS_KEEP - 1) :])
    grants[code] = [appointment_id, now + ACCESS_SECONDS]
    owner = browser_key(request, create=True)
    cache.set_many({GRANTS_PREFIX + owner: grants, **(also or {})}, GRANTS_STORED_SECONDS)
    request._mac_access_grants = grants  # type: ignore[attr-defined]


def access_appointment(request: HttpRequest, code: str) -> Appointment | None:
    """The appointment with this code if this browser may see it now (and the grant is renewed), else None."""
    code = code_normalize(code)
    grant = access_grants(request).get(code) if code else None
    if not grant or grant[1] <= timezone.now().timestamp():
        return None
    try:
        appointment = selectors.appointment_get(appointment_id=grant[0])
    except Appointment.DoesNotExist:
        return None
    if appointment.code != code or appointment.anonymized_at is not None:
        return None
    if grant[1] - timezone.now().timestamp() < ACCESS_SECONDS / 2:  # renewed now and then, not on every page
        access_grant(request, appointment_id=appointment.pk, code=code)
    return appointment


def lookup_redirect(request: HttpRequest, code: str) -> HttpResponse:
    """The look-up form with the code filled in (what a browser without a grant gets)."""
    normalized = code_normalize(code)
    url = reverse("appointments:manage")
    return redirect(f"{url}?{urlencode({'codigo': normalized})}" if normalized else url)


def appointment_context(appointment: Appointment) -> dict:
    return {
        "appointment": appointment,
        "requirements": list(appointment.procedure.requirements.all()),
        "location": documents.center_location(appointment),
        "is_active": appointment.status == AppointmentStatus.BOOKED,
        "is_future": appointment.slot.starts_at > timezone.now(),
    }


def appointment_access_required(
    view: Callable[..., HttpResponse] | None = None,
    *,
    on_denied: Callable[[HttpRequest, str], HttpResponse] | None = None,
):
    """Decorator of the views of one appointment (`view(request, code)`): calls `view(request, appointment)` when
    this browser holds a grant for the code, else answers `on_denied(request, code)` (default: the look-up form,
    with the code filled in)."""

    def decorator(inner: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(inner)
        def wrapper(request: HttpRequest, code: str, *args, **kwargs) -> HttpResponse:
            appointment = access_appointment(request, code)
            if appointment is None:
                return (on_denied or lookup_redirect)(request, code)
            return inner(request, appointment, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
