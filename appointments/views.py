"""Citizen pages of the virtual channel's booking: the wizard (/citas/nueva/), the confirmation and self-service
(/citas/gestionar/). Plain HTML forms, no JavaScript needed.

How state travels (so the back button and a slow, flaky connection never lose the citizen's place):
- The wizard's choices (procedure, center, month, day, time) live in the query string of plain GET links and
  forms; the citizen's data travels in hidden fields of POST forms (data → review → book). Nothing of the
  wizard lives in the session.
- The booking POST carries a random form id (`nonce`): once it has booked, the same POST again (a double tap, a
  resent form) goes to the same confirmation instead of booking twice; a second tab that slipped past that gets
  the service's Duplicate message.
- Personal data is shown only to the browser that booked, or that gave the code AND the document number: both
  put a short-lived grant (appointment id + expiry, no personal data) in the session. A code alone shows a
  form asking for the document number, identical for codes that exist and codes that do not. Every page and
  POST of an appointment (confirmation, manage, cancel, reschedule, downloads) checks that grant again.
"""

import calendar
import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode

import phonenumbers
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from procedures.models import Procedure

from . import documents, formatting, selectors, services
from .constants import CONSENT_VERSION, AgeBand, AppointmentStatus, DocumentType, Gender, PriorityNeed
from .errors import (
    HTTP_STATUS,
    BookingError,
    InvalidBooking,
    NotFound,
    RateLimited,
    SlotFull,
    WindowClosed,
)
from .forms import CancelForm, CitizenForm, LookupForm, ProcedureSearchForm, StepForm
from .models import Appointment
from .ratelimit import client_address
from .selectors import BOOKABLE_POLICIES, CenterOption, SlotOption
from .validators import code_display, code_normalize

ACCESS_SESSION_KEY = "appointments_access"
ACCESS_SECONDS = 30 * 60
NONCE_CACHE_PREFIX = "appointments:booking-form:"
NONCE_SECONDS = 60 * 60
# The longest booking window a schedule may have (Schedule's check constraint): days beyond it are junk input.
MAX_DAYS_AHEAD = 180
SEARCH_RESULTS = 20

STEPS = [
    ("procedure", gettext_lazy("Procedure")),
    ("center", gettext_lazy("Center")),
    ("day", gettext_lazy("Day")),
    ("slot", gettext_lazy("Time")),
    ("details", gettext_lazy("Your data")),
    ("review", gettext_lazy("Review")),
]
WEEKDAY_ABBREVIATIONS = [
    pgettext_lazy("calendar", "Mon"),
    pgettext_lazy("calendar", "Tue"),
    pgettext_lazy("calendar", "Wed"),
    pgettext_lazy("calendar", "Thu"),
    pgettext_lazy("calendar", "Fri"),
    pgettext_lazy("calendar", "Sat"),
    pgettext_lazy("calendar", "Sun"),
]


# --------------------------------------------------------------------------------------------------------------
# Where the citizen is in the wizard
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """Builds the wizard's GET links: `base` plus the fixed parameters (the procedure) and the given ones."""

    base: str
    fixed: tuple[tuple[str, str], ...] = ()

    def url(self, **params: str) -> str:
        query = urlencode([*self.fixed, *((key, value) for key, value in params.items() if value)])
        return f"{self.base}?{query}" if query else self.base

    @property
    def hidden(self) -> tuple[tuple[str, str], ...]:
        return self.fixed


@dataclass
class BookingPath:
    """What the query string (or the hidden fields) chose so far, checked against the database.

    `step` is the first step still to do (or the one whose input was wrong, with `error` and `status`).
    """

    procedure: Procedure | None = None
    centers: list[CenterOption] = field(default_factory=list)
    option: CenterOption | None = None
    month: dt.date | None = None
    day: dt.date | None = None
    slots: list[SlotOption] = field(default_factory=list)
    slot: SlotOption | None = None
    step: str = "procedure"
    error: str = ""
    status: int = 200

    def fail(self, step: str, message: str, status: int = 400) -> "BookingPath":
        self.step, self.error, self.status = step, message, status
        return self

    @property
    def center(self):
        return self.option.center if self.option else None

    @property
    def params(self) -> dict[str, str]:
        """The wizard's choices as query parameters (without the procedure, which Links adds)."""
        values = {"center": self.center.slug if self.center else ""}
        if self.day:
            values["day"] = self.day.isoformat()
        if self.slot:
            values["slot"] = str(self.slot.slot_id)
        return values


