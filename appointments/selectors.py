"""Reads of the booking engine: availability (one query per request), slots, centers, look-ups, staff lists."""

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from centers.constants import Channel
from centers.models import Center, Language, Offering
from centers.selectors import offerings_bookable
from common.prepared import Prepared, attnames, instance, prepare
from procedures.models import Entity, Procedure, Requirement
from procedures.selectors import procedure_search
from procedures.services import CATALOG_MEMO

from .constants import AppointmentStatus
from .formatting import lima_date
from .models import Appointment, Slot
from .validators import code_normalize, document_number_matches

__all__ = [
    "CenterOption",
    "MAX_RANGE_DAYS",
    "SlotOption",
    "appointment_day_sheet",
    "appointment_get",
    "appointment_lookup",
    "appointment_search",
    "availability_by_day",
    "availability_month",
    "bookable_procedure_list",
    "bookable_slots",
    "bookable_until",
    "walk_in_procedure_list",
    "center_for_procedure",
    "centers_for_procedure",
    "language_choices",
    "procedure_by_slug",
    "procedure_for_booking",
    "slot_conflicts",
    "slots_of_day",
]

MAX_RANGE_DAYS = 62


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def bookable_slots(*, procedure_id: int, now: dt.datetime | None = None) -> QuerySet[Slot]:
    """Slots that can be booked now for a procedure: active schedule serving it at an active center that
    offers it, not withdrawn, inside each schedule's window (min lead, max days ahead). Full ones included."""
    now = now or timezone.now()
    return Slot.objects.filter(
        Exists(offerings_bookable(procedure=procedure_id, center=OuterRef("center_id"))),
        schedule__procedures=procedure_id,
        schedule__is_active=True,
        is_withdrawn=False,
        book_from__lte=now,
        book_until__gte=now,
    )


def availability_by_day(
    *, procedure_id: int, center_id: int, date_from: dt.date, date_to: dt.date, now: dt.datetime | None = None
) -> dict[dt.date, int]:
    """Free places per Lima day between two dates (inclusive), in ONE query.

    A day with slots that are all taken maps to 0; a day without bookable slots is absent.
    Ranges longer than 62 days are refused (ValueError) — the API validates that first.
    """
    if date_to < date_from or (date_to - date_from).days > MAX_RANGE_DAYS:
        raise ValueError("date range must be 0 to 62 days")
    rows = (
        bookable_slots(procedure_id=procedure_id, now=now)
        .filter(center_id=center_id, starts_at__gte=_day_start(date_from))
        .filter(starts_at__lt=_day_start(date_to + dt.timedelta(days=1)))
        .annotate(day=TruncDate("starts_at", tzinfo=timezone.get_default_timezone()))
        .values("day")
        .annotate(free_places=Sum(F("capacity") - F("booked")))
        .order_by("day")
    )
    return {row["day"]: row["free_places"] for row in rows}


def availability_month(
    *, procedure_id: int, center_id: int, year: int, month: int, now: dt.datetime | None = None
) -> dict[dt.date, int]:
    """availability_by_day for a calendar month (one query)."""
    last = calendar.monthrange(year, month)[1]
    return availability_by_day(
        procedure_id=procedure_id,
        center_id=center_id,
        date_from=dt.date(year, month, 1),
        date_to=dt.date(year, month, last),
        now=now,
    )


@dataclass(frozen=True)
class SlotOption:
    """A time a citizen can pick: `slot_id` to book, Lima `starts_at`/`ends_at`, places `free`."""

    slot_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    free: int


def _slots_of_day_query(*, procedure_id, center_id, start, end, now):
    return (
        bookable_slots(procedure_id=procedure_id, now=now)
        .filter(center_id=center_id, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "pk")
        .values_list("pk", "starts_at", "ends_at", "capacity", "booked")
    )


_SLOTS_OF_DAY_KINDS = {
    "procedure_id": int,
    "center_id": int,
    "start": dt.datetime,
    "end": dt.datetime,
    "now": dt.datetime,
}


@functools.cache
def _slots_of_day_sql() -> Prepared:
    """slots_of_day's query, compiled once (it runs on every step after the day)."""
    return prepare(_slots_of_day_query, **_SLOTS_OF_DAY_KINDS)


