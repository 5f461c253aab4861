"""Reads about service points: opening status (holidays and closures respected), hours, listings; which centers
a staff user may see (every staff queryset of every app is scoped with `staff_center_ids`)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import holidays
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from procedures.models import Entity, Procedure
from procedures.selectors import ProcedureFilters, bookable_q, procedure_list
from procedures.services import CATALOG_MEMO

from .constants import ALL_CENTERS_ROLES, Channel, StaffRole, Weekday
from .models import Center, Closure, Language, Offering, OpeningHours, StaffMembership

__all__ = [
    "CatalogFilters",
    "CenterCatalog",
    "ClosedDay",
    "DayHours",
    "LOOKAHEAD_DAYS",
    "OpeningStatus",
    "catalog_procedure_list",
    "center_catalog",
    "center_choices",
    "center_closed_days",
    "center_get",
    "center_is_active",
    "center_list",
    "center_status",
    "national_holiday",
    "offering_hours",
    "offering_list_for_procedure",
    "offering_status",
    "offering_weekly_hours",
    "offerings_bookable",
    "opening_status",
    "phone_line_number",
    "weekly_hours",
]

# How far ahead "next opening" looks; a center closed longer than this just shows as closed.
LOOKAHEAD_DAYS = 21


@lru_cache(maxsize=16)
def _peru_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("PE", years=year, language="es"))


def national_holiday(day: dt.date) -> str | None:
    """The name of the national holiday on that day (package `holidays`, PE), or None."""
    return _peru_holidays(day.year).get(day)


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    closes_at: dt.datetime | None = None
    next_opening: dt.datetime | None = None
    closed_reason: str = ""  # today's holiday or closure, if any


def opening_status(
    *,
    hours: Sequence[OpeningHours],
    closures: Iterable[Closure] = (),
    at: dt.datetime | None = None,
    always_open: bool = False,
) -> OpeningStatus:
    """Whether a place with these weekly hours is open at `at`, until when, and when it opens next."""
    if always_open:
        return OpeningStatus(is_open=True)
    tz = timezone.get_default_timezone()
    now = timezone.localtime(at or timezone.now(), tz)
    closed_days = {closure.date: closure.reason for closure in closures}
    by_weekday: dict[int, list[OpeningHours]] = {}
    for item in sorted(hours, key=lambda h: h.opens):
        by_weekday.setdefault(item.weekday, []).append(item)

    today_reason = closed_days.get(now.date()) or national_holiday(now.date()) or ""
    for offset in range(LOOKAHEAD_DAYS):
        day = now.date() + dt.timedelta(days=offset)
        if day in closed_days or national_holiday(day):
            continue
        for item in by_weekday.get(day.weekday(), []):
            opens = dt.datetime.combine(day, item.opens, tzinfo=tz)
            closes = dt.datetime.combine(day, item.closes, tzinfo=tz)
            if opens <= now < closes:
                return OpeningStatus(is_open=True, closes_at=closes)
            if opens > now:
                return OpeningStatus(is_open=False, next_opening=opens, closed_reason=today_reason)
    return OpeningStatus(is_open=False, closed_reason=today_reason)


@dataclass(frozen=True)
class DayHours:
    weekday: int
    label: str
    ranges: list[tuple[dt.time, dt.time]]


def weekly_hours(*, hours: Iterable[OpeningHours]) -> list[DayHours]:
    """Monday-to-Sunday table of opening ranges (empty list means closed that day)."""
    ranges: dict[int, list[tuple[dt.time, dt.time]]] = {day: [] for day in Weekday.values}
    for item in hours:
        ranges[item.weekday].append((item.opens, item.closes))
    return [DayHours(weekday=day, label=str(Weekday(day).label), ranges=sorted(ranges[day])) for day in Weekday.values]


def _center_prefetches(*, today: dt.date, prefix: str = "") -> list[Prefetch]:
    return [
        Prefetch(
            f"{prefix}opening_hours",
            queryset=OpeningHours.objects.filter(offering__isnull=True).order_by("weekday", "opens"),
            to_attr="center_hours",
        ),
        Prefetch(
            f"{prefix}closures",
            queryset=Closure.objects.filter(date__gte=today, date__lte=today + dt.timedelta(days=LOOKAHEAD_DAYS)),
            to_attr="upcoming_closures",
        ),
    ]


def center_list(*, channel: str | None = None) -> QuerySet[Center]:
    """Active service points with their hours and upcoming closures prefetched (for open-now)."""
    queryset = Center.objects.filter(is_active=True).prefetch_related(*_center_prefetches(today=timezone.localdate()))
    if channel:
        queryset = queryset.filter(channel=channel)
    return queryset.order_by("channel", "name")


def center_is_active(*, slug: str) -> bool:
    """Whether an active service point has this slug (one cheap query; centers are public)."""
    return Center.objects.filter(slug=slug, is_active=True).exists()


def center_get(*, slug: str) -> Center:
    """One active service point with hours, closures, entities and procedures; raises Center.DoesNotExist."""
    return center_list().get(slug=slug)


def center_status(*, center: Center, at: dt.datetime | None = None) -> OpeningStatus:
    """Open-now status of a center fetched through center_list/center_get (uses the prefetched rows)."""
    return opening_status(
        hours=center.center_hours, closures=center.upcoming_closures, at=at, always_open=center.always_open
    )


def offering_list_for_procedure(*, procedure_id: int) -> QuerySet[Offering]:
    """Where a procedure is offered, with each place's own hours (desk hours when set, else the center's)."""
    today = timezone.localdate()
    return (
        Offering.objects.filter(procedure_id=procedure_id, is_active=True, center__is_active=True)
        .select_related("center")
        .prefetch_related(
            Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens"), to_attr="desk_hours"),
            *_center_prefetches(today=today, prefix="center__"),
        )
        .order_by("center__channel", "center__name")
    )


def offerings_bookable(*, procedure: Any = None, center: Any = None) -> QuerySet[Offering]:
    """Where booking is possible: active offerings of bookable procedures (procedures.selectors.bookable_q) at
    active centers. `procedure` and `center` narrow it (an id, an instance or an OuterRef, for Exists)."""
    offerings = Offering.objects.filter(bookable_q(prefix="procedure__"), is_active=True, center__is_active=True)
    if procedure is not None:
        offerings = offerings.filter(procedure=procedure)
    if center is not None:
        offerings = offerings.filter(center=center)
    return offerings


def offering_hours(*, offering: Offering) -> list[OpeningHours]:
    """The desk's own hours when it has them, else its center's (as prefetched by offering_list_for_procedure)."""
    desk_hours: list[OpeningHours] = offering.desk_hours  # type: ignore[attr-defined]  # Prefetch to_attr
    return desk_hours or offering.center.center_hours


def offering_status(*, offering: Offering, at: dt.datetime | None = None) -> OpeningStatus:
    center = offering.center
    return opening_status(
        hours=offering_hours(offering=offering),
        closures=center.upcoming_closures,
        at=at,
        always_open=center.always_open,
    )


def offering_weekly_hours(*, offering: Offering) -> list[DayHours]:
    return weekly_hours(hours=offering_hours(offering=offering))


def center_choices() -> list[tuple[str, str]]:
    """(slug, name) of the active service points, for filter menus."""
    return list(Center.objects.filter(is_active=True).order_by("channel", "name").values_list("slug", "name"))


@dataclass(frozen=True)
class CenterCatalog:
    entities: list[Entity]
    procedures_by_entity: list[tuple[Entity, list[Procedure]]]
    languages: list[Language]


def center_catalog(*, center: Center) -> CenterCatalog:
    """What a service point serves: entities present (counters or offerings), procedures by entity, languages."""
    procedures = list(
        Procedure.objects.filter(is_active=True, offerings__center=center, offerings__is_active=True)
        .select_related("entity")
        .order_by("entity__name", "name")
    )
    grouped: dict[int, tuple[Entity, list[Procedure]]] = {}
    for procedure in procedures:
        grouped.setdefault(procedure.entity_id, (procedure.entity, []))[1].append(procedure)
    entities = list(
        Entity.objects.filter(Q(counters__center=center, counters__is_active=True) | Q(pk__in=list(grouped)))
        .distinct()
        .order_by("name")
    )
    languages = list(
        Language.objects.filter(counters__center=center, counters__is_active=True).distinct().order_by("name")
    )
    return CenterCatalog(entities=entities, procedures_by_entity=list(grouped.values()), languages=languages)


@dataclass(frozen=True)
class ClosedDay:
    date: dt.date
    reason: str


def center_closed_days(*, center: Center) -> list[ClosedDay]:
    """Coming days (within LOOKAHEAD_DAYS) a center fetched through center_list/center_get would open but won't."""
    if center.always_open:
        return []
    today = timezone.localdate()
    open_weekdays = {item.weekday for item in center.center_hours}
    closures = {closure.date: closure.reason for closure in center.upcoming_closures}
    days = []
    for offset in range(LOOKAHEAD_DAYS):
        day = today + dt.timedelta(days=offset)
        if day.weekday() not in open_weekdays:
            continue
        reason = closures.get(day) or national_holiday(day)
        if reason:
            days.append(ClosedDay(date=day, reason=reason))
    return days


