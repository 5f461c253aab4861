"""Survey invitations: created after an attention finishes, sent exactly once by the beat, refused forever on opt-out.

Creation (`invitation_create`, the task after `attention.signals.attention_finished`), in order:
1. only a finished attention resolved or not resolved (a referral continues elsewhere), once per attention;
2. the channel's active survey;
3. a contact the citizen gave and allowed for this (the appointment's e-mail or mobile with `survey_consent`; a
   walk-in gave none: they are asked on the counter's tablet or by the ticket's QR instead — `invitation_onsite`);
4. sampling: a share per service point (`CenterSampling`, default SURVEYS_SAMPLING_SHARE), drawn from a keyed hash
   of the attention, so running twice draws the same;
5. never a contact that opted out (keyed hash, kept forever), and at most one invitation per contact per
   SURVEYS_CONTACT_INTERVAL_DAYS (keyed hashes; a PostgreSQL advisory lock per contact serializes the check);
6. due SURVEYS_INVITATION_DELAY_MINUTES after the attention finished; expiring SURVEYS_INVITATION_EXPIRY_DAYS later.

Sending is the appointments Notification pattern: rows claimed atomically (SELECT … FOR UPDATE SKIP LOCKED, a lease),
`sending_at` committed just before the provider call and `sent_at` just after, the same Message-ID / idempotency key
on every attempt, a refusal retried with backoff up to SURVEYS_INVITATION_MAX_ATTEMPTS.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from appointments.sms import sms_send
from attention.constants import Outcome
from attention.models import Attention
from common.outbox import outbox_claim, outbox_failed

from ..constants import Delivery
from ..messages import invitation_email_build, invitation_sms_text
from ..models import CenterSampling, Invitation, OptOut, Survey
from ..tokens import contact_hash, nonce_new, sampling_draw

__all__ = [
    "invitation_create",
    "invitation_deliver",
    "invitation_onsite",
    "invitation_opt_out",
    "invitations_claim",
    "invitations_forget_contacts",
    "invitations_send_due",
]

logger = logging.getLogger(__name__)

SURVEYED_OUTCOMES = (Outcome.RESOLVED, Outcome.NOT_RESOLVED)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def _expiry() -> dt.timedelta:
    return dt.timedelta(days=_setting("SURVEYS_INVITATION_EXPIRY_DAYS", 7))


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=_setting("SURVEYS_INVITATION_LEASE_SECONDS", 600))


def _sampling_share(center_id: int) -> Decimal:
    share = CenterSampling.objects.filter(center_id=center_id).values_list("share", flat=True).first()
    return share if share is not None else Decimal(str(_setting("SURVEYS_SAMPLING_SHARE", 1)))


def _contact_lock(hashes: Sequence[str]) -> None:
    """Serialize invitation checks per contact until the transaction ends (PostgreSQL; a no-op elsewhere)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for value in sorted(hashes):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(value[:15], 16)])


def _recently_invited(hashes: Sequence[str], now: dt.datetime) -> bool:
    since = now - dt.timedelta(days=_setting("SURVEYS_CONTACT_INTERVAL_DAYS", 30))
    match = Q()
    for value in hashes:
        match |= Q(email_hash=value) | Q(phone_hash=value)
    return Invitation.objects.filter(match, created_at__gte=since).exclude(delivery=Delivery.ONSITE).exists()


def invitation_create(*, attention_id: int, now: dt.datetime | None = None) -> Invitation | None:
    """The invitation for a finished attention when every rule allows one (see the module's docstring); the
    existing one when it was already created; else None. Safe to run twice."""
    now = now or timezone.now()
    attention = (
        Attention.objects.select_related("appointment")
        .filter(pk=attention_id, finished_at__isnull=False, outcome__in=SURVEYED_OUTCOMES)
        .first()
    )
    if attention is None:
        return None
    if existing := Invitation.objects.filter(attention=attention).first():
        return existing
    survey = Survey.objects.filter(channel=attention.channel, is_active=True).first()
    appointment = attention.appointment
    if survey is None or appointment is None or not appointment.survey_consent or appointment.anonymized_at:
        return None
    email_hash, phone_hash = contact_hash(appointment.email), contact_hash(appointment.phone)
    hashes = [value for value in (email_hash, phone_hash) if value]
    if not hashes or sampling_draw(attention_id=attention.pk) >= _sampling_share(attention.center_id):
        return None
    assert attention.finished_at is not None  # noqa: S101 - filtered above
    due_at = max(attention.finished_at + dt.timedelta(minutes=_setting("SURVEYS_INVITATION_DELAY_MINUTES", 60)), now)
    try:
        with transaction.atomic():
            _contact_lock(hashes)
            if OptOut.objects.filter(contact_hash__in=hashes).exists() or _recently_invited(hashes, now):
                return None
            return Invitation.objects.create(
                attention=attention,
                survey=survey,
                nonce=nonce_new(),
                delivery=Delivery.EMAIL if email_hash else Delivery.SMS,
                email_hash=email_hash,
                phone_hash=phone_hash,
                due_at=due_at,
                expires_at=due_at + _expiry(),
                created_at=now,
            )
    except IntegrityError:  # created meanwhile for this attention
        return Invitation.objects.filter(attention=attention).first()