def _month_key(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def _month_add(month: dt.date, delta: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + delta
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_label(month: dt.date) -> str:
    return _("%(month)s %(year)s") % {"month": formatting.MONTHS[month.month - 1], "year": month.year}


def path_resolve(
    data: QueryDict, *, procedure: Procedure | None = None, want_slot: bool = False, allow_full: bool = False
) -> BookingPath:
    """Check the wizard's parameters in order and stop at the first missing or wrong one.

    `procedure` given (rescheduling) skips the procedure step. `want_slot` also checks the chosen time (free,
    unless `allow_full`: then the booking service has the last word and reports SlotFull itself).
    """
    form = StepForm(data)
    form.is_valid()
    cleaned, errors = form.cleaned_data, form.errors
    path = BookingPath()
    if procedure is None:
        raw = data.get("procedure", "").strip()
        if not raw:
            return path
        procedure = None if "procedure" in errors else selectors.procedure_for_booking(slug=cleaned["procedure"])
        if procedure is None:
            return path.fail(
                "procedure",
                _("We do not know the procedure “%(value)s”. Search for it or choose it from the list.")
                % {"value": raw[:60]},
                404,
            )
        if procedure.appointment_policy not in BOOKABLE_POLICIES:
            path.procedure = procedure
            return path.fail(
                "procedure",
                _("“%(name)s” needs no appointment: come during opening hours and take a ticket at the entrance.")
                % {"name": procedure.name},
            )
    path.procedure = procedure
    path.step = "center"
    path.centers = selectors.centers_for_procedure(procedure_id=procedure.pk)
    raw_center = data.get("center", "").strip()
    if not raw_center:
        return path
    path.option = next((o for o in path.centers if o.center.slug == cleaned.get("center")), None)
    if path.option is None:
        return path.fail("center", _("That center does not offer appointments for this procedure. Choose one below."))

    path.step = "day"
    today = timezone.localdate()
    last = today + dt.timedelta(days=MAX_DAYS_AHEAD)
    default_month = (path.option.next_free_date or today).replace(day=1)
    path.month = default_month
    raw_day = data.get("day", "").strip()
    if not raw_day:
        raw_month = data.get("month", "").strip()
        month = cleaned.get("month")
        if raw_month and (month is None or not today.replace(day=1) <= month <= last.replace(day=1)):
            return path.fail(
                "day",
                _("Choose a month between %(first)s and %(last)s.")
                % {"first": _month_label(today), "last": _month_label(last)},
            )
        path.month = month or default_month
        return path
    day = cleaned.get("day")
    if day is None:
        return path.fail("day", _("“%(value)s” is not a date. Choose a day in the calendar.") % {"value": raw_day[:20]})
    if not today <= day <= last:
        return path.fail(
            "day",
            _("Appointments can be booked from today until %(last)s. Choose a day in the calendar.")
            % {"last": formatting.day_display(last)},
        )
    path.day, path.month, path.step = day, day.replace(day=1), "slot"
    path.slots = selectors.slots_of_day(procedure_id=procedure.pk, center_id=path.center.pk, day=day)
    if not want_slot:
        return path
    slot_id = cleaned.get("slot")
    if not data.get("slot", "").strip():
        return path.fail("slot", _("Choose a time."))
    path.slot = next((s for s in path.slots if s.slot_id == slot_id), None)
    if path.slot is None:
        return path.fail("slot", _("That time is not one of this day's times. Choose one from the list."))
    if path.slot.free <= 0 and not allow_full:
        path.slot = None
        return path.fail("slot", str(SlotFull().message), HTTP_STATUS[SlotFull.code])
    path.step = "details"
    return path


# --------------------------------------------------------------------------------------------------------------
# What each step shows
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CenterChoice:
    option: CenterOption
    url: str
    is_current: bool = False


@dataclass(frozen=True)
class CalendarCell:
    day: dt.date | None
    free: int | None = None
    url: str = ""
    is_today: bool = False
    is_chosen: bool = False


@dataclass(frozen=True)
class MonthCalendar:
    label: str
    weeks: list[list[CalendarCell]]
    weekdays: list[tuple[str, str]]
    previous_url: str
    previous_label: str
    next_url: str
    next_label: str
    free_days: int
    next_free_url: str


def _calendar_build(*, path: BookingPath, links: Links) -> MonthCalendar:
    month, center, procedure = path.month, path.center, path.procedure
    today = timezone.localdate()
    free_by_day = selectors.availability_month(
        procedure_id=procedure.pk, center_id=center.pk, year=month.year, month=month.month
    )
    until = selectors.bookable_until(procedure_id=procedure.pk, center_id=center.pk)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        row = []
        for day in week:
            if day.month != month.month:
                row.append(CalendarCell(day=None))
                continue
            free = free_by_day.get(day)
            row.append(
                CalendarCell(
                    day=day,
                    free=free,
                    url=links.url(center=center.slug, day=day.isoformat()) if free else "",
                    is_today=day == today,
                    is_chosen=day == path.day,
                )
            )
        weeks.append(row)
    previous = _month_add(month, -1)
    following = _month_add(month, 1)
    has_previous = previous >= today.replace(day=1)
    has_next = until is not None and following <= until.replace(day=1)
    next_free = path.option.next_free_date
    return MonthCalendar(
        label=_month_label(month),
        weeks=weeks,
        weekdays=list(zip(WEEKDAY_ABBREVIATIONS, formatting.WEEKDAYS, strict=True)),
        previous_url=links.url(center=center.slug, month=_month_key(previous)) if has_previous else "",
        previous_label=_month_label(previous),
        next_url=links.url(center=center.slug, month=_month_key(following)) if has_next else "",
        next_label=_month_label(following),
        free_days=sum(1 for free in free_by_day.values() if free),
        next_free_url=(
            links.url(center=center.slug, month=_month_key(next_free))
            if next_free and next_free.replace(day=1) != month
            else ""
        ),
    )


def _step_context(
    path: BookingPath, links: Links, *, slot_action: str = "", slot_method: str = "get", current_center: str = ""
) -> dict:
    """Context of the center, day and slot steps and of the summary (shared by booking and rescheduling)."""
    context: dict = {"path": path, "links": links}
    if path.step == "center":
        context["center_choices"] = [
            CenterChoice(
                option=option,
                url=links.url(
                    center=option.center.slug,
                    month=_month_key(option.next_free_date) if option.next_free_date else "",
                ),
                is_current=option.center.slug == current_center,
            )
            for option in path.centers
        ]
    if path.step == "day":
        context["calendar"] = _calendar_build(path=path, links=links)
    if path.center:
        month = path.month or timezone.localdate().replace(day=1)
        context["day_url"] = links.url(center=path.center.slug, month=_month_key(month))
    if path.day:
        context["slot_url"] = links.url(center=path.center.slug, day=path.day.isoformat())
    if path.step == "slot":
        context |= {
            "has_free_slot": any(slot.free for slot in path.slots),
            "slot_action": slot_action,
            "slot_method": slot_method,
            "slot_hidden": [*links.hidden, ("center", path.center.slug), ("day", path.day.isoformat())],
        }
    if path.slot:
        context["path_hidden"] = [*links.hidden, *path.params.items()]
    return context


def _booking_links(path: BookingPath) -> Links:
    fixed = (("procedure", path.procedure.slug),) if path.procedure else ()
    return Links(base=reverse("appointments:new"), fixed=fixed)


def _wizard_render(request: HttpRequest, path: BookingPath, *, carry: list[tuple[str, str]] | None = None):
    """The step the path stopped at, with its message (and the citizen's data carried along, if any)."""
    links = _booking_links(path)
    context = _step_context(
        path, links, slot_action=reverse("appointments:details"), slot_method="post" if carry else "get"
    ) | {"steps": _steps(path.step), "carry": carry}
    if path.step == "procedure":
        context |= _procedure_step_context(request)
    return render(request, "appointments/booking/wizard.html", context, status=path.status)


def _steps(current: str) -> list[dict]:
    index = [key for key, _label in STEPS].index(current)
    return [
        {"key": key, "label": label, "number": number, "done": number - 1 < index, "current": number - 1 == index}
        for number, (key, label) in enumerate(STEPS, start=1)
    ]


def _procedure_step_context(request: HttpRequest) -> dict:
    search = ProcedureSearchForm(request.GET or None)
    results = None
    if search.is_bound and search.is_valid() and search.cleaned_data["q"]:
        results = list(selectors.bookable_procedure_list(query=search.cleaned_data["q"])[: SEARCH_RESULTS + 1])
    groups: dict[str, list[Procedure]] = {}
    for procedure in selectors.bookable_procedure_list():
        groups.setdefault(procedure.entity.short_name, []).append(procedure)
    return {
        "search": search,
        "results": results[:SEARCH_RESULTS] if results is not None else None,
        "more_results": results is not None and len(results) > SEARCH_RESULTS,
        "procedure_groups": sorted(groups.items()),
    }


# --------------------------------------------------------------------------------------------------------------
# The wizard
# --------------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def booking_new(request: HttpRequest) -> HttpResponse:
    """Steps 1–4 (procedure, center, day, time): GET only, every choice in the query string."""
    path = path_resolve(request.GET)
    status = path.status
    if path.step == "procedure" and not path.error:
        search = ProcedureSearchForm(request.GET or None)
        if search.is_bound and not search.is_valid():
            status = 400
    response = _wizard_render(request, path)
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
    links = _booking_links(path)
    context = _step_context(path, links) | {
        "steps": _steps("details"),
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
        return _wizard_render(request, path, carry=carry)
    if not form.is_bound:
        return _details_render(request, path, form)
    if not form.is_valid():
        return _details_render(request, path, form, status=400)
    if request.POST.get("edit"):
        return _details_render(request, path, form)
    links = _booking_links(path)
    context = _step_context(path, links) | {
        "steps": _steps("review"),
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
    booked = cache.get(key) if key else None
    if not booked:
        return None
    appointment_id, code = booked
    _access_grant(request, appointment_id=appointment_id, code=code)
    return redirect("appointments:confirmation", code=code)


def _with_retry_after(response: HttpResponse, seconds: int) -> HttpResponse:
    """Tell clients when trying again makes sense (rate limits, rebooking cooldown)."""
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def _problem_render(request: HttpRequest, exc: BookingError, *, path: BookingPath) -> HttpResponse:
    response = render(
        request,
        "appointments/booking/problem.html",
        {
            "message": exc.message,
            "code": exc.code,
            "path": path,
            "new_url": _booking_links(path).url(),
            "retry_minutes": math.ceil(exc.retry_after / 60),
        },
        status=HTTP_STATUS.get(exc.code, 400),
    )
    return _with_retry_after(response, exc.retry_after)


@never_cache
@require_POST
def booking_book(request: HttpRequest) -> HttpResponse:
    """The final POST of the review: books through the service, then redirects to the confirmation (303)."""
    languages = selectors.language_choices()
    form = CitizenForm(request.POST, languages=languages)
    path = path_resolve(request.POST, want_slot=True, allow_full=True)
    valid = form.is_valid()
    if path.step != "details":
        return _wizard_render(request, path, carry=form.hidden_fields_data() if valid else None)
    if not valid:
        return _details_render(request, path, form, status=400)
    key = _nonce_key(request.POST.get("nonce", ""))
    if (done := _already_booked(request, key)) is not None:
        return done
    try:
        appointment = services.appointment_book(
            slot_id=path.slot.slot_id,
            procedure_id=path.procedure.pk,
            citizen=form.citizen(),
            consent_version=CONSENT_VERSION,
            client_address=client_address(request),
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
        cache.set(key, (appointment.pk, appointment.code), NONCE_SECONDS)
    _access_grant(request, appointment_id=appointment.pk, code=appointment.code)
    return HttpResponseRedirect(reverse("appointments:confirmation", kwargs={"code": appointment.code}), status=303)


def _slot_again(request: HttpRequest, path: BookingPath, exc: BookingError, *, carry) -> HttpResponse:
    """Back to the day's times with fresh availability and the reason, keeping the citizen's data."""
    path.slots = selectors.slots_of_day(procedure_id=path.procedure.pk, center_id=path.center.pk, day=path.day)
    path.slot = None
    path.fail("slot", str(exc.message), HTTP_STATUS.get(exc.code, 400))
    return _wizard_render(request, path, carry=carry)


# --------------------------------------------------------------------------------------------------------------
# Access to one appointment: a short-lived grant in the session after booking or a code + document look-up
# --------------------------------------------------------------------------------------------------------------


def _access_grant(request: HttpRequest, *, appointment_id: int, code: str) -> None:
    now = timezone.now().timestamp()
    grants = {
        key: value
        for key, value in request.session.get(ACCESS_SESSION_KEY, {}).items()
        if isinstance(value, list) and len(value) == 2 and value[1] > now
    }
    grants[code] = [appointment_id, now + ACCESS_SECONDS]
    request.session[ACCESS_SESSION_KEY] = grants


def _access_appointment(request: HttpRequest, code: str) -> Appointment | None:
    """The appointment with this code if this browser may see it now (and the grant is renewed), else None."""
    code = code_normalize(code)
    grant = request.session.get(ACCESS_SESSION_KEY, {}).get(code) if code else None
    if not grant or grant[1] <= timezone.now().timestamp():
        return None
    try:
        appointment = selectors.appointment_get(appointment_id=grant[0])
    except Appointment.DoesNotExist:
        return None
    if appointment.code != code or appointment.anonymized_at is not None:
        return None
    if grant[1] - timezone.now().timestamp() < ACCESS_SECONDS / 2:  # renewed now and then, not on every page
        _access_grant(request, appointment_id=appointment.pk, code=code)
    return appointment


def _lookup_redirect(code: str) -> HttpResponse:
    normalized = code_normalize(code)
    url = reverse("appointments:manage")
    return redirect(f"{url}?{urlencode({'codigo': normalized})}" if normalized else url)


def _appointment_context(appointment: Appointment) -> dict:
    return {
        "appointment": appointment,
        "requirements": list(appointment.procedure.requirements.all()),
        "location": documents.center_location(appointment),
        "is_active": appointment.status == AppointmentStatus.BOOKED,
        "is_future": appointment.slot.starts_at > timezone.now(),
    }


@never_cache
@require_http_methods(["GET", "HEAD"])
def booking_confirmation(request: HttpRequest, code: str) -> HttpResponse:
    appointment = _access_appointment(request, code)
    if appointment is None:
        # The same page for every code, existing or not: it only asks for the document number.
        form = LookupForm(initial={"code": code_display(code_normalize(code)) or code[:30]})
        return render(request, "appointments/booking/locked.html", {"form": form})
    context = _appointment_context(appointment) | {
        "qr_svg": mark_safe(documents.appointment_qr_svg(appointment=appointment, scale=5)),
    }
    return render(request, "appointments/booking/confirmation.html", context)


# --------------------------------------------------------------------------------------------------------------
# Self-service
# --------------------------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage_lookup(request: HttpRequest) -> HttpResponse:
    """Code + document number → the appointment (rate limited; one answer for unknown code and wrong document)."""
    status, retry_after, error = 200, 0, ""
    if request.method == "POST":
        form = LookupForm(request.POST)
        if form.is_valid():
            try:
                appointment = selectors.appointment_lookup(
                    code=form.cleaned_data["code"],
                    document_number=form.cleaned_data["document_number"],
                    client_address=client_address(request),
                )
            except RateLimited as exc:
                retry_after, error, status = exc.retry_after, exc.message, HTTP_STATUS[exc.code]
            else:
                if appointment is not None:
                    _access_grant(request, appointment_id=appointment.pk, code=appointment.code)
                    return HttpResponseRedirect(
                        reverse("appointments:manage_detail", kwargs={"code": appointment.code}), status=303
                    )
                error, status = NotFound().message, HTTP_STATUS[NotFound.code]
        else:
            status = 400
    else:
        raw = request.GET.get("codigo", "")[:30]
        form = LookupForm(initial={"code": code_display(code_normalize(raw)) or raw})
    context = {"form": form, "error": error, "retry_minutes": math.ceil(retry_after / 60)}
    response = render(request, "appointments/manage/lookup.html", context, status=status)
    return _with_retry_after(response, retry_after)


@never_cache
@require_http_methods(["GET", "HEAD"])
def manage_detail(request: HttpRequest, code: str) -> HttpResponse:
    appointment = _access_appointment(request, code)
    if appointment is None:
        return _lookup_redirect(code)
    context = _appointment_context(appointment)
    if context["is_active"]:
        context["qr_svg"] = mark_safe(documents.appointment_qr_svg(appointment=appointment, scale=5))
    return render(request, "appointments/manage/detail.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage_cancel(request: HttpRequest, code: str) -> HttpResponse:
    """A confirmation step with an optional reason; the POST cancels (the slot is free at once)."""
    appointment = _access_appointment(request, code)
    if appointment is None:
        return _lookup_redirect(code)
    context = _appointment_context(appointment)
    if not context["is_active"]:
        messages.info(request, _("This appointment is no longer active."))
        return redirect("appointments:manage_detail", code=appointment.code)
    form = CancelForm(request.POST if request.method == "POST" else None)
    status, error = 200, ""
    if form.is_bound:
        if form.is_valid():
            try:
                services.appointment_cancel(appointment=appointment, reason=form.cleaned_data["reason"])
            except BookingError as exc:
                error, status = exc.message, HTTP_STATUS.get(exc.code, 400)
            else:
                messages.success(
                    request, _("Your appointment has been cancelled. Its time is free for other citizens.")
                )
                return HttpResponseRedirect(
                    reverse("appointments:manage_detail", kwargs={"code": appointment.code}), status=303
                )
        else:
            status = 400
    return render(request, "appointments/manage/cancel.html", context | {"form": form, "error": error}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage_reschedule(request: HttpRequest, code: str) -> HttpResponse:
    """The same center/day/time pickers for the appointment's procedure; the time's POST moves it atomically."""
    appointment = _access_appointment(request, code)
    if appointment is None:
        return _lookup_redirect(code)
    context = _appointment_context(appointment)
    if not (context["is_active"] and context["is_future"]):
        messages.info(request, _("This appointment can no longer be changed."))
        return redirect("appointments:manage_detail", code=appointment.code)
    posted = request.method == "POST"
    data = request.POST if posted else request.GET
    links = Links(base=reverse("appointments:reschedule", kwargs={"code": appointment.code}))
    path = path_resolve(data, procedure=appointment.procedure, want_slot=posted, allow_full=True)
    if posted and path.step == "details":
        try:
            moved = services.appointment_reschedule(
                appointment=appointment, slot_id=path.slot.slot_id, client_address=client_address(request)
            )
        except BookingError as exc:
            path.slots = selectors.slots_of_day(
                procedure_id=appointment.procedure_id, center_id=path.center.pk, day=path.day
            )
            path.slot = None
            path.fail("slot", str(exc.message), HTTP_STATUS.get(exc.code, 400))
            if exc.retry_after:
                return _with_retry_after(
                    _reschedule_render(request, appointment, path, links, context), exc.retry_after
                )
        else:
            messages.success(
                request,
                _("Done: your appointment is now on %(when)s.")
                % {"when": formatting.when_display(moved.slot.starts_at)},
            )
            return HttpResponseRedirect(
                reverse("appointments:manage_detail", kwargs={"code": appointment.code}), status=303
            )
    return _reschedule_render(request, appointment, path, links, context)


def _reschedule_render(request, appointment, path: BookingPath, links: Links, context: dict) -> HttpResponse:
    context = (
        context
        | _step_context(path, links, slot_action=links.base, slot_method="post", current_center=appointment.center.slug)
        | {"slot_submit": _("Move my appointment to this time")}
    )
    return render(request, "appointments/manage/reschedule.html", context, status=path.status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def appointment_ics_download(request: HttpRequest, code: str) -> HttpResponse:
    appointment = _access_appointment(request, code)
    if appointment is None:
        return _lookup_redirect(code)
    body = documents.appointment_ics(
        appointment=appointment, cancelled=appointment.status == AppointmentStatus.CANCELLED
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{documents.ics_filename(appointment)}"'
    return response


@never_cache
@require_http_methods(["GET", "HEAD"])
def appointment_qr_download(request: HttpRequest, code: str) -> HttpResponse:
    appointment = _access_appointment(request, code)
    if appointment is None:
        return _lookup_redirect(code)
    response = HttpResponse(documents.appointment_qr_png(appointment=appointment), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{documents.qr_filename(appointment, "png")}"'
    return response