def _options(rows) -> list[SlotOption]:
    """The rows of slots_of_day's query as times (schedules sharing a time merged: see slots_of_day)."""
    options: dict[dt.datetime, SlotOption] = {}
    for pk, starts_at, ends_at, capacity, booked in rows:
        free = max(capacity - booked, 0)
        if (current := options.get(starts_at)) is None:
            options[starts_at] = SlotOption(slot_id=pk, starts_at=starts_at, ends_at=ends_at, free=free)
        else:
            best = pk if free > current.free else current.slot_id
            options[starts_at] = SlotOption(
                slot_id=best, starts_at=starts_at, ends_at=current.ends_at, free=current.free + free
            )
    return list(options.values())


def _day_bounds(day: dt.date, now: dt.datetime | None) -> dict[str, dt.datetime]:
    return {"start": _day_start(day), "end": _day_start(day + dt.timedelta(days=1)), "now": now or timezone.now()}


def slots_of_day(
    *, procedure_id: int, center_id: int, day: dt.date, now: dt.datetime | None = None
) -> list[SlotOption]:
    """Bookable times of one Lima day in order, full ones included with free = 0 (one query).

    When two schedules of the center serve the procedure at the same time, the time appears once:
    its places are added up and `slot_id` is the slot with most room.
    """
    rows = _slots_of_day_sql().rows(procedure_id=procedure_id, center_id=center_id, **_day_bounds(day, now))
    return _options(rows)


@dataclass(frozen=True)
class CenterOption:
    """A center offering a procedure and the first day with a free place (None: nothing bookable now)."""

    center: Center
    next_free_at: dt.datetime | None

    @property
    def next_free_date(self) -> dt.date | None:
        return lima_date(self.next_free_at) if self.next_free_at else None


def centers_for_procedure(*, procedure_id: int, now: dt.datetime | None = None) -> list[CenterOption]:
    """In-person centers offering the procedure, each with its next free time; centers with room first,
    soonest first, then the others by name (two queries)."""
    offerings = (
        offerings_bookable(procedure=procedure_id)
        .filter(center__channel=Channel.IN_PERSON)
        .select_related("center")
        .order_by("center__name")
    )
    next_free = dict(
        bookable_slots(procedure_id=procedure_id, now=now)
        .filter(booked__lt=F("capacity"))
        .values("center_id")
        .annotate(first=Min("starts_at"))
        .values_list("center_id", "first")
    )
    options = [CenterOption(center=o.center, next_free_at=next_free.get(o.center_id)) for o in offerings]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(options, key=lambda option: (option.next_free_at is None, option.next_free_at or far))


@functools.cache
def _center_for_procedure_sql() -> Prepared:
    return prepare(
        lambda procedure_id, slug: (
            offerings_bookable(procedure=procedure_id)
            .filter(center__channel=Channel.IN_PERSON, center__slug=slug)
            .order_by("pk")
            .values_list(*(f"center__{name}" for name in attnames(Center)))[:1]
        ),
        procedure_id=int,
        slug=str,
    )


def center_for_procedure(*, procedure_id: int, slug: str) -> CenterOption | None:
    """The in-person center with this slug if it takes appointments for the procedure, without its next free time
    (one query, compiled once; centers_for_procedure computes that for every center). Its row is kept a minute per
    process (procedures.services.CATALOG_MEMO): the booking service checks the center again in its own statement."""
    rows = CATALOG_MEMO.get(
        ("center_for_procedure", procedure_id, slug),
        lambda: tuple(_center_for_procedure_sql().rows(procedure_id=procedure_id, slug=slug)),
    )
    if not rows:
        return None
    center = instance(Center, dict(zip(attnames(Center), rows[0], strict=True)))
    return CenterOption(center=center, next_free_at=None)


def _appointment_detail_queryset() -> QuerySet[Appointment]:
    return Appointment.objects.select_related(
        "procedure__entity", "center", "slot", "preferred_language"
    ).prefetch_related(Prefetch("procedure__requirements", queryset=Requirement.objects.order_by("position", "id")))


