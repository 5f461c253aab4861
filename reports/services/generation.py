"""Synthetic attentions for demos and benchmarks that reproduce the seed's centers table exactly.

Per center: exactly the printed number of in-person attentions in the year and exactly the printed number of
companies formed (attentions of a company-formation procedure resolved); the rest spread over the center's other
procedures (a few dominate, as fee payment and police and criminal records do in the seed), over its working days
(Mon–Fri, Saturday mornings, no national holidays, a little seasonality), over the opening hours (peaks mid-morning
and mid-afternoon), with log-normal waits and service times around each procedure's standard, a few abandoned,
referred and unresolved, and consented segments for some. Rows go in with COPY, 50,000 at a time, keyed
`gen:<year>:<center id>:<n>`: running it again for a year replaces that year's generated rows and nothing else.
"""

import datetime as dt
import io
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connections, transaction

from attention.constants import AgeBand, CitizenIntent, Gender, Outcome, PriorityNeed
from centers.models import Center
from centers.selectors import national_holiday
from procedures.models import Procedure

from ..errors import InvalidInput
from .summary import daily_counts_refresh

__all__ = ["SEED_2016", "GenerationResult", "attentions_generate"]

# The seed's table "Centros MAC" (2016): center code -> (in-person attentions, companies formed).
SEED_2016: dict[str, tuple[int, int]] = {
    "MAC-LIMA-NORTE": (1_211_669, 4_063),
    "MAC-CALLAO": (854_777, 992),
    "MAC-VENTANILLA": (440_454, 216),
    "MAC-PIURA": (625_683, 0),
}
BATCH = 50_000
_COLUMNS = (
    "center_id, channel, service_day, procedure_id, preferential_reason, intent, age_band, gender, issued_at, "
    "called_at, started_at, finished_at, outcome, outcome_note, import_key"
)
# Arrivals per half hour from 08:30 (weekdays until 20:30; Saturdays until 13:30): mid-morning and mid-afternoon peaks.
_WEEKDAY_SLOTS = [4, 7, 9, 10, 10, 9, 8, 6, 5, 5, 6, 7, 7, 6, 5, 4, 4, 3, 3, 2, 2, 1, 1, 1]
_SATURDAY_SLOTS = [5, 8, 10, 10, 9, 7, 5, 4, 3, 2]
_MONTH_WEIGHT = [1.1, 1.05, 1.15, 1.0, 1.0, 0.95, 1.05, 1.0, 0.95, 1.0, 0.95, 0.85]
_PREFERENTIAL = [
    (PriorityNeed.NONE.value, 870),
    (PriorityNeed.OLDER_ADULT.value, 80),
    (PriorityNeed.PREGNANT.value, 20),
    (PriorityNeed.DISABILITY.value, 20),
    (PriorityNeed.CHILD.value, 10),
]
_AGE_BANDS = [
    ("", 600),
    (AgeBand.FROM_18.value, 110),
    (AgeBand.FROM_30.value, 140),
    (AgeBand.FROM_45.value, 100),
    (AgeBand.FROM_60.value, 45),
    (AgeBand.UNDER_18.value, 5),
]
_GENDERS = {"": 0, Gender.FEMALE.value: 52, Gender.MALE.value: 47, Gender.OTHER.value: 1}
# Outcomes of the attentions that are not companies formed (per thousand).
_OUTCOMES = [
    (Outcome.RESOLVED.value, 870),
    (Outcome.NOT_RESOLVED.value, 60),
    (Outcome.REFERRED.value, 40),
    (Outcome.ABANDONED.value, 30),
]


@dataclass
class GenerationResult:
    center_code: str
    attentions: int
    companies: int


def _cumulative(weights: Sequence[float]) -> list[float]:
    total = 0.0
    out = []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _working_days(year: int) -> tuple[list[dt.date], list[float]]:
    days, weights = [], []
    day = dt.date(year, 1, 1)
    while day.year == year:
        if day.weekday() < 6 and not national_holiday(day):
            days.append(day)
            weights.append(_MONTH_WEIGHT[day.month - 1] * (0.55 if day.weekday() == 5 else 1.0))
        day += dt.timedelta(days=1)
    return days, weights


def _clock(seconds: int) -> str:
    seconds = min(seconds, 86_399)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _procedures_for(center: Center, *, using: str) -> tuple[list[Procedure], list[Procedure]]:
    offered = list(
        Procedure.objects.using(using)
        .filter(offerings__center=center, offerings__is_active=True)
        .order_by("code")
        .distinct()
    )
    if not offered:
        offered = list(Procedure.objects.using(using).order_by("code"))
    company = [p for p in offered if p.intent == CitizenIntent.COMPANY]
    others = [p for p in offered if p.intent != CitizenIntent.COMPANY]
    if not company:
        company = list(Procedure.objects.using(using).filter(intent=CitizenIntent.COMPANY).order_by("code")[:1])
    return company, others


def _popularity(procedures: list[Procedure], rng: random.Random) -> list[float]:
    """Zipf-like shares, the seed's most demanded services (fee payment, police and criminal records) first."""

    def demand(procedure: Procedure) -> int:
        name = procedure.name.lower()
        return 0 if "tasa" in name else 1 if "antecedentes" in name else 2

    ranked = sorted(procedures, key=lambda p: (demand(p), rng.random()))
    rank = {p.pk: i for i, p in enumerate(ranked)}
    return [1.0 / (rank[p.pk] + 1) ** 0.9 for p in procedures]


