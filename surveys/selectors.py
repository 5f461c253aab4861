"""Reads of the satisfaction surveys: the invitation behind a link, the attention a counter's tablet asks about,
and the indicators (per dimension; filtered by period, service points, procedure and channel).

Indicators, for the attentions whose Lima day (`Attention.service_day`) is in [start, end]:
- invitations: surveys offered (messages and on the spot); responses: those answered (with an answer in the
  dimension); response_rate = responses / invitations;
- mean_expectation, mean_perception: means of the 1–7 answers; gap = mean perception − mean expectation;
- share_satisfied: the share of answers with perception ≥ expectation (0–1).
Decimals rounded half up to 2 places; None where there is no data.
"""

import datetime as dt
from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from attention.constants import Outcome
from attention.models import Attention
from centers.models import Counter

from .constants import Dimension
from .models import Answer, Invitation
from .tokens import invitation_token_parse

__all__ = [
    "invitation_for_token",
    "satisfaction_by_dimension",
    "tablet_attention",
]

TWO = Decimal("0.01")


def invitation_for_token(*, token: str) -> tuple[Invitation | None, str]:
    """(invitation, nonce) named by a well-signed token (the nonce still to be checked), or (None, "")."""
    parsed = invitation_token_parse(token)
    if parsed is None:
        return None, ""
    invitation = (
        Invitation.objects.select_related("survey", "attention__center", "attention__procedure")
        .filter(pk=parsed[0])
        .first()
    )
    return invitation, parsed[1]


def tablet_attention(*, counter: Counter, window_minutes: int, now: dt.datetime | None = None) -> Attention | None:
    """The attention just finished at `counter` (within `window_minutes`), resolved or not, not yet answered."""
    now = now or timezone.now()
    return (
        Attention.objects.filter(
            counter=counter,
            finished_at__gte=now - dt.timedelta(minutes=window_minutes),
            finished_at__lte=now,
            outcome__in=(Outcome.RESOLVED, Outcome.NOT_RESOLVED),
        )
        .exclude(survey_response__isnull=False)
        .select_related("procedure", "center")
        .order_by("-finished_at")
        .first()
    )


def _round(value: Decimal | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


def _attention_filter(
    *,
    prefix: str,
    start: dt.date,
    end: dt.date,
    center_ids: Collection[int] | None,
    procedure_id: int | None,
    channel: str | None,
) -> Q:
    q = Q(**{f"{prefix}service_day__gte": start, f"{prefix}service_day__lte": end})
    if center_ids is not None:
        q &= Q(**{f"{prefix}center_id__in": list(center_ids)})
    if procedure_id is not None:
        q &= Q(**{f"{prefix}procedure_id": procedure_id})
    if channel is not None:
        q &= Q(**{f"{prefix}channel": channel})
    return q


def _answers(**filters) -> QuerySet[Answer]:
    return Answer.objects.filter(_attention_filter(prefix="response__attention__", **filters))


def satisfaction_by_dimension(
    *,
    start: dt.date,
    end: dt.date,
    center_ids: Collection[int] | None = None,
    procedure_id: int | None = None,
    channel: str | None = None,
) -> list[dict]:
    """One dict per dimension (in Dimension order): dimension, dimension_label, invitations, responses,
    response_rate, mean_expectation, mean_perception, gap, share_satisfied (see the module's docstring)."""
    filters: dict = {
        "start": start,
        "end": end,
        "center_ids": center_ids,
        "procedure_id": procedure_id,
        "channel": channel,
    }
    invitations = Invitation.objects.filter(_attention_filter(prefix="attention__", **filters)).count()
    rows = {
        row["dimension"]: row
        for row in _answers(**filters)
        .values("dimension")
        .annotate(
            responses=Count("response", distinct=True),
            answers=Count("pk"),
            satisfied=Count("pk", filter=Q(perception__gte=F("expectation"))),
            mean_expectation=Avg("expectation"),
            mean_perception=Avg("perception"),
        )
        .order_by()
    }
    result = []
    for dimension in Dimension:
        entry: dict = {
            "dimension": dimension.value,
            "dimension_label": str(dimension.label),
            "invitations": invitations,
            "responses": 0,
            "response_rate": _round(Decimal(0)) if invitations else None,
            "mean_expectation": None,
            "mean_perception": None,
            "gap": None,
            "share_satisfied": None,
        }
        if row := rows.get(dimension.value):
            mean_e, mean_p = Decimal(str(row["mean_expectation"])), Decimal(str(row["mean_perception"]))
            entry |= {
                "responses": row["responses"],
                "response_rate": _round(Decimal(row["responses"]) / invitations) if invitations else None,
                "mean_expectation": _round(mean_e),
                "mean_perception": _round(mean_p),
                "gap": _round(mean_p - mean_e),
                "share_satisfied": _round(Decimal(row["satisfied"]) / row["answers"]),
            }
        result.append(entry)
    return result
