"""Writes of the booking engine: schedules and their slots, and appointments (book, cancel, reschedule, check in).

Database guarantees (each raced on PostgreSQL in tests/test_concurrency.py):
- capacity: a slot is claimed with `UPDATE … SET booked = booked + 1 WHERE id = … AND booked < capacity`,
  plus the check constraint 0 <= booked <= capacity;
- one active appointment per document and procedure: a partial unique constraint;
- at most settings.APPOINTMENTS_MAX_ACTIVE_PER_DOCUMENT active appointments per document, and the cooldown
  after a cancellation: checked while holding the document's DocumentQuota row lock (SELECT … FOR UPDATE),
  so bookings with the same document are serialized.
Lock order, everywhere: appointment row → document quota row → slot rows by ascending id (no deadlocks).
"""

import datetime as dt
import logging
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from centers.constants import Weekday
from centers.models import Center, Closure, Language, Offering
from centers.selectors import national_holiday
from centers.services import HoursRange, opening_hours_validate
from procedures.constants import AppointmentPolicy
from procedures.models import Procedure

from . import notifications
from .constants import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CONSENT_VERSION,
    AgeBand,
    AppointmentStatus,
    BookingChannel,
    DocumentType,
    Gender,
    PriorityNeed,
)
from .errors import Cooldown, Duplicate, InvalidBooking, LimitReached, SlotFull, WindowClosed
from .formatting import lima_date
from .models import Appointment, DocumentQuota, Notification, Schedule, ScheduleRule, Slot
from .ratelimit import rate_limit_hit
from .validators import document_number_normalize, email_normalize, full_name_normalize, phone_normalize

logger = logging.getLogger(__name__)

ACTIVE_CONSTRAINT = "appointment_one_active_per_document_procedure"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# --------------------------------------------------------------------------------------------------------------
# Schedules
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRange:
    """One weekly range of a schedule: weekday (0 = Monday) and start/end times."""

    weekday: int
    start: dt.time
    end: dt.time


def schedule_rules_validate(*, rules: Iterable[RuleRange], slot_minutes: int) -> None:
    """Raise ValidationError when a range is empty, shorter than one slot, or overlaps another of its day."""
    rules = list(rules)
    errors: list[str] = []
    try:
        opening_hours_validate(ranges=[HoursRange(weekday=r.weekday, opens=r.start, closes=r.end) for r in rules])
    except ValidationError as exc:
        errors.extend(exc.messages)
    for rule in rules:
        if rule.start < rule.end and _minutes(rule.end) - _minutes(rule.start) < slot_minutes:
            errors.append(
                _("%(day)s: the range %(range)s is shorter than one slot (%(minutes)s minutes).")
                % {
                    "day": Weekday(rule.weekday).label,
                    "range": f"{rule.start:%H:%M}–{rule.end:%H:%M}",
                    "minutes": slot_minutes,
                }
            )
    if errors:
        raise ValidationError(errors)