def _generate_center(
    *,
    center: Center,
    year: int,
    attentions: int,
    companies: int,
    rng: random.Random,
    using: str,
    progress: Callable[[str], None] | None,
) -> None:
    company_procedures, others = _procedures_for(center, using=using)
    if companies and not company_procedures:
        raise InvalidInput(f"No company-formation procedure exists to form companies at {center.code}.")
    if not others:
        raise InvalidInput(f"{center.code} offers no procedure.")
    extra_company = min(round(companies * 0.15), attentions - companies)  # company attempts not (yet) resolved
    days, day_weights = _working_days(year)
    day_cum = _cumulative(day_weights)
    weekday_cum, saturday_cum = _cumulative(_WEEKDAY_SLOTS), _cumulative(_SATURDAY_SLOTS)
    other_cum = _cumulative(_popularity(others, rng))
    pref_values, pref_cum = [v for v, _w in _PREFERENTIAL], _cumulative([w for _v, w in _PREFERENTIAL])
    age_values, age_cum = [v for v, _w in _AGE_BANDS], _cumulative([w for _v, w in _AGE_BANDS])
    gender_values, gender_cum = list(_GENDERS)[1:], _cumulative(list(_GENDERS.values())[1:])
    outcome_values, outcome_cum = [v for v, _w in _OUTCOMES], _cumulative([w for _v, w in _OUTCOMES])
    day_text = [d.isoformat() for d in days]
    saturday = [d.weekday() == 5 for d in days]
    choices = rng.choices
    key_prefix = f"gen:{year}:{center.pk}:"
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM attention_attention WHERE import_key >= %s AND import_key < %s",
            [key_prefix, key_prefix[:-1] + ";"],
        )
        done = 0
        while done < attentions:
            size = min(BATCH, attentions - done)
            day_idx = choices(range(len(days)), cum_weights=day_cum, k=size)
            procedure_pick = choices(others, cum_weights=other_cum, k=size)
            prefs = choices(pref_values, cum_weights=pref_cum, k=size)
            ages = choices(age_values, cum_weights=age_cum, k=size)
            outcomes = choices(outcome_values, cum_weights=outcome_cum, k=size)
            lines = []
            for i in range(size):
                n = done + i
                if n < companies:
                    procedure, outcome = company_procedures[n % len(company_procedures)], Outcome.RESOLVED.value
                elif n < companies + extra_company:
                    procedure = company_procedures[n % len(company_procedures)]
                    outcome = Outcome.NOT_RESOLVED.value if n % 3 else Outcome.REFERRED.value
                else:
                    procedure, outcome = procedure_pick[i], outcomes[i]
                d = day_idx[i]
                slots = saturday_cum if saturday[d] else weekday_cum
                slot = choices(range(len(slots)), cum_weights=slots)[0]
                issued = 30_600 + slot * 1800 + int(rng.random() * 1800)  # 08:30 + half hours
                wait = int(60 * procedure.sla_max_wait_minutes * 0.45 * math.exp(rng.gauss(0, 0.6)))
                service = int(60 * max(procedure.counter_minutes or 10, 3) * math.exp(rng.gauss(0, 0.4)))
                age = ages[i]
                gender = choices(gender_values, cum_weights=gender_cum)[0] if age else ""
                day = day_text[d]
                issued_text = f"{day} {_clock(issued)}-05"
                if outcome == Outcome.ABANDONED.value:
                    called_text = started_text = r"\N"
                    finished_text = f"{day} {_clock(issued + wait)}-05"
                else:
                    called_text = f"{day} {_clock(issued + wait)}-05"
                    started_text = f"{day} {_clock(issued + wait + 30)}-05"
                    finished_text = f"{day} {_clock(issued + wait + 30 + service)}-05"
                lines.append(
                    f"{center.pk}\tpresencial\t{day}\t{procedure.pk}\t{prefs[i]}\t{procedure.intent}\t{age}\t{gender}\t"
                    f"{issued_text}\t{called_text}\t{started_text}\t{finished_text}\t{outcome}\t\t{key_prefix}{n}\n"
                )
            cursor.copy_expert(f"COPY attention_attention ({_COLUMNS}) FROM STDIN", io.StringIO("".join(lines)))
            done += size
            if progress:
                progress(f"{center.code}: {done:,}/{attentions:,}")


def attentions_generate(
    *,
    year: int,
    targets: dict[str, tuple[int, int]] | None = None,
    scale: float = 1.0,
    seed: int = 2016,
    using: str = "default",
    progress: Callable[[str], None] | None = None,
) -> list[GenerationResult]:
    """Generate the year's in-person attentions of each center in `targets` (default: the seed's 2016 table),
    scaled by `scale` (rounded; 1 reproduces the table exactly). Centers are found by code."""
    targets = targets if targets is not None else SEED_2016
    centers = {c.code: c for c in Center.objects.using(using).filter(code__in=list(targets))}
    missing = sorted(set(targets) - set(centers))
    if missing:
        raise InvalidInput(f"Unknown centers {', '.join(missing)}: load the catalog first (manage.py load_demo).")
    rng = random.Random(seed * 10_000 + year)
    results = []
    for code, (attentions, companies) in targets.items():
        attentions, companies = round(attentions * scale), round(companies * scale)
        _generate_center(
            center=centers[code],
            year=year,
            attentions=attentions,
            companies=companies,
            rng=rng,
            using=using,
            progress=progress,
        )
        results.append(GenerationResult(center_code=code, attentions=attentions, companies=companies))
    daily_counts_refresh(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), using=using)
    return results
