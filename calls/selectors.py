"""Reads of the phone line: the lines a user may work on, the open call, what the operator tells the caller
(the catalog's search, a procedure's full information, where to book) and today's totals."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from appointments.formatting import lima_date
from centers.constants import Channel
from centers.models import Center, Language, Offering
from centers.selectors import OpeningStatus, offering_list_for_procedure, offering_status, staff_member_center_ids
from procedures.models import Procedure, Requirement
from procedures.selectors import procedure_list

from .constants import PHONE_ROLES, CallOutcome
from .errors import NotFound
from .models import Call

__all__ = [
    "CallTotals",
    "LineTotals",
    "PlaceNow",
    "ProcedureInfo",
    "call_open_current",
    "duration_display",
    "calls_today_totals",
    "language_list",
    "phone_line_for_staff",
    "phone_lines_for_staff",
    "procedure_info",
    "procedure_typeahead",
]

TYPEAHEAD_LIMIT = 8


def duration_display(seconds: int | None) -> str:
    """A call's length as m:ss."""
    minutes, rest = divmod(max(int(seconds or 0), 0), 60)
    return f"{minutes}:{rest:02d}"


def phone_lines_for_staff(*, user) -> QuerySet[Center]:
    """The active phone lines where the user takes calls (administrators and superusers: every one)."""
    return Center.objects.filter(
        pk__in=staff_member_center_ids(user=user, roles=PHONE_ROLES), channel=Channel.PHONE, is_active=True
    ).order_by("name")


def phone_line_for_staff(*, user, center_id: int) -> Center:
    line = phone_lines_for_staff(user=user).filter(pk=center_id).first()
    if line is None:
        raise NotFound()
    return line


def call_open_current(*, operator) -> Call | None:
    """The operator's call in progress, if any."""
    return Call.objects.filter(operator_id=operator.pk, ended_at__isnull=True).select_related("center").first()


def procedure_typeahead(*, query: str, limit: int = TYPEAHEAD_LIMIT) -> list[Procedure]:
    """The catalog's own search (procedures.selectors), its best `limit` matches; nothing for an empty query."""
    if not query.strip():
        return []
    return list(procedure_list(filters={"q": query})[:limit])


@dataclass(frozen=True)
class PlaceNow:
    offering: Offering
    status: OpeningStatus


@dataclass(frozen=True)
class ProcedureInfo:
    """Everything the operator reads out: the procedure with its requirements, and where it is offered, open now
    or not."""

    procedure: Procedure
    places: list[PlaceNow]


def procedure_info(*, procedure_id: int, at: dt.datetime | None = None) -> ProcedureInfo | None:
    """An active procedure's full information (four queries), or None."""
    procedure = (
        Procedure.objects.filter(pk=procedure_id, is_active=True)
        .select_related("entity")
        .prefetch_related(Prefetch("requirements", queryset=Requirement.objects.order_by("position", "id")))
        .first()
    )
    if procedure is None:
        return None
    places = [
        PlaceNow(offering=offering, status=offering_status(offering=offering, at=at))
        for offering in offering_list_for_procedure(procedure_id=procedure.pk)
    ]
    return ProcedureInfo(procedure=procedure, places=places)


def language_list() -> list[Language]:
    """The languages a call can be in: Spanish first, then by name."""
    return sorted(Language.objects.order_by("name"), key=lambda language: language.code != "es")


@dataclass
class CallTotals:
    """Logged calls of a day: how many, their average length, and counts by outcome and by language."""

    calls: int = 0
    seconds: int = 0
    outcomes: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)

    def add(self, *, seconds: int, outcome: str, language: str) -> None:
        self.calls += 1
        self.seconds += seconds
        self.outcomes[outcome] += 1
        self.languages[language] += 1

    @property
    def average_seconds(self) -> int | None:
        return round(self.seconds / self.calls) if self.calls else None

    @property
    def average_display(self) -> str:
        """The average duration as m:ss ("" without calls)."""
        return duration_display(self.average_seconds) if self.calls else ""

    @property
    def outcome_rows(self) -> list[tuple[str, int]]:
        """(label, count) of every outcome, in the choices' order."""
        return [(str(choice.label), self.outcomes[choice.value]) for choice in CallOutcome]

    @property
    def language_rows(self) -> list[tuple[str, int]]:
        return sorted(self.languages.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class LineTotals:
    line: CallTotals
    operators: list[tuple[str, CallTotals]]  # (operator's name, totals), by name


def calls_today_totals(*, line: Center, day: dt.date | None = None) -> LineTotals:
    """The calls logged on a phone line on a Lima day (default today), per operator and for the line (one query).
    A call counts on the day it started."""
    day = day or lima_date()
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    rows = (
        Call.objects.filter(
            center=line, started_at__gte=start, started_at__lt=start + dt.timedelta(days=1), ended_at__isnull=False
        )
        .order_by()
        .values_list(
            "operator_id",
            "operator__first_name",
            "operator__last_name",
            "operator__username",
            "duration_seconds",
            "outcome",
            "attention__language__name",
        )
    )
    totals = CallTotals()
    per_operator: dict[int, tuple[str, CallTotals]] = {}
    for operator_id, first, last, username, seconds, outcome, language in rows:
        name = f"{first} {last}".strip() or username
        for target in (totals, per_operator.setdefault(operator_id, (name, CallTotals()))[1]):
            target.add(seconds=seconds or 0, outcome=outcome, language=language or "")  # logged: seconds set
    return LineTotals(line=totals, operators=sorted(per_operator.values(), key=lambda item: item[0]))
