"""Demo of the satisfaction surveys (issue 10): each channel's survey, a survey tablet per in-person center, and four
weeks of believable answers, so the indicators show numbers from the run command.

The answers follow what the SGP's surveys found (seed article): attention time below expectations; the greeter's
courtesy not above them and the counter agent's barely above; cleanliness and safety well above; the result very
effective. Each answer is a past attention (at every active service point) with its invitation and, for about
40 % of them, a response. DEMO ONLY (fabricated attentions): `load_demo` loads it with DEBUG on; it runs once (the
attentions carry an import key "demo-survey:…").
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from appointments.formatting import lima
from attention.constants import DeviceKind, Outcome
from attention.models import Attention, DeviceToken
from attention.services import device_token_create
from attention.tokens import token_hash
from centers.models import Center, Counter, Offering
from procedures.constants import Channel
from surveys.constants import Delivery, Dimension
from surveys.models import Answer, Invitation, Response, Survey
from surveys.services import survey_defaults_create
from surveys.tokens import nonce_new

DAYS = 28
PER_DAY = {Channel.IN_PERSON: 6, Channel.PHONE: 4, Channel.VIRTUAL: 8}
RESPONSE_SHARE = 0.4
# (mean expectation, mean perception) per dimension, on the 1–7 scale.
PROFILE = {
    Dimension.ATTENTION_TIME: (6.2, 4.6),
    Dimension.GREETER_COURTESY: (5.8, 5.6),
    Dimension.AGENT_COURTESY: (5.8, 6.0),
    Dimension.FAIR_TREATMENT: (6.0, 5.9),
    Dimension.CLEANLINESS: (5.4, 6.4),
    Dimension.SAFETY: (5.3, 6.3),
    Dimension.COMFORT: (5.5, 5.4),
    Dimension.RESULT: (6.0, 6.5),
}
COMMENTS = [
    "La espera fue larga, pero me atendieron muy bien.",
    "Todo rápido y ordenado.",
    "Faltan asientos en la sala de espera.",
    "El asesor me explicó todo con paciencia.",
    "",
    "",
    "",
]


def demo_tablets_load() -> list[tuple[Center, str]]:
    """A survey tablet per in-person center, with a known token: (center, address that authorises it)."""
    tablets = []
    for center in Center.objects.filter(channel=Channel.IN_PERSON, is_active=True).order_by("name"):
        token = f"demo-survey-{center.code.lower().removeprefix('mac-')}"
        if not DeviceToken.objects.filter(token_hash=token_hash(token)).exists():
            device_token_create(center=center, kind=DeviceKind.SURVEY, name="Tableta de encuestas", token=token)
        tablets.append((center, f"/encuesta/centro/{center.slug}/?token={token}"))
    return tablets


def _score(rng: random.Random, mean: float) -> int:
    return min(7, max(1, round(rng.gauss(mean, 0.9))))


@transaction.atomic
def demo_responses_load(*, now: dt.datetime | None = None, seed: int = 2016) -> int:
    """Four weeks of attentions, invitations and responses before today; returns the responses created (0 when
    already loaded)."""
    survey_defaults_create()
    if Attention.objects.filter(import_key__startswith="demo-survey:").exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(seed)
    today = lima(now).date()
    surveys = {survey.channel: survey for survey in Survey.objects.filter(is_active=True)}
    questions = {channel: list(survey.questions.all()) for channel, survey in surveys.items()}
    created = 0
    for center in Center.objects.filter(is_active=True).order_by("pk"):
        survey = surveys.get(center.channel)
        procedures = list(Offering.objects.filter(center=center, is_active=True).values_list("procedure_id", flat=True))
        if survey is None or not procedures:
            continue
        counters = list(Counter.objects.filter(center=center, is_active=True))
        attentions = []
        for back in range(DAYS, 0, -1):
            day = today - dt.timedelta(days=back)
            if day.weekday() == 6 and center.channel == Channel.IN_PERSON:
                continue
            for n in range(PER_DAY[center.channel]):
                finished = lima(now).replace(
                    year=day.year, month=day.month, day=day.day, hour=9 + n, minute=rng.randrange(60)
                )
                attentions.append(
                    Attention(
                        center=center,
                        channel=center.channel,
                        service_day=day,
                        procedure_id=rng.choice(procedures),
                        counter=rng.choice(counters) if counters else None,
                        issued_at=finished - dt.timedelta(minutes=rng.randrange(10, 50)),
                        called_at=finished - dt.timedelta(minutes=8),
                        started_at=finished - dt.timedelta(minutes=7),
                        finished_at=finished,
                        outcome=Outcome.RESOLVED if rng.random() < 0.9 else Outcome.NOT_RESOLVED,
                        outcome_note="",
                        import_key=f"demo-survey:{center.pk}:{day:%Y%m%d}:{n}",
                    )
                )
        Attention.objects.bulk_create(attentions)
        invitations = Invitation.objects.bulk_create(
            Invitation(
                attention=attention,
                survey=survey,
                nonce=nonce_new(),
                delivery=Delivery.ONSITE,
                expires_at=attention.finished_at + dt.timedelta(days=7),
                created_at=attention.finished_at,
            )
            for attention in attentions
        )
        answered = [invitation for invitation in invitations if rng.random() < RESPONSE_SHARE]
        responses = Response.objects.bulk_create(
            Response(
                invitation=invitation,
                survey=survey,
                attention=invitation.attention,
                comment=rng.choice(COMMENTS),
                submitted_at=invitation.attention.finished_at + dt.timedelta(minutes=5),
            )
            for invitation in answered
        )
        Invitation.objects.filter(pk__in=[invitation.pk for invitation in answered]).update(responded_at=timezone.now())
        Answer.objects.bulk_create(
            Answer(
                response=response,
                question=question,
                dimension=question.dimension,
                expectation=_score(rng, PROFILE[question.dimension][0]),
                perception=_score(rng, PROFILE[question.dimension][1]),
            )
            for response in responses
            for question in questions[center.channel]
        )
        created += len(responses)
    return created
