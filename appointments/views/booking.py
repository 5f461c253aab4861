"""The booking pages: steps 1–4 (GET), the citizen's data and review (step 5–6), the final POST, the
confirmation.

The booking POST carries a random form id (`nonce`): once it has booked, the same POST again (a double tap, a
resent form) goes to the same confirmation instead of booking twice; a second tab that slipped past that gets the
service's Duplicate message.
"""

import hashlib
import math
import secrets

import phonenumbers
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from common.cache import resilient_cache
from common.challenge import challenge_on_rush
from common.errors import DomainError, RateLimited
from common.http import with_error_headers
from common.ratelimit import client_network_limit_hit, rate_limit

from .. import documents, selectors, services
from ..constants import CONSENT_VERSION, AgeBand, DocumentType, Gender, PriorityNeed
from ..errors import BookingError, InvalidBooking, SlotFull, WindowClosed
from ..forms import CitizenForm, LookupForm, ProcedureSearchForm
from ..models import Appointment
from ..validators import code_display, code_normalize
from .access import access_grant, appointment_access_required, appointment_context
from .wizard import BookingPath, booking_links, path_resolve, step_context, steps_of, wizard_render

NONCE_CACHE_PREFIX = "appointments:booking-form:"
NONCE_SECONDS = 60 * 60


@require_http_methods(["GET", "HEAD"])
def booking_new(request: HttpRequest) -> HttpResponse:
    """Steps 1–4 (procedure, center, day, time): GET only, every choice in the query string."""
    path = path_resolve(request.GET)
    status = path.status
    if path.step == "procedure" and not path.error:
        search = ProcedureSearchForm(request.GET or None)
        if search.is_bound and not search.is_valid():
            status = 400
    response = wizard_render(request, path)
    response.status_code = status
    return response


def _review_rows(form: CitizenForm) -> list[tuple[str, str]]:
    data = form.cleaned_data
    rows = [
        (_("Identity document"), f"{DocumentType(data['document_type']).label} {data['document_number']}"),
        (_("Full name"), data["full_name"]),
    ]
    if data["email"]:
        rows.append((_("E-mail"), data["email"]))
    if data["phone"]:
        number = phonenumbers.parse(data["phone"])
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        rows.append((_("Mobile phone"), national if number.country_code == 51 else data["phone"]))
    languages = dict(form.fields["preferred_language"].choices)
    rows.append((_("Language"), str(languages.get(data["preferred_language"], _("No preference")))))
    rows.append((_("Preferential attention"), str(PriorityNeed(data["priority_need"]).label)))
    if data["segmentation_consent"] and (data["age_band"] or data["gender"]):
        parts = [str(AgeBand(data["age_band"]).label)] if data["age_band"] else []
        parts += [str(Gender(data["gender"]).label)] if data["gender"] else []
        rows.append((_("Statistics (optional)"), ", ".join(parts)))
    rows.append((_("Personal data terms"), _("Accepted (version %(version)s)") % {"version": CONSENT_VERSION}))
    return rows


