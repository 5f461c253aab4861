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

pytestmark = pytest.mark.postgresql  # row locks and SKIP LOCKED under real concurrency


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_migrated_rows")
def test_a_booking_whose_idle_quota_is_purged_under_it_still_books(frozen, procedure, broker_lost):
    """The purge deletes an idle quota row while a booking of that document waits for its lock: the booking's
    upsert (insert or lock, one statement) then creates the row again instead of failing."""
    schedule = ScheduleFactory(procedures=[procedure], capacity=5)
    slot = slot_create(schedule=schedule, starts_at=SLOT_START)
    document = citizen(1).document_number
    quota = DocumentQuota.objects.create(
        document_type=DocumentType.DNI, document_number=document, last_cancelled_at=NOW - dt.timedelta(days=3)
    )
    deleted = threading.Event()
    waited: list[bool] = []

    def purge_holding_the_row() -> None:
        try:
            with transaction.atomic():
                DocumentQuota.objects.filter(pk=quota.pk).delete()
                deleted.set()
                waited.append(_another_backend_waits_for_a_lock())
        finally:
            connection.close()

    thread = threading.Thread(target=purge_holding_the_row)
    thread.start()
    deleted.wait(timeout=30)
    appointment = appointment_create(slot=slot, n=1)
    thread.join(timeout=30)

    assert waited == [True]  # the booking did meet the deleted, locked row
    assert appointment.status == AppointmentStatus.BOOKED
    assert DocumentQuota.objects.filter(document_number=document).count() == 1


def _another_backend_waits_for_a_lock(seconds: float = 20) -> bool:
    """Poll pg_stat_activity (from the connection holding the lock) until another backend waits for a lock."""
    with connection.cursor() as cursor:
        for _attempt in range(int(seconds * 20)):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            cursor.execute("SELECT pg_sleep(0.05)")
    return False


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
