"""Writes about service points: opening hours (validated not to overlap), closures, staff memberships."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput

from .constants import ALL_CENTERS_ROLES, StaffRole, Weekday
from .models import Center, Closure, Language, Offering, OpeningHours, PersonalDataAccess, StaffMembership
from .roles import ROLE_PERMISSIONS
from .selectors import staff_cache_clear

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


# --------------------------------------------------------------------------------------------------------------
# Staff: memberships and the role groups
# --------------------------------------------------------------------------------------------------------------


def staff_groups_sync() -> None:
    """Create one Django group per staff role holding exactly the permissions registered for it; idempotent.

    Run after every migrate (centers.apps); it creates missing permissions first, so it also works on a fresh
    database before Django's own post_migrate handlers have reached the apps above this one.
    """
    for app_config in django_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, names in ROLE_PERMISSIONS.items():
        wanted = _permissions(names)
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(wanted)


def _permissions(names: Iterable[str]) -> list[Permission]:
    pairs = {tuple(name.split(".", 1)) for name in names}
    found = [
        permission
        for permission in Permission.objects.filter(codename__in={codename for _app, codename in pairs}).select_related(
            "content_type"
        )
        if (permission.content_type.app_label, permission.codename) in pairs
    ]
    missing = pairs - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise ImproperlyConfigured(f"Unknown permissions for staff roles: {sorted(missing)}")
    return found


def staff_user_groups_refresh(*, user: User) -> None:
    """Make the user's role groups exactly the roles they hold (other groups are left alone)."""
    roles = set(StaffMembership.objects.filter(user=user).values_list("role", flat=True))
    role_groups = Group.objects.filter(name__in=[role.value for role in StaffRole])
    user.groups.remove(*[group for group in role_groups if group.name not in roles])
    missing = roles - {group.name for group in role_groups}
    if missing:
        staff_groups_sync()
    user.groups.add(*Group.objects.filter(name__in=roles))
    staff_cache_clear(user=user)


@transaction.atomic
def staff_membership_grant(
    *,
    user: User,
    role: str,
    center: Center | None = None,
    languages: Iterable[Language] = (),
) -> StaffMembership:
    """Give a user a role at a center (analysts and administrators: at every center); idempotent.

    The user becomes staff (may log in to the admin) and joins the role's group."""
    role = StaffRole(role)
    if role in ALL_CENTERS_ROLES:
        center = None
    elif center is None:
        raise InvalidInput(field_errors={"center": [_("This role works at one center: choose it.")]})
    membership, _created = StaffMembership.objects.get_or_create(user=user, center=center, role=role)
    if languages:
        membership.languages.add(*languages)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])  # a save, not an update(): the change history records it
    staff_user_groups_refresh(user=user)
    return membership


@transaction.atomic
def staff_membership_revoke(*, membership: StaffMembership) -> None:
    """Take a role away; the user leaves the role's group when no other membership holds that role."""
    user = membership.user
    membership.delete()
    staff_user_groups_refresh(user=user)


def personal_data_access_record(*, user, action: str, records: Iterable[Model], reason: str = "") -> int:
    """Record that `user` saw these citizens' records (one row each, one query); returns how many.

    Call it wherever the back office shows personal data (names, documents, contact): record pages, lists,
    searches, day sheets, check-ins. A record's center is kept when it has one (`center_id`)."""
    now = timezone.now()
    rows = [
        PersonalDataAccess(
            user_id=getattr(user, "pk", None),
            at=now,
            action=action,
            content_type=ContentType.objects.get_for_model(record),
            object_id=str(record.pk),
            center_id=getattr(record, "center_id", None),
            reason=str(reason)[:200],
        )
        for record in records
    ]
    PersonalDataAccess.objects.bulk_create(rows)
    return len(rows)
