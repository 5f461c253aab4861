"""Who reads which centers' reports: analysts and administrators every center, supervisors their centers."""

from centers.constants import StaffRole
from centers.selectors import staff_member_center_ids, staff_sees_all_centers

from ..roles import VIEW

__all__ = ["report_center_ids", "report_sees_all"]


def report_sees_all(*, user) -> bool:
    return bool(user.is_active and user.has_perm(VIEW) and staff_sees_all_centers(user=user))


def report_center_ids(*, user) -> list[int]:
    """The centers whose figures this user may read; empty: none (the pages answer 403)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.has_perm(VIEW)):
        return []
    if staff_sees_all_centers(user=user):
        from centers.models import Center

        return list(Center.objects.order_by("pk").values_list("pk", flat=True))
    return staff_member_center_ids(user=user, roles=[StaffRole.SUPERVISOR])
