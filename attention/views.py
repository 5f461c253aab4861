"""Public pages of the in-person channel: the kiosk, the waiting-room screen, a ticket's printout and status.

The kiosk and the screen are authorised by a device token (attention.devices); the ticket pages by the signed
link printed as a QR on the ticket (attention.links). None shows personal data.

The waiting-room screen is live through htmx polling (vendored static/vendor/htmx): every few seconds it asks
for its rows with the ETag of the rows it shows; the answer is 304 Not Modified (no body, nothing swapped)
until a ticket is called, recalled or finished. Polling rather than server-sent events: it needs no long-lived
connection (gunicorn's sync workers), works through any proxy, and a screen that lost the network simply
catches up on the next poll. Without JavaScript the page refreshes itself (meta refresh).
"""

import io

import segno
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_http_methods

from centers.models import Center
from common.errors import DomainError
from common.hooks import page_snippets
from common.http import with_error_headers

from . import selectors, services
from .constants import DeviceKind, PriorityNeed, TicketStatus
from .devices import device_authorise, device_for
from .forms import KioskForm
from .links import ticket_print_path, ticket_status_path, ticket_token_id
from .models import Ticket
from .signals import ticket_page

SCREEN_ROWS = 8
SCREEN_POLL_SECONDS = 3


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "attention/device_forbidden.html", status=403)


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, slug: str) -> HttpResponse:
    """Walk-in tickets: step 1 choose the procedure; step 2 say whether preferential attention applies."""
    device, redirect = device_authorise(request, kind=DeviceKind.KIOSK, slug=slug)
    if redirect:
        return redirect
    if device is None:
        return _forbidden(request)
    center = device.center
    error, failure = None, None
    if request.method == "POST":
        form = KioskForm(request.POST, center=center)
        if form.is_valid():
            try:
                ticket = services.ticket_issue(
                    center=center,
                    procedure=form.cleaned_data["procedure"],
                    preferential_reason=form.cleaned_data["preferential_reason"] or PriorityNeed.NONE,
                )
            except DomainError as exc:
                error, failure = exc.message, exc
            else:
                return HttpResponseRedirect(ticket_print_path(ticket))
        else:
            error = form.errors.as_text()
    chosen = None
    if (procedure_id := request.GET.get("procedure", "")).isdigit():
        chosen = KioskForm(center=center).fields["procedure"].queryset.filter(pk=int(procedure_id)).first()
    procedures = list(KioskForm(center=center).fields["procedure"].queryset) if chosen is None else []
    response = render(
        request,
        "attention/kiosk.html",
        {
            "center": center,
            "procedures": procedures,
            "chosen": chosen,
            "reasons": [choice for choice in PriorityNeed.choices if choice[0] != PriorityNeed.NONE],
            "error": error,
        },
        status=failure.status if failure else 400 if error else 200,
    )
    return with_error_headers(response, failure) if failure else response


def _ticket_from(token: str) -> Ticket:
    ticket_id = ticket_token_id(token)
    ticket = selectors.ticket_get(ticket_id=ticket_id) if ticket_id else None
    if ticket is None:
        raise Http404
    return ticket


def ticket_print(request: HttpRequest, token: str) -> HttpResponse:
    """The 80 mm ticket: number, procedure, people ahead, estimated wait, QR to the live status page."""
    ticket = _ticket_from(token)
    return render(
        request,
        "attention/ticket_print.html",
        {"ticket": ticket, "estimate": selectors.ticket_estimate(ticket=ticket), "token": token},
    )


def ticket_status(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen's live view of their ticket (refreshes itself)."""
    ticket = _ticket_from(token)
    extras = page_snippets(ticket_page, sender=Ticket, ticket=ticket) if ticket.status == TicketStatus.FINISHED else []
    return render(
        request,
        "attention/ticket_status.html",
        {"ticket": ticket, "estimate": selectors.ticket_estimate(ticket=ticket), "extras": extras},
    )


def ticket_qr(request: HttpRequest, token: str) -> HttpResponse:
    """The QR of the ticket's status page, as SVG."""
    ticket = _ticket_from(token)
    buffer = io.BytesIO()
    segno.make(request.build_absolute_uri(ticket_status_path(ticket)), error="m").save(
        buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, title=ticket.code
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def _screen_center(request: HttpRequest, slug: str) -> Center | None:
    device = device_for(request, kind=DeviceKind.SCREEN, center_slug=slug)
    return device.center if device else None


def _screen_etag(request: HttpRequest, slug: str) -> str | None:
    center = _screen_center(request, slug)
    return selectors.screen_version(center=center, limit=SCREEN_ROWS) if center else None


@require_http_methods(["GET"])
def screen(request: HttpRequest, slug: str) -> HttpResponse:
    device, redirect = device_authorise(request, kind=DeviceKind.SCREEN, slug=slug)
    if redirect:
        return redirect
    if device is None:
        return _forbidden(request)
    return render(request, "attention/screen.html", _screen_context(device.center))


@require_http_methods(["GET"])
@condition(etag_func=_screen_etag)
def screen_rows(request: HttpRequest, slug: str) -> HttpResponse:
    """The screen's rows (htmx polls it; 304 while nothing changed)."""
    center = _screen_center(request, slug)
    if center is None:
        return _forbidden(request)
    response = render(request, "attention/includes/screen_rows.html", _screen_context(center))
    patch_cache_control(response, no_cache=True, private=True)
    return response


def _screen_context(center: Center) -> dict:
    rows = selectors.screen_feed(center=center, limit=SCREEN_ROWS)
    return {
        "center": center,
        "rows": rows,
        "newest": rows[0] if rows else None,
        "poll_seconds": SCREEN_POLL_SECONDS,
        "version": selectors.screen_version(center=center, limit=SCREEN_ROWS),
    }
