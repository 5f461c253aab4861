"""Appointments: book, cancel, reschedule, check in, complete, no-shows.

Database guarantees (each raced on PostgreSQL in tests/test_concurrency.py):
- capacity: slots.slot_claim_sql's conditional UPDATE (slot_claim; a booking runs it inside its one statement that
  also inserts the appointment and its message rows) plus the check constraint 0 <= booked <= capacity;
- one active appointment per document and procedure: a partial unique constraint;
- at most settings.APPOINTMENTS_MAX_ACTIVE_PER_DOCUMENT active appointments per document, and the cooldown
  after a cancellation: checked while holding the document's DocumentQuota row lock (an upsert that locks it),
  so bookings with the same document are serialized. The active appointments are read by a statement of their own,
  after the lock is held: a statement sees the rows committed before it started, not those committed while it
  waited for a lock.
Lock order, everywhere: appointment row → document quota row → slot rows by ascending id (no deadlocks).
"""

import datetime as dt
import functools
import logging
import math
import secrets
from collections.abc import Callable

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from centers.models import Center
from centers.selectors import offerings_bookable
from common.prepared import (
    InsertColumns,
    Prepared,
    attnames,
    execute_prepared,
    insert_columns,
    instance,
    prepare,
    quoted_column,
)
from common.utils import setting_int
from procedures.models import Procedure

from ..constants import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CONSENT_VERSION,
    AppointmentStatus,
    BookingChannel,
    NotificationKind,
)
from ..errors import Cooldown, Duplicate, InvalidBooking, LimitReached, SlotFull, WindowClosed
from ..formatting import lima_date
from ..models import Appointment, DocumentQuota, Notification, Schedule, Slot
from ..signals import BOOK, CANCEL
from .changes import appointment_change_mark
from .citizens import Citizen, CleanCitizen, citizen_clean
from .notifications import notifications_due_now, notifications_enqueue, notifications_plan, notifications_rows
from .slots import slot_claim, slot_claim_sql, slot_release

__all__ = [
    "appointment_book",
    "appointment_cancel",
    "appointment_check_in",
    "appointment_complete",
    "appointment_reschedule",
    "appointments_mark_no_shows",
    "code_generate",
    "document_lock",
    "slot_bookable",
]

logger = logging.getLogger(__name__)

ACTIVE_CONSTRAINT = "appointment_one_active_per_document_procedure"
CODE_ATTEMPTS = 5