def _minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def schedule_procedures_validate(*, center: Center, procedures: Iterable[Procedure]) -> None:
    """Raise ValidationError unless every procedure is offered at the center and can be booked."""
    procedures = list(procedures)
    offered = set(
        Offering.objects.filter(center=center, is_active=True, procedure__in=procedures).values_list(
            "procedure_id", flat=True
        )
    )
    errors = [
        _("%(procedure)s is not offered at %(center)s.") % {"procedure": p.name, "center": center.name}
        for p in procedures
        if p.pk not in offered
    ]
    errors += [
        _("%(procedure)s is walk-in only and cannot be booked.") % {"procedure": p.name}
        for p in procedures
        if p.appointment_policy == AppointmentPolicy.WALK_IN
    ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def schedule_rules_set(*, schedule: Schedule, rules: Iterable[RuleRange]) -> "SlotsResult":
    """Replace the weekly ranges of a schedule (validated) and regenerate its future slots."""
    rules = list(rules)
    schedule_rules_validate(rules=rules, slot_minutes=schedule.slot_minutes)
    ScheduleRule.objects.filter(schedule=schedule).delete()
    ScheduleRule.objects.bulk_create(
        ScheduleRule(schedule=schedule, weekday=r.weekday, start=r.start, end=r.end) for r in rules
    )
    return slots_generate(schedule=schedule)


@transaction.atomic
def schedule_create(
    *,
    center: Center,
    name: str,
    procedures: Sequence[Procedure],
    rules: Iterable[RuleRange],
    slot_minutes: int = 30,
    capacity: int = 1,
    min_lead_minutes: int = 120,
    max_days_ahead: int = 30,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Schedule:
    """Create a schedule with its weekly ranges and generate its slots for the booking window."""
    schedule_procedures_validate(center=center, procedures=procedures)
    schedule = Schedule(
        center=center,
        name=name,
        slot_minutes=slot_minutes,
        capacity=capacity,
        min_lead_minutes=min_lead_minutes,
        max_days_ahead=max_days_ahead,
        valid_from=valid_from or lima_date(),
        valid_until=valid_until,
    )
    schedule.full_clean(exclude=["procedures"])
    schedule.save()
    schedule.procedures.set(procedures)
    schedule_rules_set(schedule=schedule, rules=rules)
    return schedule


# --------------------------------------------------------------------------------------------------------------
# Slots
# --------------------------------------------------------------------------------------------------------------


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


def _slot_claim(*, slot_id: int) -> None:
    """Take one place in a slot, or raise SlotFull; the row stays locked until the transaction ends."""
    claimed = Slot.objects.filter(pk=slot_id, booked__lt=F("capacity"), is_withdrawn=False).update(
        booked=F("booked") + 1
    )
    if not claimed:
        raise SlotFull()


def _slot_release(*, slot_id: int) -> None:
    """Give a place back; a slot kept over its schedule's capacity shrinks back towards it instead."""
    slot = Slot.objects.select_for_update(of=("self",)).select_related("schedule").get(pk=slot_id)
    booked = max(slot.booked - 1, 0)
    capacity = slot.capacity
    if capacity > slot.schedule.capacity:
        capacity = max(slot.schedule.capacity, booked)
    Slot.objects.filter(pk=slot_id).update(booked=booked, capacity=capacity)


# --------------------------------------------------------------------------------------------------------------
# Appointments
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citizen:
    """The citizen data a booking form or API request collects (raw; appointment_book validates it)."""

    document_type: str
    document_number: str
    full_name: str
    email: str = ""
    phone: str = ""
    preferred_language: str = ""  # centers.Language code ("es", "qu", "ay", "lsp"…) or ""
    priority_need: str = PriorityNeed.NONE
    segmentation_consent: bool = False
    age_band: str = ""
    gender: str = ""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "Citizen":
        """The citizen fields of validated form or serializer data (other keys are ignored)."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


@dataclass(frozen=True)
class CleanCitizen:
    document_type: str
    document_number: str
    full_name: str
    email: str
    phone: str
    preferred_language_id: int | None
    priority_need: str
    segmentation_consent: bool
    age_band: str
    gender: str


def citizen_clean(*, citizen: Citizen) -> CleanCitizen:
    """Validate and normalize citizen data; InvalidBooking with `field_errors` (per Citizen field) otherwise."""
    errors: dict[str, list[str]] = {}

    def check(name: str, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            errors[name] = list(exc.messages)
            return ""

    if citizen.document_type not in DocumentType.values:
        errors["document_type"] = [_("Choose a type of document.")]
        number = ""
    else:
        number = check(
            "document_number",
            document_number_normalize,
            document_type=citizen.document_type,
            number=citizen.document_number,
        )
    full_name = check("full_name", full_name_normalize, citizen.full_name)
    email = check("email", email_normalize, citizen.email)
    phone = check("phone", phone_normalize, citizen.phone)
    if not errors.get("email") and not errors.get("phone") and not email and not phone:
        errors["email"] = [_("Give an e-mail address or a mobile number so we can send you the confirmation.")]
    language_id = None
    if citizen.preferred_language:
        language_id = Language.objects.filter(code=citizen.preferred_language).values_list("pk", flat=True).first()
        if language_id is None:
            errors["preferred_language"] = [_("Choose a language from the list.")]
    if citizen.priority_need not in PriorityNeed.values:
        errors["priority_need"] = [_("Choose an option from the list.")]
    age_band = citizen.age_band if citizen.segmentation_consent else ""
    gender = citizen.gender if citizen.segmentation_consent else ""
    if age_band and age_band not in AgeBand.values:
        errors["age_band"] = [_("Choose an option from the list.")]
    if gender and gender not in Gender.values:
        errors["gender"] = [_("Choose an option from the list.")]
    if errors:
        raise InvalidBooking(field_errors=errors)
    return CleanCitizen(
        document_type=citizen.document_type,
        document_number=number,
        full_name=full_name,
        email=email,
        phone=phone,
        preferred_language_id=language_id,
        priority_need=citizen.priority_need,
        segmentation_consent=citizen.segmentation_consent and bool(age_band or gender),
        age_band=age_band,
        gender=gender,
    )


def code_generate() -> str:
    """A random booking code (10 Crockford base32 characters, 50 bits from `secrets`)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def _lead_display(minutes: int) -> str:
    if minutes % 60 == 0:
        return ngettext("%(count)s hour", "%(count)s hours", minutes // 60) % {"count": minutes // 60}
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def _window_check(*, slot: Slot, now: dt.datetime) -> None:
    schedule = slot.schedule
    if now > slot.book_until:
        raise WindowClosed(
            _("That time is too soon: appointments are booked at least %(lead)s in advance.")
            % {"lead": _lead_display(schedule.min_lead_minutes)}
        )
    if now < slot.book_from:
        raise WindowClosed(
            _("That day is too far ahead: appointments open %(days)s days in advance.")
            % {"days": schedule.max_days_ahead}
        )


def _bookable_slot(*, slot_id: int, procedure_id: int, now: dt.datetime) -> tuple[Slot, Procedure]:
    """The slot (with schedule and center) if it can be booked now for the procedure; a BookingError otherwise."""
    slot = Slot.objects.select_related("schedule", "center").filter(pk=slot_id).first()
    if slot is None:
        raise InvalidBooking(_("That time does not exist. Please choose another one."))
    procedure = (
        Procedure.objects.filter(
            pk=procedure_id,
            is_active=True,
            schedules=slot.schedule_id,
            offerings__center=slot.center_id,
            offerings__is_active=True,
        )
        .exclude(appointment_policy=AppointmentPolicy.WALK_IN)
        .first()
    )
    if procedure is None:
        raise InvalidBooking(_("This procedure cannot be booked at that center and time."))
    if slot.is_withdrawn or not slot.schedule.is_active or not slot.center.is_active:
        raise SlotFull()
    _window_check(slot=slot, now=now)
    return slot, procedure


def _document_lock(*, document_type: str, document_number: str) -> DocumentQuota:
    """Create the document's quota row if needed and lock it for the rest of the transaction."""
    for _attempt in range(3):
        DocumentQuota.objects.bulk_create(
            [DocumentQuota(document_type=document_type, document_number=document_number)], ignore_conflicts=True
        )
        quota = (
            DocumentQuota.objects.select_for_update()
            .filter(document_type=document_type, document_number=document_number)
            .first()
        )
        # None: the retention purge deleted an idle row between the insert and the lock; create it again.
        if quota is not None:
            return quota
    raise RuntimeError("the document quota row keeps disappearing")


def _constraint_name(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or str(exc)


def appointment_book(
    *,
    slot_id: int,
    procedure_id: int,
    citizen: Citizen,
    consent_version: str,
    channel: str = BookingChannel.VIRTUAL,
    client_address: str | None = None,
) -> Appointment:
    """Book a slot for a procedure; returns the appointment (its `code` is what the citizen keeps).

    `client_address` applies the per-address booking rate limit (pass None for trusted staff channels).
    Raises RateLimited, InvalidBooking, WindowClosed, Cooldown, Duplicate, LimitReached or SlotFull.
    The confirmation (e-mail and/or SMS) and the reminders are planned in the same transaction and sent
    after commit.
    """
    if client_address is not None:
        rate_limit_hit(scope="book", client_address=client_address)
    if consent_version != CONSENT_VERSION:
        raise InvalidBooking(
            _("Please read and accept the personal data terms."),
            field_errors={"consent": [_("Please read and accept the personal data terms.")]},
        )
    if channel not in BookingChannel.values:
        raise InvalidBooking(_("Unknown booking channel."))
    data = citizen_clean(citizen=citizen)
    now = timezone.now()
    slot, procedure = _bookable_slot(slot_id=slot_id, procedure_id=procedure_id, now=now)

    with transaction.atomic():
        quota = _document_lock(document_type=data.document_type, document_number=data.document_number)
        _cooldown_check(quota=quota, now=now)
        active = list(
            Appointment.objects.filter(
                document_type=data.document_type, document_number=data.document_number, status=AppointmentStatus.BOOKED
            ).values_list("procedure_id", flat=True)
        )
        if procedure.pk in active:
            raise Duplicate()
        if len(active) >= _setting("APPOINTMENTS_MAX_ACTIVE_PER_DOCUMENT", 3):
            raise LimitReached()
        _slot_claim(slot_id=slot.pk)
        appointment = _appointment_insert(
            slot=slot, procedure=procedure, data=data, channel=channel, consent_version=consent_version, now=now
        )
        notifications.notifications_plan(appointment=appointment, kind="confirmation", now=now)
    return appointment


def _cooldown_check(*, quota: DocumentQuota, now: dt.datetime) -> None:
    cooldown = dt.timedelta(minutes=_setting("APPOINTMENTS_REBOOK_COOLDOWN_MINUTES", 30))
    if quota.last_cancelled_at and quota.last_cancelled_at + cooldown > now:
        wait = quota.last_cancelled_at + cooldown - now
        minutes = max(math.ceil(wait.total_seconds() / 60), 1)
        raise Cooldown(
            ngettext(
                "You cancelled an appointment a moment ago. You can book again in %(count)s minute.",
                "You cancelled an appointment a moment ago. You can book again in %(count)s minutes.",
                minutes,
            )
            % {"count": minutes},
            retry_after=int(wait.total_seconds()) + 1,
        )


def _appointment_insert(
    *, slot: Slot, procedure: Procedure, data: CleanCitizen, channel: str, consent_version: str, now: dt.datetime
) -> Appointment:
    for _attempt in range(5):
        appointment = Appointment(
            code=code_generate(),
            procedure=procedure,
            center_id=slot.center_id,
            slot=slot,
            channel=channel,
            document_type=data.document_type,
            document_number=data.document_number,
            full_name=data.full_name,
            email=data.email,
            phone=data.phone,
            preferred_language_id=data.preferred_language_id,
            priority_need=data.priority_need,
            segmentation_consent=data.segmentation_consent,
            age_band=data.age_band,
            gender=data.gender,
            consent_version=consent_version,
            consent_at=now,
        )
        try:
            with transaction.atomic():  # a savepoint: a code collision must not abort the booking
                appointment.save(force_insert=True)
            return appointment
        except IntegrityError as exc:
            name = _constraint_name(exc)
            if ACTIVE_CONSTRAINT in name:
                raise Duplicate() from exc
            if "code" not in name:
                raise
            logger.warning("Booking code collision, drawing another one")
    raise RuntimeError("could not draw a free booking code")  # 5 collisions of 50-bit codes: a broken RNG


def _appointment_lock(*, appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot", "procedure", "center")
        .get(pk=appointment.pk)
    )


def _changeable_check(*, appointment: Appointment, now: dt.datetime, by_staff: bool = False) -> None:
    if appointment.status != AppointmentStatus.BOOKED or appointment.anonymized_at is not None:
        raise WindowClosed(_("This appointment is no longer active, so it cannot be changed."))
    if not by_staff and appointment.slot.starts_at <= now:
        raise WindowClosed(_("This appointment has already started, so it cannot be changed."))


def appointment_cancel(*, appointment: Appointment, reason: str = "", by_staff: bool = False) -> Appointment:
    """Cancel an active appointment: its place is free at once and a cancellation message is planned.

    A citizen's cancellation starts the rebooking cooldown for the document; a staff one (schedule
    conflicts, closures) does not.
    """
    now = timezone.now()
    with transaction.atomic():
        appointment = _appointment_lock(appointment=appointment)
        _changeable_check(appointment=appointment, now=now, by_staff=by_staff)
        quota = _document_lock(document_type=appointment.document_type, document_number=appointment.document_number)
        _slot_release(slot_id=appointment.slot_id)
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_at = now
        appointment.cancelled_by_staff = by_staff
        appointment.cancel_reason = (reason or "").strip()[:250]
        appointment.save(update_fields=["status", "cancelled_at", "cancelled_by_staff", "cancel_reason", "updated_at"])
        if not by_staff:
            quota.last_cancelled_at = now
            quota.save(update_fields=["last_cancelled_at"])
        notifications.notifications_plan(appointment=appointment, kind="cancellation", now=now)
    return appointment


def appointment_reschedule(*, appointment: Appointment, slot_id: int, client_address: str | None = None) -> Appointment:
    """Move an active appointment to another slot in one transaction (the code stays the same).

    On any error the appointment and its old slot are unchanged. The .ics SEQUENCE (`version`) goes up,
    pending reminders of the old time are dropped and a change message plus new reminders are planned.
    """
    if client_address is not None:
        rate_limit_hit(scope="book", client_address=client_address)
    now = timezone.now()
    new_slot, _procedure = _bookable_slot(slot_id=slot_id, procedure_id=appointment.procedure_id, now=now)
    with transaction.atomic():
        appointment = _appointment_lock(appointment=appointment)
        _changeable_check(appointment=appointment, now=now)
        if new_slot.pk == appointment.slot_id:
            raise InvalidBooking(_("Your appointment is already at that time."))
        if appointment.version >= _setting("APPOINTMENTS_MAX_RESCHEDULES", 3):
            raise LimitReached(_("This appointment has been changed too many times. Cancel it and book a new one."))
        old_slot_id = appointment.slot_id
        for slot_pk in sorted([old_slot_id, new_slot.pk]):  # one lock order for every transaction
            if slot_pk == new_slot.pk:
                _slot_claim(slot_id=new_slot.pk)
            else:
                _slot_release(slot_id=old_slot_id)
        appointment.previous_slot_id = old_slot_id
        appointment.slot = new_slot
        appointment.center_id = new_slot.center_id
        appointment.version += 1
        appointment.save(update_fields=["previous_slot", "slot", "center", "version", "updated_at"])
        notifications.notifications_plan(appointment=appointment, kind="reschedule", now=now)
    return appointment


def appointment_check_in(*, appointment: Appointment) -> Appointment:
    """Record that the citizen arrived (same day only); idempotent for an appointment already checked in."""
    now = timezone.now()
    with transaction.atomic():
        appointment = _appointment_lock(appointment=appointment)
        if appointment.status == AppointmentStatus.CHECKED_IN:
            return appointment
        if appointment.status != AppointmentStatus.BOOKED:
            raise InvalidBooking(_("Only a booked appointment can be checked in."))
        if lima_date(appointment.slot.starts_at) != lima_date(now):
            raise WindowClosed(_("This appointment is for another day."))
        appointment.status = AppointmentStatus.CHECKED_IN
        appointment.checked_in_at = now
        appointment.save(update_fields=["status", "checked_in_at", "updated_at"])
    return appointment


def appointment_complete(*, appointment: Appointment) -> Appointment:
    """Mark a checked-in appointment as attended (called when the counter finishes serving); idempotent."""
    updated = Appointment.objects.filter(
        pk=appointment.pk, status__in=[AppointmentStatus.CHECKED_IN, AppointmentStatus.BOOKED]
    ).update(status=AppointmentStatus.COMPLETED, updated_at=timezone.now())
    appointment.refresh_from_db()
    if not updated and appointment.status != AppointmentStatus.COMPLETED:
        raise InvalidBooking(_("Only a booked or checked-in appointment can be completed."))
    return appointment


def appointments_mark_no_shows(*, now: dt.datetime | None = None) -> int:
    """Mark as no-show the booked appointments whose slot ended more than the grace period ago; idempotent."""
    now = now or timezone.now()
    grace = dt.timedelta(minutes=_setting("APPOINTMENTS_NO_SHOW_GRACE_MINUTES", 30))
    return Appointment.objects.filter(status=AppointmentStatus.BOOKED, slot__ends_at__lt=now - grace).update(
        status=AppointmentStatus.NO_SHOW, updated_at=now
    )


# --------------------------------------------------------------------------------------------------------------
# Retention limits (Ley 29733)
# --------------------------------------------------------------------------------------------------------------

PURGE_BATCH_SIZE = 1000


@dataclass(frozen=True)
class PurgeResult:
    """What one retention purge did (all zero when there was nothing left to purge)."""

    appointments_anonymized: int = 0
    notifications_deleted: int = 0
    quotas_deleted: int = 0


def appointments_purge_personal_data(
    *, now: dt.datetime | None = None, batch_size: int = PURGE_BATCH_SIZE
) -> PurgeResult:
    """Apply the retention limit (settings.APPOINTMENTS_RETENTION_DAYS) to the citizens' personal data.

    An appointment whose slot ended more than that many days ago (a booked one also past the no-show grace) is
    anonymized: name, document number, e-mail, phone and cancel reason cleared, `anonymized_at` set; what reports
    count (procedure, center, slot, status, channel, language, priority, consented age band and gender, consent
    version) stays. Its messages are deleted: their content was personal data. Document quota rows without an
    active appointment and past the rebooking cooldown are deleted too (they hold a document number).

    Batches of `batch_size` rows, one transaction each, rows locked by someone else skipped (taken the next
    day); the number of queries depends on the number of batches, never on rows. Idempotent.
    """
    now = now or timezone.now()
    retention = dt.timedelta(days=max(_setting("APPOINTMENTS_RETENTION_DAYS", 180), 0))
    grace = dt.timedelta(minutes=_setting("APPOINTMENTS_NO_SHOW_GRACE_MINUTES", 30))
    cutoff = now - retention
    expired = (
        Appointment.objects.filter(anonymized_at__isnull=True, slot__ends_at__lt=cutoff)
        # Never an appointment that could still be attended or marked as a no-show, whatever the retention.
        .exclude(status=AppointmentStatus.BOOKED, slot__ends_at__gte=now - grace)
        .select_for_update(of=("self",), skip_locked=True)
        .order_by()  # any order: no sort, the LIMIT stops the scan early
        .values_list("pk", flat=True)
    )
    anonymized = notifications_deleted = 0
    while True:
        with transaction.atomic():
            ids = list(expired[:batch_size])
            if ids:
                deleted, _by_model = Notification.objects.filter(appointment_id__in=ids).delete()
                notifications_deleted += deleted
                anonymized += Appointment.objects.filter(pk__in=ids).update(
                    full_name="",
                    document_number="",
                    email="",
                    phone="",
                    cancel_reason="",
                    anonymized_at=now,
                    updated_at=now,
                )
        if len(ids) < batch_size:
            break

    cooldown = dt.timedelta(minutes=_setting("APPOINTMENTS_REBOOK_COOLDOWN_MINUTES", 30))
    active = Appointment.objects.filter(
        document_type=OuterRef("document_type"),
        document_number=OuterRef("document_number"),
        status=AppointmentStatus.BOOKED,
    )
    idle = (
        DocumentQuota.objects.filter(Q(last_cancelled_at__isnull=True) | Q(last_cancelled_at__lt=now - cooldown))
        .exclude(Exists(active))
        # A row a booking holds is skipped; a booking that finds its row gone creates it again (_document_lock).
        .select_for_update(skip_locked=True)
        .order_by()
        .values_list("pk", flat=True)
    )
    quotas_deleted = 0
    while True:
        with transaction.atomic():
            ids = list(idle[:batch_size])
            if ids:
                quotas_deleted += DocumentQuota.objects.filter(pk__in=ids).delete()[0]
        if len(ids) < batch_size:
            break

    result = PurgeResult(
        appointments_anonymized=anonymized, notifications_deleted=notifications_deleted, quotas_deleted=quotas_deleted
    )
    if anonymized or quotas_deleted:
        logger.info("Retention purge: %s", result)
    return result


# --------------------------------------------------------------------------------------------------------------
# Demo data
# --------------------------------------------------------------------------------------------------------------
