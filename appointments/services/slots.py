"""Slots: materialized bookable times of a schedule, and the claim/release of their places.

Capacity is guarded by the database: a place is taken with `UPDATE … SET booked = booked + 1 WHERE id = … AND
booked < capacity`, plus the check constraint 0 <= booked <= capacity (raced in tests/test_concurrency.py).
"""

import datetime as dt
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.models import Closure
from centers.selectors import national_holiday
from common.prepared import execute_prepared, quoted_column

from ..errors import SlotFull
from ..formatting import lima_date
from ..models import Appointment, Schedule, ScheduleRule, Slot

__all__ = [
    "SlotsResult",
    "slot_booking_window",
    "slot_claim",
    "slot_claim_sql",
    "slot_release",
    "slots_generate",
    "slots_generate_all",
    "slots_generate_for_center",
]

logger = logging.getLogger(__name__)


@dataclass
class SlotsResult:
    """What a slot generation did; `conflicts` are ids of slots kept only because they hold appointments."""

    created: int = 0
    updated: int = 0
    removed: int = 0
    withdrawn: int = 0
    conflicts: list[int] = field(default_factory=list)


def _desired_slots(
    *, schedule: Schedule, rules: Sequence[ScheduleRule], now: dt.datetime
) -> tuple[dict[dt.datetime, dt.datetime], dict[dt.date, str]]:
    """Start → end of every slot the schedule should have from now to the end of its window, and the
    reasons of days without slots (holidays and closures)."""
    tz = timezone.get_default_timezone()
    today = lima_date(now)
    last_day = today + dt.timedelta(days=schedule.max_days_ahead)
    desired: dict[dt.datetime, dt.datetime] = {}
    closed: dict[dt.date, str] = dict(
        Closure.objects.filter(center_id=schedule.center_id, date__range=(today, last_day)).values_list(
            "date", "reason"
        )
    )
    if not (schedule.is_active and schedule.center.is_active):
        return desired, closed
    step = dt.timedelta(minutes=schedule.slot_minutes)
    by_weekday: dict[int, list[ScheduleRule]] = {}
    for rule in rules:
        by_weekday.setdefault(rule.weekday, []).append(rule)
    for offset in range(schedule.max_days_ahead + 1):
        day = today + dt.timedelta(days=offset)
        if day < schedule.valid_from or (schedule.valid_until and day > schedule.valid_until):
            continue
        if day not in closed and (holiday := national_holiday(day)):
            closed[day] = holiday
        if day in closed:
            continue
        for rule in by_weekday.get(day.weekday(), []):
            start = dt.datetime.combine(day, rule.start, tzinfo=tz)
            limit = dt.datetime.combine(day, rule.end, tzinfo=tz)
            while start + step <= limit:
                if start > now:
                    desired[start] = start + step
                start += step
    return desired, closed


