"""Retention limits (Ley 29733): past the retention period an appointment keeps only what reports count, its
messages are gone, idle document quotas are gone; nothing active is touched and a second run changes nothing."""

import datetime as dt
import re

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from appointments import tasks
from appointments.constants import (
    CONSENT_VERSION,
    AppointmentStatus,
    BookingChannel,
    DocumentType,
    NotificationChannel,
    NotificationKind,
    PriorityNeed,
)
from appointments.errors import Cooldown, WindowClosed
from appointments.models import Appointment, DocumentQuota, Notification, Slot
from appointments.services import (
    PurgeResult,
    appointment_cancel,
    appointment_check_in,
    appointment_complete,
    appointments_mark_no_shows,
    appointments_purge_personal_data,
    code_generate,
    notifications,
)
from appointments.tests.factories import ScheduleFactory, appointment_create, citizen, lima, slot_create
from appointments.tests.pages import MANAGE_URL
from appointments.tests.utils import NOW, SLOT_START
from common.tests.utils import new_address

pytestmark = pytest.mark.django_db

# NOW is Monday 23 November 2026: with the default 180 days, slots that ended before 27 May 2026 are expired.
OLD_DAY = lima(2026, 5, 4, 9, 0)  # Monday 4 May 2026
RECENT_DAY = lima(2026, 6, 15, 9, 0)  # Monday 15 June 2026
PERSONAL = ["full_name", "document_number", "email", "phone", "cancel_reason"]
KEPT = [
    "code",
    "procedure_id",
    "center_id",
    "slot_id",
    "status",
    "channel",
    "preferred_language_id",
    "priority_need",
    "segmentation_consent",
    "age_band",
    "gender",
    "consent_version",
    "consent_at",
    "created_at",
    "cancelled_at",
    "cancelled_by_staff",
    "checked_in_at",
]


def snapshot() -> dict[int, dict]:
    return {row["pk"]: row for row in Appointment.objects.values("pk", *PERSONAL, *KEPT, "anonymized_at", "updated_at")}


@pytest.fixture
def schedule(db, procedure):
    return ScheduleFactory(procedures=[procedure], capacity=10)


@pytest.fixture
def history(frozen, schedule):
    """Appointments of an expired day (attended, cancelled with a reason, a no-show, one left booked), of a recent
    day (attended) and an active future one, with their messages sent as they would have been."""
    old_slot = slot_create(schedule=schedule, starts_at=OLD_DAY)
    recent_slot = slot_create(schedule=schedule, starts_at=RECENT_DAY)
    future_slot = slot_create(schedule=schedule, starts_at=SLOT_START)

    frozen.move_to(OLD_DAY - dt.timedelta(days=3))
    attended = appointment_create(
        slot=old_slot,
        n=1,
        preferred_language="qu",
        priority_need=PriorityNeed.OLDER_ADULT,
        segmentation_consent=True,
        age_band="60+",
        gender="female",
    )
    cancelled = appointment_create(slot=old_slot, n=2, phone="")
    no_show = appointment_create(slot=old_slot, n=3, email="")
    left_booked = appointment_create(slot=old_slot, n=4)
    appointment_cancel(appointment=cancelled, reason="Me mudé a Arequipa, llamen al 987654321")
    notifications.notifications_send_due()
    frozen.move_to(OLD_DAY - dt.timedelta(hours=20))
    notifications.notifications_send_due()  # reminders
    frozen.move_to(OLD_DAY + dt.timedelta(minutes=5))
    appointment_complete(appointment=appointment_check_in(appointment=attended))
    frozen.move_to(OLD_DAY + dt.timedelta(hours=2))
    appointments_mark_no_shows()
    Appointment.objects.filter(pk=left_booked.pk).update(status=AppointmentStatus.BOOKED)  # as if the beat missed it

    frozen.move_to(RECENT_DAY - dt.timedelta(days=3))
    recent = appointment_create(slot=recent_slot, n=5)
    notifications.notifications_send_due()
    frozen.move_to(RECENT_DAY + dt.timedelta(minutes=5))
    appointment_complete(appointment=appointment_check_in(appointment=recent))

    frozen.move_to(NOW)
    future = appointment_create(slot=future_slot, n=6)
    notifications.notifications_send_due()
    appointments = {
        "attended": attended,
        "cancelled": cancelled,
        "no_show": no_show,
        "left_booked": left_booked,
        "recent": recent,
        "future": future,
    }
    for appointment in appointments.values():
        appointment.refresh_from_db()
    return appointments