def _details_render(request: HttpRequest, path: BookingPath, form: CitizenForm, *, status: int = 200):
    links = booking_links(path)
    context = step_context(path, links) | {
        "steps": steps_of("details"),
        "form": form,
        "consent_version": CONSENT_VERSION,
    }
    return render(request, "appointments/booking/details.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def booking_details(request: HttpRequest) -> HttpResponse:
    """Step 5 (the citizen's data; GET shows it, POST checks it) and step 6 (review, the answer to a valid POST).

    The review's "Correct my data" button posts the data back here with `edit` to show the form filled in.
    """
    data = request.POST if request.method == "POST" else request.GET
    path = path_resolve(data, want_slot=True)
    languages = selectors.language_choices()
    form = CitizenForm(request.POST if request.method == "POST" else None, languages=languages)
    if path.step != "details":
        carry = form.hidden_fields_data() if form.is_bound and form.is_valid() else None
        return wizard_render(request, path, carry=carry)
    if not form.is_bound:
        return _details_render(request, path, form)
    if not form.is_valid():
        return _details_render(request, path, form, status=400)
    if request.POST.get("edit"):
        return _details_render(request, path, form)
    links = booking_links(path)
    context = step_context(path, links) | {
        "steps": steps_of("review"),
        "form": form,
        "carry": form.hidden_fields_data(),
        "rows": _review_rows(form),
        "nonce": secrets.token_urlsafe(16),
    }
    return render(request, "appointments/booking/review.html", context)


def _nonce_key(nonce: str) -> str | None:
    nonce = (nonce or "").strip()
    if not 16 <= len(nonce) <= 64:
        return None
    return NONCE_CACHE_PREFIX + hashlib.sha256(nonce.encode()).hexdigest()


def _already_booked(request: HttpRequest, key: str | None) -> HttpResponse | None:
    """The confirmation of the booking this same form made before (a double tap or a resent POST), if any."""
    booked = resilient_cache.get(key) if key else None
    if not booked:
        return None
    appointment_id, code = booked
    access_grant(request, appointment_id=appointment_id, code=code)
    return redirect("appointments:confirmation", code=code)


def _problem_render(request: HttpRequest, exc: DomainError, *, path: BookingPath) -> HttpResponse:
    response = render(
        request,
        "appointments/booking/problem.html",
        {
            "message": exc.message,
            "code": exc.code,
            "path": path,
            "new_url": booking_links(path).url(),
            "retry_minutes": math.ceil(exc.retry_after / 60),
        },
        status=exc.status,
    )
    return with_error_headers(response, exc)


def _book_rate_limited(request: HttpRequest, error: DomainError) -> HttpResponse:
    return _problem_render(request, error, path=path_resolve(request.POST))


@never_cache
@require_POST
@rate_limit("book", on_limit=_book_rate_limited)
@challenge_on_rush
def booking_book(request: HttpRequest) -> HttpResponse:
    """The final POST of the review: books through the service, then redirects to the confirmation (303)."""
    languages = selectors.language_choices()
    form = CitizenForm(request.POST, languages=languages)
    path = path_resolve(request.POST, want_slot=True, allow_full=True)
    valid = form.is_valid()
    if path.step != "details":
        return wizard_render(request, path, carry=form.hidden_fields_data() if valid else None)
    if not valid:
        return _details_render(request, path, form, status=400)
    key = _nonce_key(request.POST.get("nonce", ""))
    if (done := _already_booked(request, key)) is not None:
        return done
    try:  # how many places of one center-day one network may take (anti-hoarding)
        client_network_limit_hit(request, "book_center_day", path.center.pk, path.day.isoformat())
    except RateLimited as exc:
        return _problem_render(request, exc, path=path)
    try:
        appointment = services.appointment_book(
            slot_id=path.slot.slot_id,
            procedure_id=path.procedure.pk,
            citizen=form.citizen(),
            consent_version=CONSENT_VERSION,
        )
    except (SlotFull, WindowClosed) as exc:
        return _slot_again(request, path, exc, carry=form.hidden_fields_data())
    except InvalidBooking as exc:
        if exc.field_errors:
            form.add_service_errors(exc.field_errors)
            return _details_render(request, path, form, status=400)
        return _slot_again(request, path, exc, carry=form.hidden_fields_data())
    except BookingError as exc:
        # Duplicate from a second tab of the same form: that booking's confirmation, if it is ours.
        if (done := _already_booked(request, key)) is not None:
            return done
        return _problem_render(request, exc, path=path)
    if key:
        resilient_cache.set(key, (appointment.pk, appointment.code), NONCE_SECONDS)
    access_grant(request, appointment_id=appointment.pk, code=appointment.code)
    return HttpResponseRedirect(reverse("appointments:confirmation", kwargs={"code": appointment.code}), status=303)


def _slot_again(request: HttpRequest, path: BookingPath, exc: BookingError, *, carry) -> HttpResponse:
    """Back to the day's times with fresh availability and the reason, keeping the citizen's data."""
    path.slots = selectors.slots_of_day(procedure_id=path.procedure.pk, center_id=path.center.pk, day=path.day)
    path.slot = None
    path.fail("slot", str(exc.message), exc.status)
    return wizard_render(request, path, carry=carry)


def _locked_render(request: HttpRequest, code: str) -> HttpResponse:
    """The same page for every code, existing or not: it only asks for the document number."""
    form = LookupForm(initial={"code": code_display(code_normalize(code)) or code[:30]})
    return render(request, "appointments/booking/locked.html", {"form": form})


@never_cache
@require_http_methods(["GET", "HEAD"])
@appointment_access_required(on_denied=_locked_render)
def booking_confirmation(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    context = appointment_context(appointment) | {
        "qr_svg": mark_safe(documents.appointment_qr_svg(appointment=appointment, scale=5)),
    }
    return render(request, "appointments/booking/confirmation.html", context)
