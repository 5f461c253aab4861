"""The booking wizard's state and steps (procedure, center, day, time), shared by booking and rescheduling.

How state travels (so the back button and a slow, flaky connection never lose the citizen's place): the wizard's
choices (procedure, center, month, day, time) live in the query string of plain GET links and forms; the
citizen's data travels in hidden fields of POST forms (data → review → book). Nothing of the wizard lives in the
session.
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from centers import selectors as center_selectors
from centers.constants import Channel
from centers.models import Center
from centers.views import OfferingRow, entity_label, offering_rows
from common.memo import ProcessMemo
from common.pagecache import CSRF_PLACEHOLDER
from procedures.models import Procedure

from .. import formatting, selectors, services
from ..errors import BookingError, SlotFull
from ..forms import ProcedureSearchForm, step_read
from ..models import Slot
from ..selectors import CenterOption, SlotOption

# The longest booking window a schedule may have (Schedule's check constraint): days beyond it are junk input.
MAX_DAYS_AHEAD = 180
SEARCH_RESULTS = 20
FIRST_FREE_DAYS = 6
FIRST_FREE_SPAN_DAYS = 31

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
    # The chosen slot as the booking service read it (services.slot_bookable), when the data step checked it.
    bookable: Slot | None = None
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


def month_key(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def month_add(month: dt.date, delta: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + delta
    return dt.date(index // 12, index % 12 + 1, 1)


def month_label(month: dt.date) -> str:
    return _("%(month)s %(year)s") % {"month": formatting.MONTHS[month.month - 1], "year": month.year}


def _chosen_slot(*, procedure: Procedure, center: Center, day: dt.date, slot_id: int) -> Slot | None:
    """Slot `slot_id` if it is a time of `day` at `center` that can be booked now for `procedure` (full or not), as
    services.slot_bookable reads it; None otherwise."""
    try:
        slot = services.slot_bookable(slot_id=slot_id, procedure_id=procedure.pk)
    except BookingError:
        return None
    if slot.center_id != center.pk or formatting.lima_date(slot.starts_at) != day:
        return None
    return slot


def path_resolve(
    data: QueryDict, *, procedure: Procedure | None = None, want_slot: bool = False, allow_full: bool = False
) -> BookingPath:
    """Check the wizard's parameters in order and stop at the first missing or wrong one.

    `procedure` given (rescheduling) skips the procedure step. `want_slot` also checks the chosen time (free,
    unless `allow_full`: then the booking service has the last word and reports SlotFull itself).
    """
    cleaned, errors = step_read(data)
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
        if not procedure.is_bookable:
            path.procedure = procedure
            return path.fail(
                "procedure",
                _("“%(name)s” needs no appointment: come during opening hours and take a ticket at the entrance.")
                % {"name": procedure.name},
            )
    path.procedure = procedure
    path.step = "center"
    raw_center = data.get("center", "").strip()
    raw_day = data.get("day", "").strip()
    if raw_center and raw_day and cleaned.get("center"):
        # A day is chosen: the center's next free day (an aggregate over every slot) is not needed, only the center.
        path.option = selectors.center_for_procedure(procedure_id=procedure.pk, slug=cleaned["center"])
    if path.option is None:
        path.centers = selectors.centers_for_procedure(procedure_id=procedure.pk)
    if not raw_center:
        return path
    path.option = path.option or next((o for o in path.centers if o.center.slug == cleaned.get("center")), None)
    if path.option is None:
        path.centers = path.centers or selectors.centers_for_procedure(procedure_id=procedure.pk)
        return path.fail("center", _("That center does not offer appointments for this procedure. Choose one below."))

    path.step = "day"
    today = timezone.localdate()
    last = today + dt.timedelta(days=MAX_DAYS_AHEAD)
    if not raw_day:
        default_month = (path.option.next_free_date or today).replace(day=1)
        path.month = default_month
        raw_month = data.get("month", "").strip()
        month = cleaned.get("month")
        if raw_month and (month is None or not today.replace(day=1) <= month <= last.replace(day=1)):
            return path.fail(
                "day",
                _("Choose a month between %(first)s and %(last)s.")
                % {"first": month_label(today), "last": month_label(last)},
            )
        path.month = month or default_month
        return path
    day = cleaned.get("day")
    if day is None or not today <= day <= last:
        # Back to the calendar, which needs the center's next free day after all.
        path.centers = path.centers or selectors.centers_for_procedure(procedure_id=procedure.pk)
        path.option = next((o for o in path.centers if o.center.pk == path.center.pk), path.option)
        path.month = (path.option.next_free_date or today).replace(day=1)
    if day is None:
        return path.fail("day", _("“%(value)s” is not a date. Choose a day in the calendar.") % {"value": raw_day[:20]})
    if not today <= day <= last:
        return path.fail(
            "day",
            _("Appointments can be booked from today until %(last)s. Choose a day in the calendar.")
            % {"last": formatting.day_display(last)},
        )
    path.day, path.month, path.step = day, day.replace(day=1), "slot"
    if want_slot and (slot_id := cleaned.get("slot")) is not None:
        # The data step: the chosen time alone, read and checked as the booking service reads it (one statement,
        # which the one-request booking hands on to it); the whole day only when a time must be chosen again below.
        chosen = _chosen_slot(procedure=procedure, center=path.center, day=day, slot_id=slot_id)
        if chosen is not None and (chosen.booked < chosen.capacity or allow_full):
            free = max(chosen.capacity - chosen.booked, 0)
            path.slot = SlotOption(slot_id=chosen.pk, starts_at=chosen.starts_at, ends_at=chosen.ends_at, free=free)
            path.bookable, path.step = chosen, "details"
            return path
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
        return path.fail("slot", str(SlotFull().message), SlotFull.status)
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
    first_free: list[CalendarCell]


def calendar_build(*, path: BookingPath, links: Links) -> MonthCalendar:
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
    previous = month_add(month, -1)
    following = month_add(month, 1)
    has_previous = previous >= today.replace(day=1)
    has_next = until is not None and following <= until.replace(day=1)
    next_free = path.option.next_free_date
    first_free: list[CalendarCell] = []
    if next_free:
        # The soonest free days as one-tap links above the calendar: a phone sees them without scrolling, even
        # when the first free day is the last of its month.
        upcoming = selectors.availability_by_day(
            procedure_id=procedure.pk,
            center_id=center.pk,
            date_from=max(next_free, today),
            date_to=max(next_free, today) + dt.timedelta(days=FIRST_FREE_SPAN_DAYS),
        )
        first_free = [
            CalendarCell(day=day, free=free, url=links.url(center=center.slug, day=day.isoformat()))
            for day, free in sorted(upcoming.items())
            if free
        ][:FIRST_FREE_DAYS]
    return MonthCalendar(
        label=month_label(month),
        weeks=weeks,
        weekdays=list(zip(WEEKDAY_ABBREVIATIONS, formatting.WEEKDAYS, strict=True)),
        previous_url=links.url(center=center.slug, month=month_key(previous)) if has_previous else "",
        previous_label=month_label(previous),
        next_url=links.url(center=center.slug, month=month_key(following)) if has_next else "",
        next_label=month_label(following),
        free_days=sum(1 for free in free_by_day.values() if free),
        next_free_url=(
            links.url(center=center.slug, month=month_key(next_free))
            if next_free and next_free.replace(day=1) != month
            else ""
        ),
        first_free=first_free,
    )


def step_context(
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
                    month=month_key(option.next_free_date) if option.next_free_date else "",
                ),
                is_current=option.center.slug == current_center,
            )
            for option in path.centers
        ]
    if path.step == "day":
        context["calendar"] = calendar_build(path=path, links=links)
    if path.center:
        month = path.month or timezone.localdate().replace(day=1)
        context["day_url"] = links.url(center=path.center.slug, month=month_key(month))
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


def booking_links(path: BookingPath) -> Links:
    fixed = (("procedure", path.procedure.slug),) if path.procedure else ()
    return Links(base=reverse("appointments:new"), fixed=fixed)


def wizard_render(request: HttpRequest, path: BookingPath, *, carry: list[tuple[str, str]] | None = None):
    """The step the path stopped at, with its message (and the citizen's data carried along, if any)."""
    if path.step == "slot" and not carry and path.center and path.day:
        key = _times_page_key(request, path)
        if key is not None:
            status, html = TIMES_PAGE_MEMO.get(key, lambda: _times_page(request, path))
            return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)), status=status)
    return _wizard_render(request, path, carry=carry)


