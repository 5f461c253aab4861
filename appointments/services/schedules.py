"""Schedules: weekly ranges of bookable time per center and group of procedures (slots follow from them)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from centers.constants import Weekday
from centers.models import Center, Offering
from centers.services import HoursRange, opening_hours_validate
from procedures.models import Procedure

from ..formatting import lima_date
from ..models import Schedule, ScheduleRule
from .slots import SlotsResult, slots_generate

__all__ = [
    "RuleRange",
    "schedule_create",
    "schedule_procedures_validate",
    "schedule_rules_set",
    "schedule_rules_validate",
]


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
        _("%(procedure)s cannot be booked: it is walk-in only or no longer active.") % {"procedure": p.name}
        for p in procedures
        if not p.is_bookable
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