def test_old_finished_appointments_keep_only_what_reports_count(history):
    old = [history[name] for name in ("attended", "cancelled", "no_show", "left_booked")]
    assert {a.status for a in old} == {"completed", "cancelled", "no_show", "booked"}
    assert Notification.objects.filter(appointment__in=old, sent_at__isnull=False).count() >= 8
    before = snapshot()
    kept = Notification.objects.filter(appointment__in=[history["recent"], history["future"]]).order_by("pk")
    untouched_notifications = list(kept.values())
    old_notifications = Notification.objects.filter(appointment__in=old).count()

    result = appointments_purge_personal_data()

    assert result.appointments_anonymized == 4
    assert result.notifications_deleted == old_notifications
    after = snapshot()
    for appointment in old:
        row = after[appointment.pk]
        assert {field: row[field] for field in PERSONAL} == dict.fromkeys(PERSONAL, "")
        assert row["anonymized_at"] == NOW
        assert {field: row[field] for field in KEPT} == {field: before[appointment.pk][field] for field in KEPT}
    attended = after[history["attended"].pk]
    assert (attended["priority_need"], attended["age_band"], attended["gender"]) == ("older_adult", "60+", "female")
    assert attended["preferred_language_id"] is not None and attended["consent_version"] == CONSENT_VERSION
    assert not Notification.objects.filter(appointment__in=old).exists()
    # The recent and the future appointments and their messages: exactly as they were.
    for name in ("recent", "future"):
        assert after[history[name].pk] == before[history[name].pk]
    assert list(kept.values()) == untouched_notifications


def test_a_second_run_changes_nothing(history, frozen):
    appointments_purge_personal_data()
    before = snapshot()
    quotas = list(DocumentQuota.objects.values().order_by("pk"))
    frozen.shift(dt.timedelta(hours=1))
    assert appointments_purge_personal_data() == PurgeResult()
    assert snapshot() == before
    assert list(DocumentQuota.objects.values().order_by("pk")) == quotas


def test_the_retention_period_is_a_setting(history, settings):
    settings.APPOINTMENTS_RETENTION_DAYS = 365
    assert appointments_purge_personal_data().appointments_anonymized == 0
    settings.APPOINTMENTS_RETENTION_DAYS = 100  # 15 June is 161 days before NOW
    assert appointments_purge_personal_data().appointments_anonymized == 5
    assert Appointment.objects.get(pk=history["future"].pk).anonymized_at is None


def test_an_appointment_that_can_still_be_attended_or_marked_is_never_touched(frozen, schedule, settings):
    settings.APPOINTMENTS_RETENTION_DAYS = 0
    frozen.move_to(NOW - dt.timedelta(days=2))
    within_grace = appointment_create(slot=slot_create(schedule=schedule, starts_at=NOW - dt.timedelta(minutes=40)))
    past_grace = appointment_create(slot=slot_create(schedule=schedule, starts_at=NOW - dt.timedelta(hours=3)), n=1)
    checked_in = appointment_create(slot=slot_create(schedule=schedule, starts_at=NOW - dt.timedelta(hours=1)), n=2)
    Appointment.objects.filter(pk=checked_in.pk).update(status=AppointmentStatus.CHECKED_IN)
    future = appointment_create(slot=slot_create(schedule=schedule, starts_at=NOW + dt.timedelta(hours=3)), n=3)
    frozen.move_to(NOW)

    assert appointments_purge_personal_data().appointments_anonymized == 2
    anonymized = set(Appointment.objects.filter(anonymized_at__isnull=False).values_list("pk", flat=True))
    assert anonymized == {past_grace.pk, checked_in.pk}
    for appointment in (within_grace, future):
        appointment.refresh_from_db()
        assert appointment.full_name and appointment.document_number and appointment.status == "booked"