def _wizard_render(
    request: HttpRequest, path: BookingPath, *, carry: list[tuple[str, str]] | None = None, csrf_token=None
) -> HttpResponse:
    links = booking_links(path)
    context = step_context(
        path, links, slot_action=reverse("appointments:details"), slot_method="post" if carry else "get"
    ) | {"steps": steps_of(path.step), "carry": carry}
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    if path.step == "procedure":
        context |= _procedurestep_context(request, path)
    return render(request, "appointments/booking/wizard.html", context, status=path.status)


# A day's times, the busiest page of a booking rush (a time taken meanwhile sends the data step's POST back to it,
# with the reason): the whole page kept in this process, keyed by everything it shows (the day's places included,
# so a booking or a cancellation gives it a new key), with a placeholder for its CSRF token. Forgotten with the
# catalog's memos (common.memo); a page is about 30 KB, so at most a few megabytes per process.
TIMES_PAGE_MEMO = ProcessMemo(seconds=60, max_entries=200)


def _times_page_key(request: HttpRequest, path: BookingPath) -> tuple | None:
    """What the times page shows, as a key; None when it shows something of this visitor's (a message waiting)."""
    if len(get_messages(request)):
        return None
    full_path = request.get_full_path()  # the language form's `next`
    if len(full_path) > 400:
        return None
    return (
        get_language(),
        full_path,
        timezone.localdate(),
        path.procedure.pk if path.procedure else None,
        path.center.pk,
        path.day,
        path.month,
        tuple((slot.slot_id, slot.starts_at, slot.ends_at, slot.free) for slot in path.slots),
        path.error,
        path.status,
    )


