"""Retention limits of the citizens' personal data (Ley 29733)."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from common.utils import setting_int

from ..constants import AppointmentStatus
from ..models import Appointment, DocumentQuota, Notification

__all__ = ["PURGE_BATCH_SIZE", "PurgeResult", "appointments_purge_personal_data"]

logger = logging.getLogger(__name__)

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
    retention = dt.timedelta(days=max(setting_int("APPOINTMENTS_RETENTION_DAYS", 180), 0))
    grace = dt.timedelta(minutes=setting_int("APPOINTMENTS_NO_SHOW_GRACE_MINUTES", 30))
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
        with transaction.atomic(durable=True):  # each batch commits on its own
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

    cooldown = dt.timedelta(minutes=setting_int("APPOINTMENTS_REBOOK_COOLDOWN_MINUTES", 30))
    active = Appointment.objects.filter(
        document_type=OuterRef("document_type"),
        document_number=OuterRef("document_number"),
        status=AppointmentStatus.BOOKED,
    )
    idle = (
        DocumentQuota.objects.filter(Q(last_cancelled_at__isnull=True) | Q(last_cancelled_at__lt=now - cooldown))
        .exclude(Exists(active))
        # A row a booking holds is skipped; a booking that finds its row gone creates it again (booking.document_lock).
        .select_for_update(skip_locked=True)
        .order_by()
        .values_list("pk", flat=True)
    )
    quotas_deleted = 0
    while True:
        with transaction.atomic(durable=True):
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