def invitation_onsite(*, attention: Attention, now: dt.datetime | None = None) -> Invitation | None:
    """The invitation to answer on the spot (counter tablet, ticket QR, confirmation page): the attention's own when
    it has one (its message is then skipped once answered), else a new one that is never sent. None when the
    attention is not one surveys ask about or its channel has no active survey."""
    now = now or timezone.now()
    if attention.finished_at is None or attention.outcome not in SURVEYED_OUTCOMES:
        return None
    if existing := Invitation.objects.filter(attention=attention).first():
        return existing
    survey = Survey.objects.filter(channel=attention.channel, is_active=True).first()
    if survey is None:
        return None
    try:
        with transaction.atomic():
            return Invitation.objects.create(
                attention=attention,
                survey=survey,
                nonce=nonce_new(),
                delivery=Delivery.ONSITE,
                expires_at=now + _expiry(),
                created_at=now,
            )
    except IntegrityError:
        return Invitation.objects.filter(attention=attention).first()


@transaction.atomic
def invitation_opt_out(*, invitation: Invitation, now: dt.datetime | None = None) -> int:
    """Never invite this invitation's contact again (its hashes join the opt-outs, forever) and drop its pending
    invitations. Returns how many pending invitations were dropped. Idempotent."""
    now = now or timezone.now()
    hashes = [value for value in (invitation.email_hash, invitation.phone_hash) if value]
    for value in hashes:
        OptOut.objects.get_or_create(contact_hash=value)
    if not hashes:
        return 0
    match = Q()
    for value in hashes:
        match |= Q(email_hash=value) | Q(phone_hash=value)
    return Invitation.objects.filter(
        match, sent_at__isnull=True, skipped_at__isnull=True, sending_at__isnull=True
    ).update(skipped_at=now, last_error="opted out")


def invitations_claim(
    *, limit: int = 100, ids: Sequence[int] | None = None, now: dt.datetime | None = None
) -> tuple[uuid.UUID, list[int]]:
    """Claim up to `limit` due invitations (or those of `ids` that are due) for this caller; returns (token, ids)."""
    return outbox_claim(model=Invitation, lease=_lease(), now=now or timezone.now(), limit=limit, ids=ids)


def _skip_reason(invitation: Invitation, now: dt.datetime) -> str:
    appointment = invitation.attention.appointment
    if invitation.responded_at is not None:
        return "answered"
    if invitation.expires_at <= now:
        return "expired"
    if appointment is None or appointment.anonymized_at is not None or not appointment.survey_consent:
        return "no contact"
    hashes = [value for value in (invitation.email_hash, invitation.phone_hash) if value]
    if OptOut.objects.filter(contact_hash__in=hashes).exists():
        return "opted out"
    return ""


def invitation_deliver(*, invitation_id: int, token: uuid.UUID, now: dt.datetime | None = None) -> bool:
    """Send one claimed invitation; only the holder of `token` sends and marks it. True when it was sent."""
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_related("attention__appointment", "attention__procedure", "attention__center")
        .filter(pk=invitation_id, claim_token=token, sent_at__isnull=True, skipped_at__isnull=True)
        .first()
    )
    if invitation is None:
        return False
    mine = Invitation.objects.filter(pk=invitation_id, claim_token=token, sent_at__isnull=True, skipped_at__isnull=True)
    if reason := _skip_reason(invitation, now):
        mine.update(skipped_at=now, last_error=reason)
        return False
    appointment = invitation.attention.appointment
    assert appointment is not None  # noqa: S101 - _skip_reason
    if invitation.sending_at is not None:
        logger.warning(
            "Survey invitation %s may have gone out already; sending it again as %s",
            invitation_id,
            invitation.message_key,
        )
    if not mine.update(sending_at=timezone.now()):
        return False
    try:
        if invitation.delivery == Delivery.EMAIL and appointment.email:
            invitation_email_build(invitation=invitation, to=appointment.email).send()
        elif appointment.phone:
            sms_send(
                to=appointment.phone,
                body=invitation_sms_text(invitation=invitation),
                idempotency_key=invitation.message_key,
            )
        else:
            mine.update(skipped_at=now, last_error="no contact", sending_at=None)
            return False
    except Exception as exc:  # noqa: BLE001 - any provider failure is recorded and retried later
        outbox_failed(
            mine=mine,
            attempts=invitation.attempts,
            max_attempts=int(_setting("SURVEYS_INVITATION_MAX_ATTEMPTS", 5)),
            exc=exc,
            now=now,
            logger=logger,
            label=f"Survey invitation {invitation_id}",
        )
        return False
    if not mine.update(sent_at=timezone.now(), last_error=""):
        logger.error("Survey invitation %s was sent after its claim expired; it may have gone out twice", invitation_id)
    return True


def invitations_send_due(*, limit: int = 100, now: dt.datetime | None = None) -> int:
    """Claim and send what is due (the beat task). Returns how many invitations went out."""
    token, ids = invitations_claim(limit=limit, now=now)
    return sum(invitation_deliver(invitation_id=pk, token=token, now=now) for pk in ids)


def invitations_forget_contacts(*, now: dt.datetime | None = None) -> int:
    """Clear the contact hashes of invitations older than the one-per-N-days rule needs (Ley 29733: keep the least;
    opt-outs keep theirs, forever, as the citizen asked). Returns how many invitations were cleared."""
    now = now or timezone.now()
    keep = dt.timedelta(
        days=max(_setting("SURVEYS_CONTACT_INTERVAL_DAYS", 30), _setting("SURVEYS_INVITATION_EXPIRY_DAYS", 7))
    )
    old = Invitation.objects.filter(created_at__lt=now - keep).exclude(email_hash="", phone_hash="")
    return old.update(email_hash="", phone_hash="")
