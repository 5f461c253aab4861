"""Retention purge racing bookings on real PostgreSQL connections: locked rows are skipped, never waited for,
and a booking whose idle quota row is purged under it still books."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from appointments.constants import (
    AppointmentStatus,
    DocumentType,
)
from appointments.models import DocumentQuota
from appointments.services import (
    PurgeResult,
    appointments_purge_personal_data,
)
from appointments.tests.factories import ScheduleFactory, appointment_create, citizen, slot_create
from appointments.tests.utils import NOW, SLOT_START


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_migrated_rows")
def test_a_booking_whose_idle_quota_is_purged_under_it_still_books(frozen, procedure, monkeypatch, broker_lost):
    """The purge deletes an idle quota row between the booking's insert (a no-op: the row exists) and its lock;
    the booking creates the row again instead of failing."""
    schedule = ScheduleFactory(procedures=[procedure], capacity=5)
    slot = slot_create(schedule=schedule, starts_at=SLOT_START)
    document = citizen(1).document_number
    DocumentQuota.objects.create(
        document_type=DocumentType.DNI, document_number=document, last_cancelled_at=NOW - dt.timedelta(days=3)
    )
    real_bulk_create = DocumentQuota.objects.bulk_create
    purged: list[PurgeResult] = []

    def purge_in_another_connection() -> None:
        try:
            purged.append(appointments_purge_personal_data())
        finally:
            connection.close()

    def bulk_create_then_purge(*args, **kwargs):
        rows = real_bulk_create(*args, **kwargs)
        if not purged:
            thread = threading.Thread(target=purge_in_another_connection)
            thread.start()
            thread.join(timeout=30)
        return rows

    monkeypatch.setattr(DocumentQuota.objects, "bulk_create", bulk_create_then_purge)
    appointment = appointment_create(slot=slot, n=1)

    assert purged == [PurgeResult(quotas_deleted=1)]
    assert appointment.status == AppointmentStatus.BOOKED
    assert DocumentQuota.objects.filter(document_number=document).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_migrated_rows")
def test_a_quota_row_a_booking_holds_is_skipped_not_waited_for(frozen):
    quota = DocumentQuota.objects.create(document_type=DocumentType.DNI, document_number="40000001")
    locked, release = threading.Event(), threading.Event()

    def booking_holding_the_lock() -> None:
        try:
            with transaction.atomic():
                DocumentQuota.objects.select_for_update().get(pk=quota.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=booking_holding_the_lock)
    thread.start()
    assert locked.wait(timeout=30)
    try:
        # Had it waited for the lock, it would have deleted the row once released (and found it idle).
        assert appointments_purge_personal_data() == PurgeResult()
    finally:
        release.set()
        thread.join(timeout=30)
    assert appointments_purge_personal_data() == PurgeResult(quotas_deleted=1)
