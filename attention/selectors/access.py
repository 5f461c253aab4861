"""Who may reach what: every staff read and action of this app goes through these, scoped to the user's centers
(centers.selectors). Another center's object answers as unknown (NotFound), never with its data."""

from django.db.models import QuerySet

from centers.constants import StaffRole
from centers.models import Center, Counter
from centers.selectors import staff_center_ids, staff_member_center_ids, staff_sees_all_centers

from ..constants import CounterSessionStatus
from ..errors import NotFound
from ..models import CounterSession, DeviceToken, Ticket
from ..tokens import token_hash

__all__ = [
    "GREETER_ROLES",
    "SERVING_ROLES",
    "SUPERVISION_ROLES",
    "center_for_staff",
    "centers_for_staff",
    "counter_for_staff",
    "counter_session_current",
    "counters_for_staff",
    "device_authenticate",
    "ticket_for_staff",
]

GREETER_ROLES = (StaffRole.GREETER, StaffRole.SUPERVISOR)
SERVING_ROLES = (StaffRole.COUNTER_AGENT, StaffRole.SUPERVISOR)
SUPERVISION_ROLES = (StaffRole.SUPERVISOR,)


def _center_ids(*, user, roles) -> list[int]:
    # Supervision is also for those who see every center (analysts read it); acting needs a membership.
    if roles == SUPERVISION_ROLES:
        return sorted(set(staff_member_center_ids(user=user, roles=roles)) | set(_read_all(user)))
    return staff_member_center_ids(user=user, roles=roles)


def _read_all(user) -> list[int]:
    return staff_center_ids(user=user) if staff_sees_all_centers(user=user) else []


def centers_for_staff(*, user, roles) -> QuerySet[Center]:
    return Center.objects.filter(pk__in=_center_ids(user=user, roles=roles), is_active=True).order_by("name")


def center_for_staff(*, user, center_id: int, roles) -> Center:
    """The center, if the user holds one of `roles` there; else NotFound."""
    center = centers_for_staff(user=user, roles=roles).filter(pk=center_id).first()
    if center is None:
        raise NotFound()
    return center


def counters_for_staff(*, user) -> QuerySet[Counter]:
    """The active counters the user may open."""
    return (
        Counter.objects.filter(center_id__in=_center_ids(user=user, roles=SERVING_ROLES), is_active=True)
        .select_related("center", "entity")
        .order_by("center__name", "label")
    )


def counter_for_staff(*, user, counter_id: int) -> Counter:
    counter = counters_for_staff(user=user).filter(pk=counter_id).first()
    if counter is None:
        raise NotFound()
    return counter


def counter_session_current(*, user) -> CounterSession | None:
    """The user's open or paused counter session, if any."""
    return (
        CounterSession.objects.filter(agent_id=user.pk)
        .exclude(status=CounterSessionStatus.CLOSED)
        .select_related("counter__center", "counter__entity")
        .first()
    )


def ticket_for_staff(*, user, ticket_id: int, roles=SERVING_ROLES) -> Ticket:
    ticket = (
        Ticket.objects.filter(pk=ticket_id, center_id__in=_center_ids(user=user, roles=roles))
        .select_related("procedure", "center", "appointment")
        .first()
    )
    if ticket is None:
        raise NotFound()
    return ticket


def device_authenticate(*, token: str, kind: str) -> DeviceToken | None:
    """The active device of that kind holding this token, or None."""
    if not token:
        return None
    return (
        DeviceToken.objects.filter(token_hash=token_hash(token), kind=kind, is_active=True)
        .select_related("center")
        .first()
    )


def device_active_get(*, device_id: int, token_hash: str, kind: str) -> DeviceToken | None:
    """The active device of that kind with this id and token hash (a device cookie's content), or None."""
    return (
        DeviceToken.objects.filter(pk=device_id, token_hash=token_hash, kind=kind, is_active=True)
        .select_related("center")
        .first()
    )