def phone_line_number() -> str:
    """The phone number of the MAC phone platform (the active telefonico service point), or "". Every page's footer
    shows it: kept a minute per process (procedures.services.CATALOG_MEMO, forgotten by any catalog change)."""
    return CATALOG_MEMO.get("phone_line_number", _phone_line_number)


def _phone_line_number() -> str:
    phone = (
        Center.objects.filter(is_active=True, channel=Channel.PHONE)
        .exclude(phone="")
        .order_by("name")
        .values_list("phone", flat=True)
        .first()
    )
    return phone or ""


class CatalogFilters(ProcedureFilters, total=False):
    center: str  # slug of a service point: only procedures offered there


def catalog_procedure_list(*, filters: CatalogFilters | None = None) -> QuerySet[Procedure]:
    """The procedures catalog with its filters, plus the service point that offers them."""
    filters = filters or {}
    center = filters.get("center", "")
    procedure_filters = cast(ProcedureFilters, {key: value for key, value in filters.items() if key != "center"})
    queryset = procedure_list(filters=procedure_filters)
    if center:
        queryset = queryset.filter(offerings__center__slug=center, offerings__is_active=True)
    return queryset


# --------------------------------------------------------------------------------------------------------------
# Staff: which centers a user may see and act on
# --------------------------------------------------------------------------------------------------------------

