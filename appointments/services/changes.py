"""The changes of appointments announced to the apps above (`signals.appointment_changed`: attention records the
virtual channel's service acts), from rows, not from broker messages.

A booking or a cancellation marks its change on the appointment (`unannounced`, a bit per action) in its own
transaction. The same transaction plans a message due now (the confirmation, the cancellation notice), which nudges
the outbox scan after commit (notifications_enqueue, common.nudges: a few publishes a second in a rush, not one per
booking; one nudge per booking, tested). The scan (`appointment_changes_announce`, in tasks.outbox_scan; beat runs it
too, as the backstop) sends the signal for each marked change, in the order booked then cancelled, and clears the
marks whose receivers ran without error. A broker that is down, a lost message or a worker killed mid-scan leave the
marks in place for the next scan: the receivers must be idempotent (attention's record is, by its unique key).
"""

import logging

from django.db import transaction
from django.db.models import F

from ..models import Appointment
from ..signals import BOOK, CANCEL, appointment_changed

__all__ = ["appointment_change_mark", "appointment_changes_announce"]

logger = logging.getLogger(__name__)

BITS = {BOOK: 1, CANCEL: 2}


def appointment_change_mark(*, appointment: Appointment, action: str) -> None:
    """Mark `action` on the appointment; the caller saves it in its transaction, with a message due now."""
    appointment.unannounced |= BITS[action]


def appointment_changes_announce(*, limit: int = 100, rounds: int = 20) -> int:
    """Announce the marked changes, `limit` appointments per transaction (their rows locked, others' skipped); returns
    how many changes were announced. A change whose receiver raises stays marked (logged) for the next scan."""
    announced = 0
    failed: set[int] = set()
    for _round in range(rounds):
        with transaction.atomic():
            rows = list(
                Appointment.objects.select_for_update(skip_locked=True)
                .filter(unannounced__gt=0)
                .exclude(pk__in=failed)
                .order_by("pk")
                .values_list("pk", "unannounced")[:limit]
            )
            cleared: dict[int, list[int]] = {}
            for pk, marks in rows:
                done = _announce(appointment_id=pk, marks=marks)
                if done != marks:
                    failed.add(pk)
                if done:
                    cleared.setdefault(done, []).append(pk)
                    announced += bin(done).count("1")
            for done, pks in cleared.items():
                Appointment.objects.filter(pk__in=pks).update(unannounced=F("unannounced").bitand(~done))
        if len(rows) < limit:
            break
    return announced


def _announce(*, appointment_id: int, marks: int) -> int:
    """Send the signal for each marked change in order, each in a savepoint; the bits of those announced (a receiver
    that raises stops there, logged)."""
    done = 0
    for action, bit in BITS.items():
        if not marks & bit:
            continue
        try:
            with transaction.atomic():
                appointment_changed.send(sender=None, appointment_id=appointment_id, action=action)
        except Exception:  # noqa: BLE001 - any receiver's failure: announced again at the next scan
            logger.exception("Announcing the %s of appointment %s failed; it stays marked", action, appointment_id)
            break
        done |= bit
    return done
