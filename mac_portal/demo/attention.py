"""Demo of the in-person channel (issue 8): staff per center and role, kiosk and screen tokens, and a morning of
tickets in progress at Lima Norte, so the run command shows a live queue; remote tickets (issue 9) enabled for the
busiest entities' queues, the fee payments "usually paid first" at Banco de la Nación, and one visit of two steps
(pay, then RENIEC) in the morning.

DEMO ONLY: the staff passwords and device tokens are fixed and printed by `load_demo`, which loads this part only
with DEBUG on (never on a production database). Every step is idempotent.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from appointments.formatting import lima
from attention.constants import DeviceKind, Outcome, PriorityNeed
from attention.models import CounterSession, DeviceToken, Queue, Ticket
from attention.selectors import counter_current_ticket, counter_procedure_ids
from attention.services import (
    attention_finish,
    attention_start,
    counter_close,
    counter_open,
    counter_resume,
    device_token_create,
    queue_for_procedure,
    ticket_call_next,
    ticket_issue,
    visit_issue,
)
from attention.tokens import token_hash
from centers.constants import Channel, StaffRole
from centers.models import Center, Counter, Language, Offering
from centers.services import staff_membership_grant
from procedures.models import Procedure

DEMO_PASSWORD = "mac-demo-2026"
AGENTS_PER_CENTER = 4
MORNING_CENTER = "MAC-LIMA-NORTE"
# The counters busy in the demo morning (entity slug of each, in order: the n-th agent opens the n-th).
MORNING_ENTITIES = ["banco-de-la-nacion", "mininter", "reniec", "reniec"]
# The fee payment at Banco de la Nación, "usually paid first" by the RENIEC procedures that charge a fee.
FEE_PAYMENT = "BN-001"
PAID_FIRST_ENTITIES = ["reniec"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    center: str


def _short(center: Center) -> str:
    return center.code.lower().removeprefix("mac-")


def _user(username: str, first_name: str, password: str):
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"first_name": first_name})
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def demo_staff_load(*, password: str = DEMO_PASSWORD) -> list[DemoLogin]:
    """Per in-person center: a greeter, AGENTS_PER_CENTER counter agents, a supervisor; a phone operator on the
    phone line; one analyst and one administrator for every center."""
    logins = []
    quechua = Language.objects.filter(code="qu").first()
    for center in Center.objects.filter(channel=Channel.IN_PERSON, is_active=True).order_by("name"):
        short = _short(center)
        roles = [(f"{short}.orientador", StaffRole.GREETER), (f"{short}.supervisor", StaffRole.SUPERVISOR)]
        roles += [(f"{short}.asesor{n}", StaffRole.COUNTER_AGENT) for n in range(1, AGENTS_PER_CENTER + 1)]
        for username, role in roles:
            user = _user(username, StaffRole(role).label, password)
            languages = [quechua] if quechua and username.endswith("asesor3") else []
            staff_membership_grant(user=user, role=role, center=center, languages=languages)
            logins.append(DemoLogin(username, StaffRole(role).label, center.name))
    phone_line = Center.objects.filter(channel=Channel.PHONE, is_active=True).first()
    if phone_line is not None:
        user = _user("telefonico.operador", str(StaffRole.PHONE_OPERATOR.label), password)
        staff_membership_grant(user=user, role=StaffRole.PHONE_OPERATOR, center=phone_line)
        logins.append(DemoLogin(user.username, str(StaffRole.PHONE_OPERATOR.label), phone_line.name))
    for username, role in [("analista", StaffRole.ANALYST), ("administrador", StaffRole.ADMINISTRATOR)]:
        staff_membership_grant(user=_user(username, str(role.label), password), role=role)
        logins.append(DemoLogin(username, str(role.label), "—"))
    return logins


def demo_devices_load() -> list[tuple[Center, str, str]]:
    """A kiosk and a screen per in-person center, with known tokens: (center, kind, address that authorises)."""
    devices = []
    for center in Center.objects.filter(channel=Channel.IN_PERSON, is_active=True).order_by("name"):
        for kind, path, name in [
            (DeviceKind.KIOSK, "kiosko", "Quiosco de la entrada"),
            (DeviceKind.SCREEN, "pantalla", "Pantalla de la sala"),
        ]:
            token = f"demo-{kind}-{_short(center)}"
            if not DeviceToken.objects.filter(token_hash=token_hash(token)).exists():
                device_token_create(center=center, kind=kind, name=name, token=token)
            devices.append((center, str(kind), f"/{path}/{center.slug}/?token={token}"))
    return devices


def _close_earlier_demo_day(*, agent, now: dt.datetime) -> None:
    """An earlier demo morning left this agent's counter open with a ticket in progress: finish and close it."""
    for session in CounterSession.objects.filter(agent=agent).exclude(status="closed"):
        current = counter_current_ticket(session=session)
        if current is not None:
            attention_finish(ticket=current, session=session, outcome=Outcome.RESOLVED, now=now)
        if session.status == "paused":
            counter_resume(session=session)
        counter_close(session=session, now=now)


