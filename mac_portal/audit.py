"""Change history of back-office data (django-auditlog): who changed what, when, from where.

What is recorded (registered in `audit_register`, called from mac_portal.apps at start-up):

- the catalog: entities, procedures (fees included), requirements;
- centers: centers, offerings, opening hours, closures, counters (their procedures and languages), languages,
  staff memberships (their languages), and the accounts side of roles: users' staff flags, groups and
  permissions, and the groups' permissions — never a password hash nor the last login;
- the in-person channel's configuration: queues and device tokens (never the token's hash);
- appointments' schedules and their weekly rules; appointments themselves only when a staff member changes them
  (admin actions, the greeter's check-in): their status, slot, center, procedure and the check-in and
  cancellation facts. The citizen's name, document, contact data, preferential-attention need and consented
  segments are never copied into the history (the 180-day retention erases them from the appointment but could not
  from a history), and the cancellation reason, which the retention erases too, is recorded as changed but masked.

What is not: tickets, counter sessions and attention records (the counters' hot path; a ticket's `Attention`
rows are its own history), notifications, slots (generated in bulk from their schedule, whose change is recorded),
and the access log itself. Changes made with `QuerySet.update` or `bulk_update` are not seen by the library: the
services that change recorded models on behalf of staff save instances instead.

The acting user and address come from `AuditMiddleware`, which sets them only for authenticated staff requests (the
public pages, kiosks and screens pay nothing). The history is read-only in the admin, for administrators only
(`auditlog.view_logentry`, held by the administrator role; see mac_portal/admin.py).
"""

import contextlib
import contextvars
from collections.abc import Callable, Iterator

from auditlog.context import auditlog_value, disable_auditlog, set_extra_data
from auditlog.registry import auditlog
from auditlog.signals import pre_log
from django.apps import apps
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse

from common.ratelimit import client_address

MASK = "••••••"

# model -> registration options. Each appointment field not listed is never recorded.
REGISTERED: dict[str, dict] = {
    "procedures.Entity": {},
    "procedures.Procedure": {"exclude_fields": ["search_document", "search_vector", "updated_at", "demand_rank"]},
    "procedures.Requirement": {},
    "centers.Language": {},
    "centers.Center": {},
    "centers.Offering": {},
    "centers.OpeningHours": {},
    "centers.Closure": {},
    "centers.Counter": {"m2m_fields": {"procedures", "languages"}},
    "centers.StaffMembership": {"m2m_fields": {"languages"}},
    "auth.Group": {"m2m_fields": {"permissions"}},
    "attention.Queue": {},
    "attention.DeviceToken": {"exclude_fields": ["token_hash", "created_at"]},
    "appointments.Schedule": {"exclude_fields": ["created_at", "updated_at"], "m2m_fields": {"procedures"}},
    "appointments.ScheduleRule": {},
    "appointments.Appointment": {
        "include_fields": [
            "status",
            "slot",
            "previous_slot",
            "center",
            "procedure",
            "checked_in_at",
            "cancelled_at",
            "cancelled_by_staff",
            "cancel_reason",
        ],
        "mask_fields": ["cancel_reason"],
        "mask_callable": "mac_portal.audit.mask_all",
    },
}
USER_OPTIONS = {
    "include_fields": ["username", "is_active", "is_staff", "is_superuser"],
    "m2m_fields": {"groups", "user_permissions"},
}
# Recorded only when a staff member makes the change (citizens' own bookings and the system's jobs are not).
STAFF_ONLY = {"appointments.Appointment"}


def mask_all(value: str) -> str:
    """Masks the whole value (auditlog's default keeps half of it)."""
    return MASK if value else ""


def audit_register() -> None:
    for label, options in REGISTERED.items():
        model = apps.get_model(label)
        options = dict(options)
        excluded = set(options.pop("exclude_fields", ()))
        # Own columns only: the library would otherwise list reverse relations (as "None") in creations.
        options.setdefault("include_fields", [f.name for f in model._meta.concrete_fields if f.name not in excluded])
        auditlog.register(model, **options)
    auditlog.register(get_user_model(), **USER_OPTIONS)
    for label in STAFF_ONLY:
        pre_log.connect(_only_by_staff, sender=apps.get_model(label), dispatch_uid=f"mac_portal.audit.{label}")


_actor: contextvars.ContextVar = contextvars.ContextVar("mac_portal_audit_actor", default=None)


@contextlib.contextmanager
def audit_actor(user, *, remote_addr: str | None = None) -> Iterator[None]:
    """Changes made inside are recorded as made by `user` (a staff member) from `remote_addr`.

    The library's own `set_actor` never resets its context variable; this does, so nothing after it (the next
    request of this thread, a test) inherits the actor."""
    token = _actor.set(user)
    previous = auditlog_value.get({})
    try:
        with set_extra_data(context_data={"actor": user, "remote_addr": remote_addr}):
            yield
    finally:
        auditlog_value.set(previous)
        _actor.reset(token)


def current_actor():
    """The staff member on whose behalf this code runs (`audit_actor`), or None."""
    return _actor.get()


def _only_by_staff(sender, **kwargs) -> bool:
    return current_actor() is not None


class AuditMiddleware:
    """Sets the acting staff member and their address (as the trusted proxies saw it) for the change history.

    After AuthenticationMiddleware. Only authenticated staff get a context; requests of citizens and devices run
    with the history off (auditlog's own middleware would connect and disconnect a signal receiver on every request,
    and a citizen cancelling their appointment would pay the read of its previous state).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            # Citizens and devices change no back-office data (a kiosk's first ticket of the day may create a
            # queue: not recorded): the library stays off, not even the previous state is read before a save.
            with disable_auditlog():
                return self.get_response(request)
        with audit_actor(user, remote_addr=client_address(request)):
            return self.get_response(request)
