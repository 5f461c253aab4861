"""Writes about service points: opening hours (validated not to overlap) and closures."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .constants import Weekday
from .models import Center, Closure, Offering, OpeningHours

__all__ = [
    "HoursRange",
    "center_hours_set",
    "closure_add",
    "opening_hours_validate",
]


@dataclass(frozen=True)
class HoursRange:
    weekday: int
    opens: dt.time
    closes: dt.time


def opening_hours_validate(*, ranges: Iterable[HoursRange]) -> None:
    """Raise ValidationError when a range is empty or two ranges of the same day overlap."""
    errors = []
    by_day: dict[int, list[HoursRange]] = {}
    for item in ranges:
        if item.opens >= item.closes:
            errors.append(
                _("%(day)s: the opening time %(opens)s must be before the closing time %(closes)s.")
                % {"day": Weekday(item.weekday).label, "opens": f"{item.opens:%H:%M}", "closes": f"{item.closes:%H:%M}"}
            )
        by_day.setdefault(item.weekday, []).append(item)
    for day, day_ranges in sorted(by_day.items()):
        day_ranges.sort(key=lambda r: r.opens)
        for before, after in zip(day_ranges, day_ranges[1:], strict=False):
            if after.opens < before.closes:
                errors.append(
                    _("%(day)s: the ranges %(a)s and %(b)s overlap.")
                    % {
                        "day": Weekday(day).label,
                        "a": f"{before.opens:%H:%M}–{before.closes:%H:%M}",
                        "b": f"{after.opens:%H:%M}–{after.closes:%H:%M}",
                    }
                )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def center_hours_set(*, center: Center, ranges: Iterable[HoursRange], offering: Offering | None = None) -> None:
    """Replace the weekly hours of a center (or of one of its offerings) after validating them."""
    ranges = list(ranges)
    opening_hours_validate(ranges=ranges)
    if offering is not None and offering.center_id != center.pk:
        raise ValidationError(_("The offering does not belong to this service point."))
    OpeningHours.objects.filter(center=center, offering=offering).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(center=center, offering=offering, weekday=r.weekday, opens=r.opens, closes=r.closes)
        for r in ranges
    )


def closure_add(*, center: Center, date: dt.date, reason: str) -> Closure:
    """Close a center on a date (idempotent: the reason of an existing closure is updated)."""
    closure, _created = Closure.objects.update_or_create(center=center, date=date, defaults={"reason": reason})
    return closure
