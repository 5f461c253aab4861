"""Demo of the phone line (issue 9): a few calls taken today by the demo operator, so its screen shows totals.

DEMO ONLY, loaded by `load_demo` with DEBUG on, after the demo staff. Idempotent: nothing when the operator already
has calls today.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from appointments.formatting import lima
from calls.constants import CallOutcome
from calls.models import Call
from calls.services import call_finish, call_start
from centers.constants import Channel
from centers.models import Center, Language
from procedures.models import Procedure

OPERATOR = "telefonico.operador"
CALLS = 8
# Outcomes of the demo calls (bookings need a caller's personal data: the operator's screen makes them).
OUTCOMES = [CallOutcome.INFORMED] * 6 + [CallOutcome.REFERRED, CallOutcome.COMPLAINT]


def demo_calls_load(*, now: dt.datetime | None = None, seed: int = 2011) -> int:
    """CALLS calls logged in the last three hours of today (from 00:05 at the earliest); returns how many."""
    now = now or timezone.now()
    line = Center.objects.filter(channel=Channel.PHONE, is_active=True).order_by("name").first()
    operator = get_user_model().objects.filter(username=OPERATOR).first()
    if line is None or operator is None:
        return 0
    day_start = lima(now).replace(hour=0, minute=5, second=0, microsecond=0)
    if Call.objects.filter(operator=operator, started_at__gte=day_start).exists():
        return 0
    procedures = list(Procedure.objects.filter(is_active=True, via_phone=True).order_by("pk"))
    languages = list(Language.objects.filter(code__in=["es", "qu"]).order_by("code"))  # es, qu
    if not procedures or not languages:
        return 0
    open_call = Call.objects.filter(operator=operator, ended_at__isnull=True).first()
    if open_call is not None:  # an earlier demo left one open: log it
        call_finish(call=open_call, operator=operator, procedure=procedures[0], outcome=CallOutcome.INFORMED)
    rng = random.Random(seed)
    start = max(now - dt.timedelta(hours=3), day_start)
    step = (now - start) / CALLS
    for n in range(CALLS):
        taken = start + step * n
        seconds = min(rng.randint(70, 420), int(step.total_seconds()) - 1)
        if seconds <= 0:
            return n
        outcome = rng.choice(OUTCOMES)
        call = call_start(line=line, operator=operator, now=taken)
        call_finish(
            call=call,
            operator=operator,
            procedure=rng.choice(procedures),
            intent=rng.choice(["tramite", "tramite", "orientacion"]),
            language=languages[1] if n == 3 and len(languages) > 1 else languages[0],
            outcome=outcome,
            referred_to="SUNARP, Oficina Registral de Lima" if outcome == CallOutcome.REFERRED else "",
            now=taken + dt.timedelta(seconds=seconds),
        )
    return CALLS
