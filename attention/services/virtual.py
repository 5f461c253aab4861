"""The virtual channel's service acts: a booking or a cancellation made on the web portal (or by the phone line, or
by staff) is recorded as one finished Attention at the virtual service point, so surveys and indicators treat the
three channels alike.

`appointments.signals.appointment_changed` (after commit) -> attention.handlers -> attention.tasks.virtual_attention
-> `attention_record_virtual`: idempotent, one Attention per appointment and action (its `import_key` is
"appointment:<id>:<action>", unique), whoever runs it first; only the one that creates it sends `attention_finished`.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction

from appointments.formatting import lima_date
from appointments.models import Appointment
from appointments.signals import BOOK, CANCEL
from centers.models import Center
from procedures.constants import Channel

from ..constants import Outcome
from ..models import Attention
from ..signals import attention_finished

__all__ = ["attention_record_virtual", "virtual_attention_key", "virtual_service_point"]

logger = logging.getLogger(__name__)

ACTIONS = (BOOK, CANCEL)


def virtual_attention_key(*, appointment_id: int, action: str) -> str:
    return f"appointment:{appointment_id}:{action}"


def virtual_service_point() -> Center | None:
    """The web portal's service point: settings.ATTENTION_VIRTUAL_CENTER (a slug), else the first active virtual one."""
    centers = Center.objects.filter(channel=Channel.VIRTUAL, is_active=True)
    if slug := getattr(settings, "ATTENTION_VIRTUAL_CENTER", ""):
        centers = centers.filter(slug=slug)
    return centers.order_by("pk").first()


def attention_record_virtual(*, appointment_id: int, action: str) -> Attention | None:
    """The Attention of a booking ("book") or cancellation ("cancel"), created once; None when there is nothing to
    record (unknown appointment or action, no virtual service point, a cancellation that did not happen)."""
    if action not in ACTIONS:
        return None
    key = virtual_attention_key(appointment_id=appointment_id, action=action)
    existing = Attention.objects.filter(import_key=key).first()
    if existing is not None:
        return existing
    appointment = Appointment.objects.filter(pk=appointment_id).first()
    point = virtual_service_point()
    if appointment is None or point is None:
        if point is None:
            logger.warning(
                "No active virtual service point: the %s of appointment %s is not recorded", action, appointment_id
            )
        return None
    at = appointment.created_at if action == BOOK else appointment.cancelled_at
    if at is None:
        return None
    attention = Attention(
        center=point,
        channel=Channel.VIRTUAL,
        service_day=lima_date(at),
        procedure_id=appointment.procedure_id,
        appointment=appointment,
        intent=appointment.procedure.intent,
        age_band=appointment.age_band if appointment.segmentation_consent else "",
        gender=appointment.gender if appointment.segmentation_consent else "",
        issued_at=at,
        called_at=at,
        started_at=at,
        finished_at=at,
        outcome=Outcome.RESOLVED,
        outcome_note=action,
        import_key=key,
    )
    try:
        with transaction.atomic():
            attention.save(force_insert=True)
            attention_id = attention.pk
            transaction.on_commit(
                lambda: attention_finished.send(
                    sender=Attention, attention_id=attention_id, appointment_id=appointment_id
                )
            )
    except IntegrityError:  # recorded meanwhile by another worker (or the confirmation page): that one sent the signal
        return Attention.objects.filter(import_key=key).first()
    return attention