def test_document_quotas_are_deleted_only_when_nothing_depends_on_them(history, frozen, procedure, schedule):
    # DNI of `cancelled`: cancelled long ago, nothing active → deleted.
    # DNI of `future`: an active appointment → kept.
    # A document that cancelled ten minutes ago is still in its cooldown → kept.
    frozen.move_to(NOW - dt.timedelta(days=1))
    just_cancelled = appointment_create(slot=Slot.objects.get(schedule=schedule, starts_at=SLOT_START), n=7)
    frozen.move_to(NOW - dt.timedelta(minutes=10))
    appointment_cancel(appointment=just_cancelled)
    frozen.move_to(NOW)
    documents = {
        name: citizen(n).document_number
        for name, n in [("cancelled", 2), ("attended", 1), ("future", 6), ("just_cancelled", 7)]
    }
    assert set(DocumentQuota.objects.values_list("document_number", flat=True)) >= set(documents.values())

    result = appointments_purge_personal_data()

    left = set(DocumentQuota.objects.values_list("document_number", flat=True))
    assert left == {documents["future"], documents["just_cancelled"]}
    assert result.quotas_deleted == 5  # the five other documents of `history`
    # The cooldown still holds for the kept one, and a purged document books again as usual.
    with pytest.raises(Cooldown):
        appointment_create(slot=slot_create(schedule=schedule, starts_at=SLOT_START + dt.timedelta(days=1)), n=7)
    rebooked = appointment_create(slot=Slot.objects.get(schedule=schedule, starts_at=SLOT_START), n=2)
    assert rebooked.status == AppointmentStatus.BOOKED
    assert DocumentQuota.objects.filter(document_number=documents["cancelled"]).exists()


def test_an_anonymized_appointment_cannot_be_changed_by_staff(history):
    appointments_purge_personal_data()
    with pytest.raises(WindowClosed):
        appointment_cancel(appointment=history["left_booked"], reason="x", by_staff=True)
    assert not DocumentQuota.objects.filter(document_number="").exists()


# --- What people see ------------------------------------------------------------------------------------------


def test_the_citizen_look_up_no_longer_finds_it(history):
    attended = history["attended"]
    code, document = attended.code, attended.document_number
    granted = Client(REMOTE_ADDR=new_address())
    assert granted.post(MANAGE_URL, {"code": code, "document_number": document}).status_code == 303
    detail = reverse("appointments:manage_detail", kwargs={"code": code})
    assert granted.get(detail).status_code == 200

    appointments_purge_personal_data()

    def visible(response) -> str:
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return re.sub(r'value="[^"]*"', "", html)

    browser = Client(REMOTE_ADDR=new_address())
    anonymized = browser.post(MANAGE_URL, {"code": code, "document_number": document})
    unknown = browser.post(MANAGE_URL, {"code": "ZZZZZ-ZZZZZ", "document_number": document})
    assert anonymized.status_code == unknown.status_code == 404
    assert "No encontramos una cita con ese código y número de documento." in anonymized.content.decode()
    assert visible(anonymized) == visible(unknown)
    # Not with a junk document number either (the stored one is empty now).
    assert browser.post(MANAGE_URL, {"code": code, "document_number": "-"}).status_code in (400, 404)
    # A browser that was granted access before loses it.
    assert granted.get(detail).status_code == 302

    api = APIClient(REMOTE_ADDR=new_address())
    body = {"code": code, "document_number": document}
    response = api.post("/api/v1/appointments/lookup/", body, format="json")
    unknown = api.post("/api/v1/appointments/lookup/", {**body, "code": "0000000000"}, format="json")
    assert response.status_code == unknown.status_code == 404 and response.json() == unknown.json()