def appointment_lookup(*, code: str, document_number: str) -> Appointment | None:
    """The appointment with this code if the document number matches it, else None — the same answer, and
    the same work (one query, one constant-time comparison), whether the code exists or not. (Guessing is
    limited at the edge: the look-up views are rate limited per client address.)"""
    appointment = (
        Appointment.objects.select_related("procedure__entity", "center", "slot", "preferred_language")
        .filter(code=code_normalize(code) or "-", anonymized_at__isnull=True)  # anonymized: as if unknown
        .first()
    )
    matches = document_number_matches(
        document_type=appointment.document_type if appointment else None,
        stored=appointment.document_number if appointment else None,
        given=document_number,
    )
    return appointment if matches else None


def appointment_get(*, appointment_id: int) -> Appointment:
    """One appointment with everything its pages, e-mails and .ics show; raises Appointment.DoesNotExist."""
    return _appointment_detail_queryset().get(pk=appointment_id)


def appointment_search(*, query: str) -> QuerySet[Appointment]:
    """Staff search by booking code or document number."""
    code = code_normalize(query)
    number = "".join(ch for ch in (query or "").upper() if ch.isalnum())
    condition = Q(document_number=number) | Q(document_number=number[:8]) if number else Q(pk__in=[])
    if code:
        condition |= Q(code=code)
    return _appointment_detail_queryset().filter(condition).order_by("-slot__starts_at")


def appointment_day_sheet(*, center_id: int, day: dt.date) -> list[Appointment]:
    """A center's appointments of one Lima day (not cancelled) in time order, for the printable day sheet."""
    return list(
        Appointment.objects.filter(
            center_id=center_id,
            slot__starts_at__gte=_day_start(day),
            slot__starts_at__lt=_day_start(day + dt.timedelta(days=1)),
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("procedure__entity", "slot", "preferred_language")
        .order_by("slot__starts_at", "full_name")
    )


def slot_conflicts(*, center_id: int | None = None, now: dt.datetime | None = None) -> QuerySet[Slot]:
    """Future slots holding active appointments they no longer fit: withdrawn (schedule change, closure) or
    booked above their schedule's capacity. Staff cancel or move those appointments."""
    now = now or timezone.now()
    queryset = (
        Slot.objects.filter(starts_at__gt=now, booked__gt=0)
        .filter(Q(is_withdrawn=True) | Q(booked__gt=F("schedule__capacity")))
        .select_related("schedule", "center")
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.filter(status=AppointmentStatus.BOOKED).select_related("procedure"),
                to_attr="active_appointments",
            )
        )
        .order_by("starts_at")
    )
    if center_id is not None:
        queryset = queryset.filter(center_id=center_id)
    return queryset


# --------------------------------------------------------------------------------------------------------------
# Citizen booking pages (added by "bookweb")
# --------------------------------------------------------------------------------------------------------------


def bookable_procedure_list(*, query: str = "") -> QuerySet[Procedure]:
    """Active procedures that take appointments at some active in-person center: by entity and name, or by
    search rank when `query` is given (the catalog's search)."""
    offered = offerings_bookable(procedure=OuterRef("pk")).filter(center__channel=Channel.IN_PERSON)
    queryset = Procedure.objects.filter(Exists(offered)).select_related("entity")
    if query:
        return procedure_search(queryset=queryset, query=query)
    return queryset.order_by("entity__name", "name")


def walk_in_procedure_list(*, query: str, limit: int = 2) -> list[Procedure]:
    """Active procedures matching `query` that take no appointment online but are served in person (walk-in):
    the booking search shows them with where and when to go instead of "no matches"."""
    offered = offerings_bookable(procedure=OuterRef("pk")).filter(center__channel=Channel.IN_PERSON)
    in_person = Offering.objects.filter(
        procedure=OuterRef("pk"), is_active=True, center__is_active=True, center__channel=Channel.IN_PERSON
    )
    queryset = (
        Procedure.objects.filter(Exists(in_person), is_active=True).exclude(Exists(offered)).select_related("entity")
    )
    return list(procedure_search(queryset=queryset, query=query)[:limit])