# The user's (center_id, role) pairs are read once per user object (i.e. once per request) and kept on it.
_MEMBERSHIPS_ATTR = "_mac_staff_memberships"


def staff_cache_clear(*, user) -> None:
    """Forget the memberships read for this user object (after granting or revoking one)."""
    user.__dict__.pop(_MEMBERSHIPS_ATTR, None)


def _memberships(user) -> list[tuple[int | None, str]]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if _MEMBERSHIPS_ATTR not in user.__dict__:
        user.__dict__[_MEMBERSHIPS_ATTR] = list(
            StaffMembership.objects.filter(user_id=user.pk).values_list("center_id", "role")
        )
    return user.__dict__[_MEMBERSHIPS_ATTR]


def staff_sees_all_centers(*, user) -> bool:
    """Superusers, analysts and administrators see every center."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(role in ALL_CENTERS_ROLES for _center, role in _memberships(user))


def staff_center_ids(*, user) -> list[int]:
    """The centers whose data this user may see: their memberships' centers, or every center for superusers,
    analysts and administrators. Empty for anyone else (an anonymous user, a staff user without membership)."""
    if staff_sees_all_centers(user=user):
        return list(Center.objects.values_list("pk", flat=True))
    return sorted({center for center, _role in _memberships(user) if center is not None})


def staff_member_center_ids(*, user, roles: Iterable[str] | None = None) -> list[int]:
    """The centers where the user holds one of `roles` (any role when None) by a membership of that center, or
    every center for superusers and administrators (who may act in any role) — never for analysts, whose
    reading rights cover neither acting nor citizens' personal data."""
    wanted = None if roles is None else {str(role) for role in roles}
    if staff_may_search_country(user=user):
        return list(Center.objects.values_list("pk", flat=True))
    return sorted(
        {center for center, role in _memberships(user) if center is not None and (wanted is None or role in wanted)}
    )


def staff_has_role(*, user, center_id: int, roles: Iterable[str]) -> bool:
    """Whether the user may act at this center in one of `roles` (administrators and superusers: always)."""
    return center_id in staff_member_center_ids(user=user, roles=roles)


def staff_may_search_country(*, user) -> bool:
    """Searching citizens by document number across every center is for administrators only (Ley 29733)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(role == StaffRole.ADMINISTRATOR for _center, role in _memberships(user))


def staff_languages(*, user_id: int, center_id: int) -> list[int]:
    """The ids of the languages (besides Spanish) the user attends in at this center."""
    return list(
        Language.objects.filter(staff_memberships__user_id=user_id, staff_memberships__center_id=center_id)
        .values_list("pk", flat=True)
        .distinct()
    )