def test_the_admin_still_finds_and_lists_anonymized_appointments(history, admin_client, schedule):
    appointments_purge_personal_data()
    attended = history["attended"]
    url = reverse("admin:appointments_appointment_changelist")
    content = admin_client.get(url, {"q": attended.code_display}).content.decode()
    assert attended.code_display in content
    content = admin_client.get(url, {"q": "-"}).content.decode()
    assert attended.code_display not in content  # an empty document number matches nothing
    page = admin_client.get(reverse("admin:appointments_appointment_change", args=[attended.pk]))
    assert page.status_code == 200 and "Anonimizada el" in page.content.decode()

    sheet = admin_client.get("/admin/appointments/daysheet/", {"center": schedule.center_id, "date": "2026-05-04"})
    html = sheet.content.decode()
    assert sheet.status_code == 200
    assert attended.code_display in html and "Datos personales eliminados (plazo de conservación)" in html
    assert "3 citas" in html  # the cancelled one is not on the sheet


# --- The task and the scale -----------------------------------------------------------------------------------


def test_the_daily_task_runs_through_celery_and_is_idempotent(history):
    entry = next(
        entry
        for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "appointments.tasks.appointments_purge_personal_data"
    )
    assert entry["schedule"] == crontab(hour=3, minute=30)
    assert django_settings.CELERY_TIMEZONE == "America/Lima"

    first = tasks.appointments_purge_personal_data.delay().get()
    assert first["appointments_anonymized"] == 4 and first["notifications_deleted"] > 0
    assert tasks.appointments_purge_personal_data.delay().get() == {
        "appointments_anonymized": 0,
        "notifications_deleted": 0,
        "quotas_deleted": 0,
    }


def expired_appointments(*, slot: Slot, count: int, start: int) -> None:
    """`count` attended appointments of an expired slot with a sent e-mail each and a quota row, in bulk."""
    appointments = Appointment.objects.bulk_create(
        Appointment(
            code=code_generate(),
            procedure=slot.schedule.procedures.get(),
            center_id=slot.center_id,
            slot=slot,
            status=AppointmentStatus.COMPLETED,
            channel=BookingChannel.VIRTUAL,
            document_type=DocumentType.DNI,
            document_number=f"{50000000 + start + i:08d}",
            full_name=f"Ciudadano {start + i}",
            email=f"c{start + i}@example.pe",
            consent_version=CONSENT_VERSION,
            consent_at=slot.starts_at - dt.timedelta(days=2),
        )
        for i in range(count)
    )
    Notification.objects.bulk_create(
        Notification(
            appointment=appointment,
            kind=NotificationKind.CONFIRMATION,
            channel=NotificationChannel.EMAIL,
            due_at=appointment.consent_at,
            sent_at=appointment.consent_at,
        )
        for appointment in appointments
    )
    DocumentQuota.objects.bulk_create(
        DocumentQuota(document_type=DocumentType.DNI, document_number=a.document_number) for a in appointments
    )


def test_the_purge_takes_the_same_queries_for_50_or_500_appointments(frozen, schedule):
    slot = slot_create(schedule=schedule, starts_at=OLD_DAY)
    counts = []
    for start, count in [(0, 50), (50, 500)]:
        expired_appointments(slot=slot, count=count, start=start)
        with CaptureQueriesContext(connection) as queries:
            result = appointments_purge_personal_data()
        assert result == PurgeResult(appointments_anonymized=count, notifications_deleted=count, quotas_deleted=count)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 9, counts  # one batch: select, delete, update; select, delete
    assert not Appointment.objects.filter(anonymized_at__isnull=True).exists()
    assert not Appointment.objects.exclude(full_name="").exists()


def test_batches_cover_every_row(frozen, schedule):
    slot = slot_create(schedule=schedule, starts_at=OLD_DAY)
    expired_appointments(slot=slot, count=250, start=0)
    with CaptureQueriesContext(connection) as queries:
        result = appointments_purge_personal_data(batch_size=100)
    assert result == PurgeResult(appointments_anonymized=250, notifications_deleted=250, quotas_deleted=250)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "appointments_appointment"')]
    assert len(updates) == 3  # 100 + 100 + 50 rows
    assert appointments_purge_personal_data(batch_size=100) == PurgeResult()