def slot_booking_window(*, schedule: Schedule, starts_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(book_from, book_until) of a slot: from the start of the Lima day `max_days_ahead` days before its day,
    until `min_lead_minutes` before it starts."""
    first_day = lima_date(starts_at) - dt.timedelta(days=schedule.max_days_ahead)
    book_from = dt.datetime.combine(first_day, dt.time.min, tzinfo=timezone.get_default_timezone())
    return book_from, starts_at - dt.timedelta(minutes=schedule.min_lead_minutes)


def slots_generate(*, schedule: Schedule, now: dt.datetime | None = None) -> SlotsResult:
    """Make the future slots of a schedule match its rules, window, holidays and the center's closures.

    Idempotent. A future slot that no longer fits is deleted when nobody ever booked it, otherwise kept
    as withdrawn (not bookable) and reported in `conflicts` while it holds active appointments; a slot whose
    capacity shrank below its bookings keeps room for them and is reported too. Appointments are never dropped.
    """
    now = now or timezone.now()
    result = SlotsResult()
    with transaction.atomic():
        # Serializes regenerations of one schedule (admin save, closure, daily beat).
        schedule = Schedule.objects.select_for_update(of=("self",)).select_related("center").get(pk=schedule.pk)
        desired, closed = _desired_slots(schedule=schedule, rules=list(schedule.rules.all()), now=now)
        # Lock the schedule's future slots in id order (the order reschedules lock them in: no deadlock),
        # so the counts read here stay true until commit and no booking slips into a slot being removed.
        existing = {
            row[1]: row
            for row in Slot.objects.select_for_update()
            .filter(schedule=schedule, starts_at__gt=now)
            .order_by("pk")
            .values_list("pk", "starts_at", "ends_at", "is_withdrawn", "capacity", "booked", "book_from", "book_until")
        }

        refresh = []
        for starts_at, row in existing.items():
            if starts_at not in desired:
                continue
            pk, _starts, ends_at, is_withdrawn, capacity, booked, book_from, book_until = row
            window = slot_booking_window(schedule=schedule, starts_at=starts_at)
            if (
                is_withdrawn
                or ends_at != desired[starts_at]
                or (book_from, book_until) != window
                or capacity != max(schedule.capacity, booked)
            ):
                refresh.append(Slot(pk=pk, ends_at=desired[starts_at], book_from=window[0], book_until=window[1]))
        if refresh:
            fields = ["ends_at", "book_from", "book_until"]
            Slot.objects.bulk_update(refresh, fields, batch_size=500)
            # GREATEST keeps room for appointments already made when capacity shrinks (never below `booked`).
            result.updated = Slot.objects.filter(pk__in=[slot.pk for slot in refresh]).update(
                capacity=Greatest(Value(schedule.capacity), F("booked")), is_withdrawn=False, withdrawn_reason=""
            )

        unwanted = [row[0] for starts_at, row in existing.items() if starts_at not in desired]
        if unwanted:
            # Never booked, never referenced: deleted; the others are kept, withdrawn.
            free = list(
                Slot.objects.filter(pk__in=unwanted, booked=0)
                .exclude(Exists(Appointment.objects.filter(Q(slot=OuterRef("pk")) | Q(previous_slot=OuterRef("pk")))))
                .values_list("pk", flat=True)
            )
            if free:
                result.removed, _by_model = Slot.objects.filter(pk__in=free).delete()
            removed = set(free)
            by_reason: dict[str, list[int]] = {}
            for starts_at, (pk, *_rest) in existing.items():
                if starts_at not in desired and pk not in removed:
                    reason = closed.get(lima_date(starts_at)) or _("No longer in the schedule")
                    by_reason.setdefault(reason[:200], []).append(pk)
            for reason, pks in by_reason.items():
                result.withdrawn += (
                    Slot.objects.filter(pk__in=pks)
                    .exclude(is_withdrawn=True, withdrawn_reason=reason)
                    .update(is_withdrawn=True, withdrawn_reason=reason)
                )

        missing = [starts_at for starts_at in desired if starts_at not in existing]
        created = Slot.objects.bulk_create(
            (
                Slot(
                    schedule=schedule,
                    center_id=schedule.center_id,
                    starts_at=starts_at,
                    ends_at=desired[starts_at],
                    capacity=schedule.capacity,
                    book_from=window[0],
                    book_until=window[1],
                )
                for starts_at in missing
                for window in [slot_booking_window(schedule=schedule, starts_at=starts_at)]
            ),
            ignore_conflicts=True,
        )
        result.created = len(created)
        result.conflicts = list(
            Slot.objects.filter(schedule=schedule, starts_at__gt=now)
            .filter(Q(is_withdrawn=True, booked__gt=0) | Q(booked__gt=schedule.capacity))
            .values_list("pk", flat=True)
        )
    if result.conflicts:
        logger.warning("Schedule %s: %d slots hold appointments they no longer fit", schedule.pk, len(result.conflicts))
    return result


def slots_generate_for_center(*, center_id: int, now: dt.datetime | None = None) -> SlotsResult:
    """Regenerate the slots of every schedule of a center (after a closure is added or removed)."""
    total = SlotsResult()
    for schedule in Schedule.objects.filter(center_id=center_id):
        _add_result(total, slots_generate(schedule=schedule, now=now))
    return total


def slots_generate_all(*, now: dt.datetime | None = None) -> SlotsResult:
    """Extend every schedule's slots to the end of its window (the daily beat); one transaction per schedule."""
    total = SlotsResult()
    for schedule in Schedule.objects.all():
        _add_result(total, slots_generate(schedule=schedule, now=now))
    return total


def _add_result(total: SlotsResult, one: SlotsResult) -> None:
    total.created += one.created
    total.updated += one.updated
    total.removed += one.removed
    total.withdrawn += one.withdrawn
    total.conflicts += one.conflicts


@functools.cache
def slot_claim_sql() -> str:
    """The claim of one place: an UPDATE of slot `%s` that adds one to `booked` if it is below `capacity` and the slot
    is not withdrawn, RETURNING the slot's id (no row: no room). The booking's statement runs it too."""
    quote = connection.ops.quote_name
    table = quote(Slot._meta.db_table)
    pk, booked, capacity, withdrawn = (
        quoted_column(Slot, name, connection=connection) for name in ("id", "booked", "capacity", "is_withdrawn")
    )
    return (
        f"UPDATE {table} SET {booked} = {booked} + 1"
        f" WHERE {pk} = %s AND {booked} < {capacity} AND NOT {withdrawn} RETURNING {pk}"
    )


def slot_claim(*, slot_id: int) -> None:
    """Take one place in a slot, or raise SlotFull; the row stays locked until the transaction ends."""
    with connection.cursor() as cursor:
        execute_prepared(cursor, slot_claim_sql(), [slot_id], connection=connection)
        claimed = cursor.fetchone()
    if claimed is None:
        raise SlotFull()


def slot_release(*, slot_id: int) -> None:
    """Give a place back; a slot kept over its schedule's capacity shrinks back towards it instead."""
    slot = Slot.objects.select_for_update(of=("self",)).select_related("schedule").get(pk=slot_id)
    booked = max(slot.booked - 1, 0)
    capacity = slot.capacity
    if capacity > slot.schedule.capacity:
        capacity = max(slot.schedule.capacity, booked)
    Slot.objects.filter(pk=slot_id).update(booked=booked, capacity=capacity)