def _times_page(request: HttpRequest, path: BookingPath) -> tuple[int, str]:
    response = _wizard_render(request, path, csrf_token=CSRF_PLACEHOLDER)
    return response.status_code, response.content.decode()


def steps_of(current: str) -> list[dict]:
    index = [key for key, _label in STEPS].index(current)
    return [
        {"key": key, "label": label, "number": number, "done": number - 1 < index, "current": number - 1 == index}
        for number, (key, label) in enumerate(STEPS, start=1)
    ]


@dataclass(frozen=True)
class WalkIn:
    """A procedure served without appointment, with where (in-person places) and when (their hours, open now)."""

    procedure: Procedure
    places: list[OfferingRow]


def walk_in_places(procedure: Procedure) -> WalkIn:
    offerings = [
        offering
        for offering in center_selectors.offering_list_for_procedure(procedure_id=procedure.pk)
        if offering.center.channel == Channel.IN_PERSON
    ]
    return WalkIn(procedure=procedure, places=offering_rows(offerings))


def _procedurestep_context(request: HttpRequest, path: BookingPath) -> dict:
    search = ProcedureSearchForm(request.GET or None)
    results = None
    walk_ins: list[WalkIn] = []
    if path.procedure is not None and not path.procedure.is_bookable:
        walk_ins = [walk_in_places(path.procedure)]
    if search.is_bound and search.is_valid() and search.cleaned_data["q"]:
        results = list(selectors.bookable_procedure_list(query=search.cleaned_data["q"])[: SEARCH_RESULTS + 1])
        walk_ins += [
            walk_in_places(procedure) for procedure in selectors.walk_in_procedure_list(query=search.cleaned_data["q"])
        ]
    groups: dict[str, list[Procedure]] = {}
    for procedure in selectors.bookable_procedure_list():
        groups.setdefault(entity_label(procedure.entity), []).append(procedure)
    return {
        "search": search,
        "walk_ins": walk_ins,
        "results": results[:SEARCH_RESULTS] if results is not None else None,
        "more_results": results is not None and len(results) > SEARCH_RESULTS,
        "procedure_groups": sorted(groups.items()),
    }
