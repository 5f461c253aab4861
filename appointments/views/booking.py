"""The booking pages: steps 1–4 (GET), the citizen's data (step 5, POST then 303), the review (step 6, a GET of
a stored draft), the final POST, the confirmation.

Post/Redirect/Get all the way: the data step's POST stores a draft and redirects to its review, the final POST
redirects to the confirmation, so Back and reload never resend a form. The draft's token is the booking's
idempotency key: a double tap, a resent form or three identical POSTs at once book once and all land on the same
confirmation (drafts.py); a second draft of the same booking (another tab) gets the service's Duplicate message.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import phonenumbers
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from common.cache import Claim
from common.challenge import challenge_on_rush
from common.errors import DomainError, RateLimited
from common.hooks import page_snippets
from common.http import with_error_headers
from common.ratelimit import rate_limits_hit

from .. import documents, selectors, services
from ..constants import CONSENT_VERSION, AgeBand, DocumentType, Gender, PriorityNeed
from ..errors import BookingError, InvalidBooking, SlotFull, WindowClosed
from ..forms import CitizenForm, LookupForm, ProcedureSearchForm
from ..limits import center_day_attempt, center_day_read, center_day_sign
from ..models import Appointment, Slot
from ..services import Citizen, CleanCitizen
from ..signals import confirmation_page
from ..validators import code_display, code_normalize
from .access import (
    access_grant,
    access_grants_key,
    access_grants_known,
    appointment_access_required,
    appointment_context,
)
from .drafts import (
    Draft,
    chosen_token,
    draft_booked_entry,
    draft_claimed,
    draft_entries,
    draft_latest,
    draft_load,
    draft_lock_claim,
    draft_state,
    draft_store,
    draft_unlock,
)
from .wizard import BookingPath, booking_links, path_resolve, step_context, steps_of, wizard_render


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
    if data.get("survey_consent"):
        rows.append((_("Satisfaction survey"), _("Invite me once after I am served")))
    rows.append((_("Personal data terms"), _("Accepted (version %(version)s)") % {"version": CONSENT_VERSION}))
    return rows


def _details_render(request: HttpRequest, path: BookingPath, form: CitizenForm, *, status: int = 200):
    links = booking_links(path)
    context = step_context(path, links) | {
        "steps": steps_of("details"),
        "review_steps": steps_of("review"),
        "form": form,
        "consent_version": CONSENT_VERSION,
    }
    return render(request, "appointments/booking/details.html", context, status=status)


def _form_from_fields(fields: list[tuple[str, str]], languages) -> CitizenForm:
    data = QueryDict(mutable=True)
    for name, value in fields:
        data.appendlist(name, value)
    return CitizenForm(data, languages=languages)


def _review_url(token: str) -> str:
    return reverse("appointments:review", kwargs={"token": token})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def booking_details(request: HttpRequest) -> HttpResponse:
    """Step 5, the citizen's data: GET shows the form (filled in with this browser's latest draft, so Back and
    "Correct my data" keep what was typed), POST checks it, stores a draft and answers 303 to the review (PRG).

    A POST with `borrador` and no data (the time chosen again after the review) reuses that draft's data.
    A POST with `elegido` was confirmed on this page, on the review booking.js showed: it books at once (one request,
    as the final POST would), under a draft token derived from that value (drafts.chosen_token). A GET with
    `elegido` (Back after that booking: the script put it in the page's address) or `borrador` of a draft that has
    booked shows its confirmation.
    """
    posted = request.method == "POST"
    data = request.POST if posted else request.GET
    path = path_resolve(data, want_slot=True)
    carried = draft_load(request, request.POST.get("borrador", "")) if posted else None
    if path.step != "details":
        # A time taken meanwhile (the busiest answer of a rush): the day's times again, the data kept in a draft
        # only if it was one already; the form is not built at all.
        carry = [("borrador", carried.token)] if carried else None
        return wizard_render(request, path, carry=carry)
    languages = selectors.language_choices()
    if carried is not None and "document_number" not in request.POST:
        form = _form_from_fields(carried.fields, languages)
    elif posted:
        form = CitizenForm(request.POST, languages=languages)
    else:
        token = request.GET.get("borrador", "") or chosen_token(request, request.GET.get("elegido", ""))
        state = draft_state(request, token)
        if state.booked is not None:
            return _to_confirmation(request, state.booked)
        draft = state.draft or draft_latest(request)
        form = CitizenForm(initial=dict(draft.fields) if draft else None, languages=languages)
    if not form.is_bound:
        return _details_render(request, path, form)
    if not form.is_valid():
        return _details_render(request, path, form, status=400)
    chosen = chosen_token(request, request.POST.get("elegido", ""), create=True) if carried is None else ""
    draft, entries = draft_entries(
        request,
        path=[*booking_links(path).hidden, *path.params.items()],
        fields=form.hidden_fields_data(),
        procedure_id=path.procedure.pk,
        slot_id=path.slot.slot_id,
        token=chosen,
    )
    if chosen:
        return _details_book(request, _Confirmed(draft, entries, path.bookable, form.checked_citizen))
    draft_store(entries)
    return HttpResponseRedirect(_review_url(draft.token), status=303)


def _draft_path(draft: Draft, **kwargs) -> BookingPath:
    data = QueryDict(mutable=True)
    for name, value in draft.path:
        data.appendlist(name, value)
    return path_resolve(data, **kwargs)


def _draft_gone(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Your booking was not finished in time, so we did not keep your data. Start again."))
    return redirect("appointments:new")


def _to_confirmation(request: HttpRequest, booked: tuple[int, str], *, also: dict | None = None) -> HttpResponse:
    appointment_id, code = booked
    access_grant(request, appointment_id=appointment_id, code=code, also=also)
    return HttpResponseRedirect(reverse("appointments:confirmation", kwargs={"code": code}), status=303)


@never_cache
@require_http_methods(["GET", "HEAD"])
def booking_review(request: HttpRequest, token: str) -> HttpResponse:
    """Step 6, the review of a draft (a GET: reload and Back are harmless). Once the draft has booked, its
    confirmation; while another request of this browser is booking it, a page that refreshes until it knows."""
    state = draft_state(request, token)
    draft = state.draft
    if state.booked is not None:
        return _to_confirmation(request, state.booked)
    if state.in_flight:  # a one-request booking (booking.js) stores its draft only with its outcome
        return render(request, "appointments/booking/pending.html", {"review_url": _review_url(token)}, status=202)
    if draft is None:
        return _draft_gone(request)
    path = _draft_path(draft, want_slot=True)
    if path.step != "details":
        return wizard_render(request, path, carry=[("borrador", draft.token)])
    form = _form_from_fields(draft.fields, selectors.language_choices())
    if not form.is_valid():
        return _details_render(request, path, form, status=400)
    links = booking_links(path)
    context = step_context(path, links) | {
        "steps": steps_of("review"),
        "rows": _review_rows(form),
        "draft": draft,
        "center_day": center_day_sign(path.center.slug, path.day.isoformat()),
        "edit_url": f"{reverse('appointments:details')}?{urlencode([*draft.path, ('borrador', draft.token)])}",
    }
    return render(request, "appointments/booking/review.html", context)


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


def _limited_render(request: HttpRequest, error: DomainError, token: str) -> HttpResponse:
    """Over a booking limit: a repeat of a POST whose draft has booked (a double tap) gets that booking's
    confirmation, as under the limit; anything else the reason and when to try again."""
    state = draft_state(request, token)
    if state.booked is not None:
        return _to_confirmation(request, state.booked)
    return _problem_render(request, error, path=_draft_path(state.draft) if state.draft else BookingPath())


def _book_rate_limited(request: HttpRequest, error: DomainError) -> HttpResponse:
    return _limited_render(request, error, request.POST.get("borrador", ""))


def _lock_claim(request: HttpRequest, token: str) -> Claim | None:
    """The draft's booking lock, taken with the draft, its outcome and the browser's grants read (drafts.py)."""
    grants_key = access_grants_key(request)
    return draft_lock_claim(token, also=[grants_key] if grants_key else [])


@never_cache
@require_POST
@challenge_on_rush(
    limit="book",
    also=lambda request: _center_day_attempts(request, _center_day_posted(request)),
    claim=lambda request: _lock_claim(request, request.POST.get("borrador", "")),
    on_limit=_book_rate_limited,
)
def booking_book(request: HttpRequest, claimed: Claim | None = None) -> HttpResponse:
    """The review's final POST: books the draft through the service and answers 303 to the confirmation.

    The happy path reads nothing but the draft (the service checks the slot, the procedure and the data again):
    its lock, the draft, its outcome and the browser's grants come with the rate limits, in one round trip. So
    does its center-day limit, for the center and day the review's form sends signed with the token; the draft's own
    are counted again (a round trip more) when the form's are missing, forged or another draft's.
    The same draft posted again, or at the same time, never books twice: see drafts.py.
    """
    return _draft_book(request, request.POST.get("borrador", ""), claimed=claimed)


@dataclass(frozen=True)
class _Confirmed:
    """A booking confirmed on the data page (booking.js): its draft and the cache entries that store it (stored only
    with its outcome), and what the data step checked in this request (the slot as the booking service reads it, the
    citizen as it cleans them), handed on to the service, which neither reads nor checks them again."""

    draft: Draft
    entries: dict
    slot: Slot | None
    citizen: CleanCitizen | None


def _center_day_posted(request: HttpRequest) -> dict[str, str]:
    """The center and day the review's form sent, signed (limits.center_day_sign); {} when missing or forged. Read
    once per request (the limits' round trip and the view both ask), as access.py keeps the grants."""
    posted = getattr(request, "_mac_center_day", None)
    if posted is None:
        posted = center_day_read(request.POST.get("centro_dia", ""))
        request._mac_center_day = posted  # type: ignore[attr-defined]
    return posted


def _details_rate_limited(request: HttpRequest, error: DomainError, confirmed: _Confirmed) -> HttpResponse:
    return _limited_render(request, error, confirmed.draft.token)


def _center_day_attempts(request: HttpRequest, chosen: Mapping[str, str]) -> list[tuple[str, str]]:
    """Anti-hoarding: the attempt the center-day limit counts (limits.center_day_attempt) for the center and day of
    `chosen` (a draft's path: the data step checked them against its time, no query; or the review's form, signed),
    none without them."""
    center, day = chosen.get("center", ""), chosen.get("day", "")
    return [center_day_attempt(request, center, day)] if center and day else []


@challenge_on_rush(
    limit="book",
    also=lambda request, confirmed: _center_day_attempts(request, dict(confirmed.draft.path)),
    claim=lambda request, confirmed: _lock_claim(request, confirmed.draft.token),
    on_limit=_details_rate_limited,
)
def _details_book(request: HttpRequest, confirmed: _Confirmed, claimed: Claim | None = None) -> HttpResponse:
    """The data step's POST confirmed on its page (booking.js): books the checked data at once, under the same
    limits, rush challenge and idempotency as the final POST (the draft is stored only with its outcome). Its
    center-day limit is counted with the others and the draft's lock taken, in one round trip: a repeat of the POST
    counts too, as it does against the booking limit, and over a limit still finds its confirmation
    (_limited_render)."""
    return _draft_book(request, confirmed.draft.token, new=confirmed, claimed=claimed)


def _draft_book(
    request: HttpRequest, token: str, *, new: _Confirmed | None = None, claimed: Claim | None = None
) -> HttpResponse:
    """Book the draft `token` (the stored one, or `new`: confirmed on the data page, not stored yet) once: its lock
    was taken with its reads (`claimed`, with the rate limits); a repeat finds its outcome, a POST at the same time
    waits on the review."""
    state, locked, found = draft_claimed(request, token, claimed)
    access_grants_known(request, found.get(access_grants_key(request)))
    booked = state.booked
    draft, entries = (new.draft, new.entries) if new is not None else (state.draft, {})
    if locked and (draft is None or booked is not None):  # nothing to book: the lock goes back
        draft_unlock(token)
    if draft is None:
        return _draft_gone(request)
    if booked is not None:
        return _to_confirmation(request, booked)
    if not locked:
        return HttpResponseRedirect(_review_url(token), status=303)
    # The final POST's center-day limit was counted with its others for the center and day its form sent, signed
    # (the one-request booking's for its draft's): the draft's own are counted now only if they differ.
    drafted = _center_day_attempts(request, dict(draft.path)) if new is None else []
    if drafted and drafted != _center_day_attempts(request, _center_day_posted(request)):
        try:
            rate_limits_hit(drafted)
        except RateLimited as exc:
            draft_unlock(token)
            return _problem_render(request, exc, path=_draft_path(draft, want_slot=True, allow_full=True))
    checked = new or _Confirmed(draft, entries, slot=None, citizen=None)  # the final POST: the service checks all
    try:
        appointment = services.appointment_book(
            slot_id=draft.slot_id,
            procedure_id=draft.procedure_id,
            citizen=checked.citizen or Citizen.from_data(dict(_citizen_values(draft.fields))),
            consent_version=CONSENT_VERSION,
            slot=checked.slot,
        )
    except BookingError as exc:
        _give_back(token, entries)
        return _book_failed(request, draft, exc)
    except Exception:
        # A crash (the database gone, say): the lock goes back and the data stays, so the citizen's retry books
        # instead of waiting out the lock and finding the draft gone.
        _give_back(token, entries)
        raise
    # The grant, the draft's outcome (its idempotency record) and a new draft in one round trip.
    booked = (appointment.pk, appointment.code)
    outcome = draft_booked_entry(token, appointment_id=booked[0], code=booked[1])
    return _to_confirmation(request, booked, also=entries | outcome)


def _give_back(token: str, entries: dict) -> None:
    """A booking that did not happen: its lock goes back, and a draft not stored yet (one request) is stored, so its
    data stays for the times page's "choose another time" or a retry."""
    if entries:
        draft_store(entries)
    draft_unlock(token)


def _citizen_values(fields: list[tuple[str, str]]) -> list[tuple[str, str | bool]]:
    """The draft's fields as Citizen values (a ticked box travels as "on")."""
    return [(name, True if value == "on" else value) for name, value in fields]


def _book_failed(request: HttpRequest, draft: Draft, exc: BookingError) -> HttpResponse:
    path = _draft_path(draft, want_slot=True, allow_full=True)
    if path.step != "details":
        return wizard_render(request, path, carry=[("borrador", draft.token)])
    if isinstance(exc, SlotFull | WindowClosed) or (isinstance(exc, InvalidBooking) and not exc.field_errors):
        return _slot_again(request, path, exc, carry=[("borrador", draft.token)])
    if isinstance(exc, InvalidBooking):
        form = _form_from_fields(draft.fields, selectors.language_choices())
        form.is_valid()
        form.add_service_errors(exc.field_errors)
        return _details_render(request, path, form, status=400)
    return _problem_render(request, exc, path=path)


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
        "extras": page_snippets(confirmation_page, sender=Appointment, appointment=appointment),
    }
    return render(request, "appointments/booking/confirmation.html", context)