def code_generate() -> str:
    """A random booking code (10 Crockford base32 characters, 50 bits from `secrets`)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def _lead_display(minutes: int) -> str:
    if minutes % 60 == 0:
        return ngettext("%(count)s hour", "%(count)s hours", minutes // 60) % {"count": minutes // 60}
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def _window_check(*, slot: Slot, now: dt.datetime) -> None:
    schedule = slot.schedule
    if now > slot.book_until:
        raise WindowClosed(
            _("That time is too soon: appointments are booked at least %(lead)s in advance.")
            % {"lead": _lead_display(schedule.min_lead_minutes)}
        )
    if now < slot.book_from:
        raise WindowClosed(
            _("That day is too far ahead: appointments open %(days)s days in advance.")
            % {"days": schedule.max_days_ahead}
        )


_SLOT_FIELDS = [
    "id",
    "schedule_id",
    "center_id",
    "starts_at",
    "ends_at",
    "capacity",
    "booked",
    "book_from",
    "book_until",
    "is_withdrawn",
]
_SCHEDULE_FIELDS = ["id", "is_active", "min_lead_minutes", "max_days_ahead"]
_CENTER_FIELDS = ["id", "is_active", "slug", "name", "address"]  # its state, and what a booking's answer shows
_SLOT_COLUMNS = [
    *_SLOT_FIELDS,
    *(f"schedule__{name}" for name in _SCHEDULE_FIELDS),
    *(f"center__{name}" for name in _CENTER_FIELDS),
    "serves_procedure",
]


@functools.cache
def _bookable_slot_sql() -> Prepared:
    """The slot, its schedule's window and state, its center's state, and whether the procedure is served by its
    schedule and bookable at its center: one query, compiled once (every booking runs it)."""

    def build(slot_id: int, procedure_id: int):
        serves = Procedure.objects.filter(
            Exists(offerings_bookable(procedure=OuterRef("pk"), center=OuterRef(OuterRef("center_id")))),
            pk=procedure_id,
            schedules=OuterRef("schedule_id"),
        )
        return (
            Slot.objects.filter(pk=slot_id)
            .annotate(serves_procedure=Exists(serves))
            .order_by()
            .values_list(*_SLOT_COLUMNS)
        )

    return prepare(build, slot_id=int, procedure_id=int)


def slot_bookable(*, slot_id: int, procedure_id: int, now: dt.datetime | None = None) -> Slot:
    """The slot (with the schedule and center fields the checks read, and the center's name and address; the others
    load if asked) if it can be booked now for the procedure, full or not (appointment_book answers SlotFull); a
    BookingError otherwise. One statement: the booking pages' data step checks the chosen time with it, and the
    one-request booking hands it on to appointment_book(slot=…), which then does not read it again."""
    now = now or timezone.now()
    rows = _bookable_slot_sql().rows(slot_id=slot_id, procedure_id=procedure_id)
    if not rows:
        raise InvalidBooking(_("That time does not exist. Please choose another one."))
    row = dict(zip(_SLOT_COLUMNS, rows[0], strict=True))
    slot = instance(Slot, {name: row[name] for name in _SLOT_FIELDS})
    slot.schedule = instance(Schedule, {name: row[f"schedule__{name}"] for name in _SCHEDULE_FIELDS})
    slot.center = instance(Center, {name: row[f"center__{name}"] for name in _CENTER_FIELDS})
    serves_procedure = row["serves_procedure"]
    if slot.is_withdrawn or not slot.schedule.is_active or not slot.center.is_active:
        raise SlotFull()
    if not serves_procedure:
        raise InvalidBooking(_("This procedure cannot be booked at that center and time."))
    _window_check(slot=slot, now=now)
    return slot


# One statement creates the document's quota row if needed and locks it until the transaction ends: an upsert
# always ends with the row present and locked (also when the retention purge deleted it a moment before). It returns
# the row's columns in attnames(DocumentQuota)'s order.
_QUOTA_UPSERT = (
    "INSERT INTO appointments_documentquota (document_type, document_number) VALUES (%s, %s) "
    "ON CONFLICT (document_type, document_number) DO UPDATE SET document_type = EXCLUDED.document_type "
    "RETURNING id, document_type, document_number, last_cancelled_at"
)


def document_lock(*, document_type: str, document_number: str) -> DocumentQuota:
    """Create the document's quota row if needed and lock it for the rest of the transaction (one round trip)."""
    with connection.cursor() as cursor:
        execute_prepared(cursor, _QUOTA_UPSERT, [document_type, document_number], connection=connection)
        row = cursor.fetchone()
    if connection.vendor != "postgresql":  # SQLite (the run command) returns its moments naive: read as the ORM reads
        return DocumentQuota.objects.get(pk=row[0])
    return instance(DocumentQuota, dict(zip(attnames(DocumentQuota), row, strict=True)))


@functools.cache
def _active_procedures_sql() -> Prepared:
    """The procedures of a document's active appointments (every booking reads them: compiled once)."""
    return prepare(
        lambda document_type, document_number: (
            Appointment.objects.filter(
                document_type=document_type, document_number=document_number, status=AppointmentStatus.BOOKED
            )
            .order_by()
            .values_list("procedure_id")
        ),
        document_type=str,
        document_number=str,
    )


# The appointment's columns a booking sets; the others get their defaults (version 0, status booked, …).
_BOOKED_FIELDS = (
    "code",
    "procedure_id",
    "center_id",
    "channel",
    "document_type",
    "document_number",
    "full_name",
    "email",
    "phone",
    "preferred_language_id",
    "priority_need",
    "segmentation_consent",
    "survey_consent",
    "age_band",
    "gender",
    "consent_version",
    "consent_at",
    "created_at",
    "updated_at",
    "unannounced",
)
_PLANNED = ("kind", "channel", "sequence", "due_at")  # a message row's own values (notifications_rows)


