"""Public pages of the in-person channel: the kiosk, the waiting-room screen, a ticket's printout and status.

The kiosk and the screen are authorised by a device token, then by its signed device cookie (attention.devices: good
as long as the token is active, whatever happens to sessions); the ticket pages by the signed link printed as a QR
on the ticket (attention.links). None shows personal data. `/fila/<center>/` lets a
citizen join a queue from a phone (attention.services.remote); its page lands on the same ticket status page, where a
waiting ticket can be cancelled.

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
from django.views.decorators.http import condition, require_http_methods, require_POST

from centers.models import Center
from common.challenge import challenge_on_rush
from common.errors import DomainError
from common.hooks import page_snippets
from common.http import with_error_headers

from . import selectors, services
from .constants import DeviceKind, PriorityNeed, TicketStatus
from .devices import device_authorise, device_for, device_remember
from .forms import KioskForm, RemoteJoinForm
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
            reason = form.cleaned_data["preferential_reason"] or PriorityNeed.NONE
            try:
                if key := form.cleaned_data["request_key"]:
                    ticket, _issued = services.kiosk_ticket_issue(
                        device=device, key=key, procedure=form.cleaned_data["procedure"], preferential_reason=reason
                    )
                else:  # a page rendered before request keys: issued as it asks
                    ticket = services.ticket_issue(
                        center=center, procedure=form.cleaned_data["procedure"], preferential_reason=reason
                    )
            except DomainError as exc:
                error, failure = exc.message, exc
            else:
                return device_remember(HttpResponseRedirect(ticket_print_path(ticket)), device=device)
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
            "request_key": services.kiosk_request_key() if chosen else "",
        },
        status=failure.status if failure else 400 if error else 200,
    )
    device_remember(response, device=device)
    # Never kept for "back": a page shown again from the browser's cache would post its used request key and show
    # the previous citizen's ticket; fetched anew, it carries a new key.
    patch_cache_control(response, no_store=True, private=True)
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


def _status_render(request: HttpRequest, ticket: Ticket, *, error: DomainError | None = None) -> HttpResponse:
    response = render(
        request,
        "attention/ticket_status.html",
        {
            "ticket": ticket,
            "estimate": selectors.ticket_estimate(ticket=ticket),
            "steps": selectors.ticket_steps(ticket=ticket),
            "error": error.message if error else "",
            "extras": (
                page_snippets(ticket_page, sender=Ticket, ticket=ticket)
                if ticket.status == TicketStatus.FINISHED
                else []
            ),
        },
        status=error.status if error else 200,
    )
    return with_error_headers(response, error) if error else response


def ticket_status(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen's live view of their ticket (refreshes itself): place, wait, the visit's next step."""
    return _status_render(request, _ticket_from(token))


@require_POST
def ticket_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Leave the line while waiting (Post/Redirect/Get back to the status page)."""
    ticket = _ticket_from(token)
    try:
        services.ticket_cancel(ticket=ticket)
    except DomainError as exc:
        return _status_render(request, _ticket_from(token), error=exc)
    return HttpResponseRedirect(ticket_status_path(ticket))


@require_http_methods(["GET", "POST"])
@challenge_on_rush(limit="remote_join")
def remote_join(request: HttpRequest, slug: str) -> HttpResponse:
    """Join a center's queue from a phone: choose the procedure, give document and mobile number, get a ticket."""
    center = selectors.remote_center_get(slug=slug)
    if center is None:
        raise Http404
    procedures = selectors.remote_procedures(center=center)
    form = RemoteJoinForm(request.POST or None, procedures=procedures)
    failure = None
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_join_remote(center=center, **form.cleaned_data)
        except DomainError as exc:
            failure = exc
            for field, errors in exc.field_errors.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return HttpResponseRedirect(ticket_status_path(ticket))
    invalid = request.method == "POST" and failure is None
    response = render(
        request,
        "attention/remote_join.html",
        {
            "center": center,
            "form": form,
            "has_procedures": procedures.exists(),
            "window": selectors.remote_join_window(center=center),
            "error": failure.message if failure and not failure.field_errors else "",
        },
        status=failure.status if failure else 400 if invalid else 200,
    )
    return with_error_headers(response, failure) if failure else response


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
    return device_remember(render(request, "attention/screen.html", _screen_context(device.center)), device=device)


@require_http_methods(["GET"])
@condition(etag_func=_screen_etag)
def screen_rows(request: HttpRequest, slug: str) -> HttpResponse:
    """The screen's rows (htmx polls it; 304 while nothing changed)."""
    device = device_for(request, kind=DeviceKind.SCREEN, center_slug=slug)
    if device is None:
        return _forbidden(request)
    response = render(request, "attention/includes/screen_rows.html", _screen_context(device.center))
    patch_cache_control(response, no_cache=True, private=True)
    return device_remember(response, device=device)  # renewed whenever the rows change (a screen never reloads)


def _screen_context(center: Center) -> dict:
    rows = selectors.screen_feed(center=center, limit=SCREEN_ROWS, with_steps=True)
    return {
        "center": center,
        "rows": rows,
        "newest": rows[0] if rows else None,
        "poll_seconds": SCREEN_POLL_SECONDS,
        "version": selectors.screen_version(center=center, limit=SCREEN_ROWS),
    }