def demo_remote_load() -> int:
    """The queues of the morning's entities at every in-person center take remote tickets (/fila/<center>/); RENIEC's
    paid procedures are "usually paid first at" Banco de la Nación. Idempotent; returns the queues enabled."""
    payment = Procedure.objects.filter(code=FEE_PAYMENT).first()
    if payment is not None:
        Procedure.objects.filter(entity__slug__in=PAID_FIRST_ENTITIES, fee__gt=0, paid_first_at__isnull=True).update(
            paid_first_at=payment
        )
    offerings = (
        Offering.objects.filter(
            center__channel=Channel.IN_PERSON, is_active=True, procedure__entity__slug__in=MORNING_ENTITIES
        )
        .select_related("center", "procedure")
        .order_by("center_id", "procedure__entity_id", "procedure_id")
    )
    enabled = set()
    for offering in offerings:
        queue = queue_for_procedure(center=offering.center, procedure=offering.procedure)
        enabled.add(queue.pk)
    Queue.objects.filter(pk__in=enabled).update(remote_tickets=True)
    return len(enabled)


def _morning_visit(*, center: Center, procedures: list[Procedure], now: dt.datetime) -> Ticket | None:
    """The morning's visit of two steps: the fee at Banco de la Nación, then a RENIEC procedure."""
    paid_first = [procedure for procedure in procedures if procedure.paid_first_at_id]
    if not paid_first:
        return None
    return visit_issue(center=center, procedures=paid_first[:1], now=now)


def demo_morning_load(*, now: dt.datetime | None = None, seed: int = 2016) -> int:
    """Today's tickets at Lima Norte since 2.5 hours ago, served by four counters (some still in progress, some
    waiting), one of them a visit of two steps. Does nothing if Lima Norte already has tickets today. Returns the
    tickets issued."""
    now = now or timezone.now()
    demo_remote_load()
    center = Center.objects.filter(code=MORNING_CENTER).first()
    if center is None or Ticket.objects.filter(center=center, service_day=lima(now).date()).exists():
        return 0
    rng = random.Random(seed)
    day_start = lima(now).replace(hour=0, minute=5, second=0, microsecond=0)
    start = max(now - dt.timedelta(minutes=150), day_start)
    counters, sessions = [], []
    for n, entity_slug in enumerate(MORNING_ENTITIES, start=1):
        taken = [counter.pk for counter in counters]
        counter = (
            Counter.objects.filter(center=center, entity__slug=entity_slug, is_active=True)
            .exclude(pk__in=taken)
            .order_by("label")
            .first()
        )
        agent = get_user_model().objects.filter(username=f"{_short(center)}.asesor{n}").first()
        if counter is None or agent is None:
            continue
        _close_earlier_demo_day(agent=agent, now=start)
        counters.append(counter)
        sessions.append(counter_open(counter=counter, agent=agent, now=start))
    procedure_ids = sorted({pk for counter in counters for pk in counter_procedure_ids(counter=counter)})
    procedures = list(Procedure.objects.filter(pk__in=procedure_ids, is_active=True).order_by("pk"))
    if not procedures:
        return 0
    quechua = Language.objects.filter(code="qu").first()
    arrivals = []
    moment = start
    while moment < now:
        arrivals.append(moment)
        moment += dt.timedelta(minutes=rng.choice([1, 2, 3, 4, 5]))
    free_at = {session.pk: start for session in sessions}
    issued = 1 if _morning_visit(center=center, procedures=procedures, now=start) else 0
    minute = start
    while minute <= now:
        while arrivals and arrivals[0] <= minute:
            arrival = arrivals.pop(0)
            reason = rng.choices(
                [PriorityNeed.NONE, PriorityNeed.OLDER_ADULT, PriorityNeed.PREGNANT, PriorityNeed.DISABILITY],
                weights=[85, 9, 3, 3],
            )[0]
            language = quechua if rng.random() < 0.05 else None
            ticket_issue(
                center=center,
                procedure=rng.choice(procedures),
                preferential_reason=reason,
                language=language,
                now=arrival,
            )
            issued += 1
        for session in sessions:
            if free_at[session.pk] > minute:
                continue
            ticket = ticket_call_next(session=session, now=minute)
            if ticket is None:
                continue
            started = minute + dt.timedelta(minutes=1)
            finished = started + dt.timedelta(minutes=rng.randint(4, 14))
            free_at[session.pk] = finished
            if started <= now:
                attention_start(ticket=ticket, session=session, now=started)
            if finished <= now:
                outcome = Outcome.RESOLVED if rng.random() < 0.9 else Outcome.NOT_RESOLVED
                missing = ticket.procedure.requirements.first() if outcome == Outcome.NOT_RESOLVED else None
                note = "" if missing else "Falta documentación"
                attention_finish(
                    ticket=ticket,
                    session=session,
                    outcome=outcome,
                    missing_requirement=missing,
                    note=note,
                    now=finished,
                )
        minute += dt.timedelta(minutes=1)
    return issued