@functools.cache
def _book_sql(messages: int) -> tuple[str, InsertColumns, InsertColumns]:
    """The booking's one statement once the document's rules hold, for an appointment with `messages` message rows:
    the slot's place claimed (slots.slot_claim_sql), the appointment inserted only when it was, and its message rows
    (notifications.notifications_rows) inserted with it. Its rows: (appointment id, row id, kind, channel) per message
    row; none when the slot had no room. Parameters: the slot's id, then the appointment's, then the rows'.
    There is always a message row: citizen_clean asks for an e-mail address or a mobile number."""
    if messages < 1:
        raise ValueError("an appointment has at least one message row")
    quote = connection.ops.quote_name
    pk, row_pk = (
        quoted_column(Appointment, "id", connection=connection),
        quoted_column(Notification, "id", connection=connection),
    )
    made = insert_columns(
        Appointment, {**dict.fromkeys(_BOOKED_FIELDS), "slot_id": f"claimed.{pk}"}, connection=connection
    )
    planned = insert_columns(
        Notification,
        {"appointment_id": f"made.{pk}", **{name: f"planned.{quote(name)}" for name in _PLANNED}, "created_at": None},
        connection=connection,
    )
    kind, channel = (quoted_column(Notification, name, connection=connection) for name in ("kind", "channel"))
    rows = ", ".join([f"({', '.join(['%s'] * len(_PLANNED))})"] * messages)
    sql = (
        f"WITH claimed AS ({slot_claim_sql()}),"
        f" made AS (INSERT INTO {quote(Appointment._meta.db_table)} ({made.columns}) SELECT {made.values} FROM claimed"
        f" RETURNING {pk}),"
        f" messages AS (INSERT INTO {quote(Notification._meta.db_table)} ({planned.columns}) SELECT {planned.values}"
        f" FROM made, (VALUES {rows}) AS planned ({', '.join(quote(name) for name in _PLANNED)})"
        f" RETURNING {row_pk}, {kind}, {channel})"
        f" SELECT made.{pk}, messages.{row_pk}, messages.{kind}, messages.{channel} FROM made JOIN messages ON TRUE"
    )
    return sql, made, planned