@functools.cache
def _procedure_for_booking_sql() -> Prepared:
    return prepare(
        lambda slug: (
            Procedure.objects.filter(is_active=True, slug=slug)
            .order_by("pk")
            .values_list(*attnames(Procedure), *(f"entity__{name}" for name in attnames(Entity)))[:1]
        ),
        slug=str,
    )


def procedure_for_booking(*, slug: str) -> Procedure | None:
    """The active procedure with this slug (any appointment policy: the page explains walk-in ones), with its
    entity, or None (one query, compiled once: every booking step reads it). Its row is kept a minute per process
    (procedures.services.CATALOG_MEMO): the booking service checks the procedure again in its own statement."""
    rows = CATALOG_MEMO.get(
        ("procedure_for_booking", slug), lambda: tuple(_procedure_for_booking_sql().rows(slug=slug))
    )
    if not rows:
        return None
    names = attnames(Procedure)
    procedure = instance(Procedure, dict(zip(names, rows[0][: len(names)], strict=True)))
    procedure.entity = instance(Entity, dict(zip(attnames(Entity), rows[0][len(names) :], strict=True)))
    return procedure


# What the API's booking reads of the procedure it names and shows in its answer (AppointmentSerializer).
_PROCEDURE_BOOKING_FIELDS = ("id", "slug", "name", "fee", "is_active")


@functools.cache
def _procedure_by_slug_sql() -> Prepared:
    requirements = Requirement.objects.filter(procedure=OuterRef("pk")).order_by("position", "id").values("text")
    return prepare(
        lambda slug: (
            Procedure.objects.filter(slug=slug)
            .annotate(requirement_texts=ArraySubquery(requirements))
            .order_by()
            .values_list(*_PROCEDURE_BOOKING_FIELDS, "requirement_texts")
        ),
        slug=str,
    )


def procedure_by_slug(*, slug: str) -> Procedure | None:
    """The procedure with this slug in any state (the booking service says when it cannot be booked), or None: its
    slug, name and fee (other fields load when read), annotated with `requirement_texts`, its requirements' texts in
    their order. One query, compiled once: every API booking reads it, and its answer shows them. Its row is kept a
    minute per process (procedures.services.CATALOG_MEMO): the booking service checks the procedure again in its own
    statement."""
    procedure: Any
    if connection.vendor != "postgresql":  # ARRAY(subquery) is PostgreSQL's (SQLite: the run command)
        if (procedure := Procedure.objects.filter(slug=slug).first()) is None:
            return None
        texts = list(procedure.requirements.order_by("position", "id").values_list("text", flat=True))
    else:
        rows = CATALOG_MEMO.get(("procedure_by_slug", slug), lambda: tuple(_procedure_by_slug_sql().rows(slug=slug)))
        if not rows:
            return None
        *fields, texts = rows[0]
        procedure = instance(Procedure, dict(zip(_PROCEDURE_BOOKING_FIELDS, fields, strict=True)))
    procedure.requirement_texts = list(texts)  # the kept row's list is never handed out
    return procedure


def bookable_until(*, procedure_id: int, center_id: int, now: dt.datetime | None = None) -> dt.date | None:
    """The last Lima day with a bookable slot of the procedure at the center (None: none), for calendar paging."""
    last = (
        bookable_slots(procedure_id=procedure_id, now=now)
        .filter(center_id=center_id)
        .aggregate(last=Max("starts_at"))["last"]
    )
    return timezone.localdate(last) if last else None


@functools.cache
def _language_choices_sql() -> Prepared:
    return prepare(lambda: Language.objects.order_by("name").values_list("code", "name"))


def language_choices() -> list[tuple[str, str]]:
    """(code, name) of the languages a citizen can ask to be served in: Spanish first, then by name. Every data step
    of a booking reads them: kept a minute per process (procedures.services.CATALOG_MEMO, forgotten by any catalog
    change, languages included), read by one statement compiled once."""
    return list(CATALOG_MEMO.get("language_choices", _language_choices))


def _language_choices() -> tuple[tuple[str, str], ...]:
    languages = _language_choices_sql().rows()
    return tuple(sorted(languages, key=lambda language: language[0] != "es"))