def _constraint_name(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or str(exc)


def appointment_book(
    *,
    slot_id: int,
    procedure_id: int,
    citizen: Citizen | CleanCitizen,
    consent_version: str,
    channel: str = BookingChannel.VIRTUAL,
    admit: Callable[[Slot], None] | None = None,
    slot: Slot | None = None,
) -> Appointment:
    """Book a slot for a procedure; returns the appointment (its `code` is what the citizen keeps) with its slot and
    center as the checks read them (times, the center's slug, name and address: enough to answer without a read).

    Raises InvalidBooking, WindowClosed, Cooldown, Duplicate, LimitReached or SlotFull.
    The confirmation (e-mail and/or SMS) and the reminders are planned in the same transaction and sent
    after commit.

    `admit(slot)`: the caller's own check, called once the slot is found bookable and before anything is locked or
    claimed (the API counts its center-day limit there, from the slot this booking reads anyway); what it raises is
    raised.
    `citizen`: raw data, checked here (citizen_clean), or citizen_clean's answer for them, given earlier in this
    request (a form's check): not checked again.
    `slot`: slot `slot_id` as slot_bookable gave it to this request a moment before (the one-request booking's data
    step read it): not read again, only its window checked again. The claim decides on its places either way.
    """
    if consent_version != CONSENT_VERSION:
        raise InvalidBooking(
            _("Please read and accept the personal data terms."),
            field_errors={"consent": [_("Please read and accept the personal data terms.")]},
        )
    if channel not in BookingChannel.values:
        raise InvalidBooking(_("Unknown booking channel."))
    data = citizen if isinstance(citizen, CleanCitizen) else citizen_clean(citizen=citizen)
    now = timezone.now()
    if slot is not None and slot.pk == slot_id:
        _window_check(slot=slot, now=now)
    else:
        slot = slot_bookable(slot_id=slot_id, procedure_id=procedure_id, now=now)
    if admit is not None:
        admit(slot)
    if slot.booked >= slot.capacity:
        # Full when read: answered at once, without the transaction (in a rush, most attempts at the wanted times
        # end here). A place freed a moment after this read is missed, as it would be by a citizen a moment earlier;
        # a place taken after it is still refused by the claim, which alone decides.
        raise SlotFull()
    for _attempt in range(CODE_ATTEMPTS):
        try:
            # After commit, nothing is published per booking: the confirmation and the change to announce are rows,
            # and their scans are nudged (common.nudges).
            with transaction.atomic():
                quota = document_lock(document_type=data.document_type, document_number=data.document_number)
                _cooldown_check(quota=quota, now=now)
                active = [
                    row[0]
                    for row in _active_procedures_sql().rows(
                        document_type=data.document_type, document_number=data.document_number
                    )
                ]
                if procedure_id in active:
                    raise Duplicate()
                if len(active) >= setting_int("APPOINTMENTS_MAX_ACTIVE_PER_DOCUMENT", 3):
                    raise LimitReached()
                appointment = _appointment_insert(
                    slot=slot,
                    procedure_id=procedure_id,
                    data=data,
                    channel=channel,
                    consent_version=consent_version,
                    now=now,
                )
            return appointment
        except IntegrityError as exc:
            # No savepoint around the insert (one round trip less per booking): a clash aborts the whole
            # transaction, which is then tried again from the start with a new code.
            name = _constraint_name(exc)
            if ACTIVE_CONSTRAINT in name:
                raise Duplicate() from exc
            if "code" not in name:
                raise
            logger.warning("Booking code collision, drawing another one")
    raise RuntimeError("could not draw a free booking code")  # 5 collisions of 50-bit codes: a broken RNG


def _cooldown_check(*, quota: DocumentQuota, now: dt.datetime) -> None:
    cooldown = dt.timedelta(minutes=setting_int("APPOINTMENTS_REBOOK_COOLDOWN_MINUTES", 30))
    if quota.last_cancelled_at and quota.last_cancelled_at + cooldown > now:
        wait = quota.last_cancelled_at + cooldown - now
        minutes = max(math.ceil(wait.total_seconds() / 60), 1)
        raise Cooldown(
            ngettext(
                "You cancelled an appointment a moment ago. You can book again in %(count)s minute.",
                "You cancelled an appointment a moment ago. You can book again in %(count)s minutes.",
                minutes,
            )
            % {"count": minutes},
            retry_after=int(wait.total_seconds()) + 1,
        )


def _appointment_insert(
    *, slot: Slot, procedure_id: int, data: CleanCitizen, channel: str, consent_version: str, now: dt.datetime
) -> Appointment:
    """Claim a place of the slot, insert the appointment and its confirmation and reminder rows: one statement
    (_book_sql), the slot row locked until commit as slot_claim leaves it. SlotFull when the slot has no room."""
    appointment = Appointment(
        code=code_generate(),
        procedure_id=procedure_id,
        slot=slot,
        center=slot.center,
        channel=channel,
        document_type=data.document_type,
        document_number=data.document_number,
        full_name=data.full_name,
        email=data.email,
        phone=data.phone,
        preferred_language_id=data.preferred_language_id,
        priority_need=data.priority_need,
        segmentation_consent=data.segmentation_consent,
        survey_consent=data.survey_consent,
        age_band=data.age_band,
        gender=data.gender,
        consent_version=consent_version,
        consent_at=now,
    )
    appointment_change_mark(appointment=appointment, action=BOOK)  # announced after commit (services.changes)
    if connection.vendor != "postgresql":  # no data-modifying CTEs (SQLite: the run command): the same, step by step
        slot_claim(slot_id=slot.pk)
        appointment.save(force_insert=True)
        notifications_plan(appointment=appointment, kind=NotificationKind.CONFIRMATION, now=now)
        return appointment
    appointment.created_at = appointment.updated_at = timezone.now()  # auto_now(_add), as save() sets them
    messages = notifications_rows(appointment=appointment, kind=NotificationKind.CONFIRMATION, now=now)
    sql, made, planned = _book_sql(len(messages))
    values = {name: getattr(appointment, name) for name in _BOOKED_FIELDS}
    params = [
        slot.pk,
        *made.bind(values),
        *planned.bind({"created_at": appointment.created_at}),
        *(getattr(message, name) for message in messages for name in _PLANNED),
    ]
    # The model's save signals, as save() sends them: the change history records a staff member's booking (phone).
    pre_save.send(sender=Appointment, instance=appointment, raw=False, using=connection.alias, update_fields=None)
    with connection.cursor() as cursor:
        execute_prepared(cursor, sql, params, connection=connection, infer_nulls=True)
        rows = cursor.fetchall()
    if not rows:
        raise SlotFull()
    appointment.pk = rows[0][0]
    appointment._state.adding = False  # saved, as save() leaves it
    appointment._state.db = connection.alias
    post_save.send(
        sender=Appointment, instance=appointment, created=True, update_fields=None, raw=False, using=connection.alias
    )
    ids = {(kind, message_channel): pk for _appointment, pk, kind, message_channel in rows}
    for message in messages:
        message.pk = ids[(str(message.kind), str(message.channel))]
    notifications_enqueue(ids=notifications_due_now(rows=messages, now=now))
    return appointment


def _appointment_lock(*, appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot", "procedure", "center")
        .get(pk=appointment.pk)
    )


def _changeable_check(*, appointment: Appointment, now: dt.datetime, by_staff: bool = False) -> None:
    if appointment.status != AppointmentStatus.BOOKED or appointment.anonymized_at is not None:
        raise WindowClosed(_("This appointment is no longer active, so it cannot be changed."))
    if not by_staff and appointment.slot.starts_at <= now:
        raise WindowClosed(_("This appointment has already started, so it cannot be changed."))


def appointment_cancel(*, appointment: Appointment, reason: str = "", by_staff: bool = False) -> Appointment:
    """Cancel an active appointment: its place is free at once and a cancellation message is planned.

    A citizen's cancellation starts the rebooking cooldown for the document; a staff one (schedule
    conflicts, closures) does not.
    """
    now = timezone.now()
    with transaction.atomic():
        appointment = _appointment_lock(appointment=appointment)
        _changeable_check(appointment=appointment, now=now, by_staff=by_staff)
        quota = document_lock(document_type=appointment.document_type, document_number=appointment.document_number)
        slot_release(slot_id=appointment.slot_id)
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_at = now
        appointment.cancelled_by_staff = by_staff
        appointment.cancel_reason = (reason or "").strip()[:250]
        appointment_change_mark(appointment=appointment, action=CANCEL)
        appointment.save(
            update_fields=["status", "cancelled_at", "cancelled_by_staff", "cancel_reason", "unannounced", "updated_at"]
        )
        if not by_staff:
            quota.last_cancelled_at = now
            quota.save(update_fields=["last_cancelled_at"])
        notifications_plan(appointment=appointment, kind="cancellation", now=now)
    return appointment


def appointment_reschedule(*, appointment: Appointment, slot_id: int) -> Appointment:
    """Move an active appointment to another slot in one transaction (the code stays the same).

    On any error the appointment and its old slot are unchanged. The .ics SEQUENCE (`version`) goes up,
    pending reminders of the old time are dropped and a change message plus new reminders are planned.
    """
    now = timezone.now()
    new_slot = slot_bookable(slot_id=slot_id, procedure_id=appointment.procedure_id, now=now)
    with transaction.atomic():
        appointment = _appointment_lock(appointment=appointment)
        _changeable_check(appointment=appointment, now=now)
        if new_slot.pk == appointment.slot_id:
            raise InvalidBooking(_("Your appointment is already at that time."))
        if appointment.version >= setting_int("APPOINTMENTS_MAX_RESCHEDULES", 3):
            raise LimitReached(_("This appointment has been changed too many times. Cancel it and book a new one."))
        old_slot_id = appointment.slot_id
        for slot_pk in sorted([old_slot_id, new_slot.pk]):  # one lock order for every transaction
            if slot_pk == new_slot.pk:
                slot_claim(slot_id=new_slot.pk)
            else:
                slot_release(slot_id=old_slot_id)
        appointment.previous_slot_id = old_slot_id
        appointment.slot = new_slot
        appointment.center_id = new_slot.center_id
        appointment.version += 1
        appointment.save(update_fields=["previous_slot", "slot", "center", "version", "updated_at"])
        notifications_plan(appointment=appointment, kind="reschedule", now=now)
    return appointment


def appointment_check_in(*, appointment: Appointment) -> Appointment:
    """Record that the citizen arrived (same day only); idempotent for an appointment already checked in."""
    now = timezone.now()
    with transaction.atomic():
        appointment = _appointment_lock(appointment=appointment)
        if appointment.status == AppointmentStatus.CHECKED_IN:
            return appointment
        if appointment.status != AppointmentStatus.BOOKED:
            raise InvalidBooking(_("Only a booked appointment can be checked in."))
        if lima_date(appointment.slot.starts_at) != lima_date(now):
            raise WindowClosed(_("This appointment is for another day."))
        appointment.status = AppointmentStatus.CHECKED_IN
        appointment.checked_in_at = now
        appointment.save(update_fields=["status", "checked_in_at", "updated_at"])
    return appointment


def appointment_complete(*, appointment: Appointment) -> Appointment:
    """Mark a checked-in appointment as attended (called when the counter finishes serving); idempotent."""
    updated = Appointment.objects.filter(
        pk=appointment.pk, status__in=[AppointmentStatus.CHECKED_IN, AppointmentStatus.BOOKED]
    ).update(status=AppointmentStatus.COMPLETED, updated_at=timezone.now())
    appointment.refresh_from_db()
    if not updated and appointment.status != AppointmentStatus.COMPLETED:
        raise InvalidBooking(_("Only a booked or checked-in appointment can be completed."))
    return appointment


def appointments_mark_no_shows(*, now: dt.datetime | None = None) -> int:
    """Mark as no-show the booked appointments whose slot ended more than the grace period ago; idempotent."""
    now = now or timezone.now()
    grace = dt.timedelta(minutes=setting_int("APPOINTMENTS_NO_SHOW_GRACE_MINUTES", 30))
    return Appointment.objects.filter(status=AppointmentStatus.BOOKED, slot__ends_at__lt=now - grace).update(
        status=AppointmentStatus.NO_SHOW, updated_at=now
    )
