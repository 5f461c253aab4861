"""Reads of the complaints book: look-up by code and document, choices for the filing form, overdue complaints and
the complaint indicators (complaints_by_category, read by reports). Never writes, never sees a request."""

import datetime as dt
from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from appointments.formatting import lima_date
from appointments.validators import code_normalize, document_number_matches
from centers.models import Center, Offering
from procedures.models import Entity

from .constants import ComplaintCategory, ComplaintStatus
from .models import Complaint

__all__ = [
    "complaint_by_code",
    "complaint_is_overdue",
    "complaint_lookup",
    "complaints_by_category",
    "complaints_overdue",
    "entity_choices",
    "service_point_choices",
]


def _lima_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def complaint_lookup(*, code: str, document_number: str) -> Complaint | None:
    """The complaint with this code if the document number matches it, else None — the same answer, and the same
    work (one query, one constant-time comparison), whether the code exists or not."""
    complaint = Complaint.objects.select_related("entity", "center").filter(code=code_normalize(code) or "-").first()
    matches = document_number_matches(
        document_type=complaint.document_type if complaint else None,
        stored=complaint.document_number if complaint else None,
        given=document_number,
    )
    return complaint if matches else None


def complaint_by_code(*, code: str) -> Complaint | None:
    """The complaint with this tracking code (as typed), or None. Only for a browser already known to have filed it."""
    normalized = code_normalize(code)
    return Complaint.objects.select_related("entity", "center").filter(code=normalized).first() if normalized else None


def complaint_is_overdue(*, complaint: Complaint, today: dt.date | None = None) -> bool:
    """Still unanswered after its last day to answer (Lima)."""
    today = today or lima_date()
    return complaint.status == ComplaintStatus.FILED and complaint.due_on < today


def complaints_overdue(*, center_ids: Collection[int] | None = None, today: dt.date | None = None) -> QuerySet:
    """Unanswered complaints past their deadline (Lima), oldest deadline first."""
    queryset = Complaint.objects.filter(status=ComplaintStatus.FILED, due_on__lt=today or lima_date())
    if center_ids is not None:
        queryset = queryset.filter(center_id__in=list(center_ids))
    return queryset.order_by("due_on", "pk")


def service_point_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Active service points grouped by channel (in person, phone, virtual), for the filing form."""
    groups: dict[str, list[tuple[int, str]]] = {}
    labels: dict[str, str] = {}
    for center in Center.objects.filter(is_active=True).order_by("channel", "name"):
        groups.setdefault(center.channel, []).append((center.pk, center.name))
        labels[center.channel] = str(center.get_channel_display())
    order = ["presencial", "telefonico", "virtual"]
    return [(labels[key], groups[key]) for key in sorted(groups, key=lambda k: order.index(k) if k in order else 9)]


def entity_choices() -> list[tuple[int, str]]:
    """Entities with at least one active offering somewhere (those a citizen can have been served by)."""
    served = Offering.objects.filter(procedure__entity=OuterRef("pk"), is_active=True, center__is_active=True)
    return [(entity.pk, str(entity)) for entity in Entity.objects.filter(Exists(served)).order_by("name")]


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def complaints_by_category(*, start: dt.date, end: dt.date, center_ids: Collection[int] | None = None) -> list[dict]:
    """Complaints filed from `start` to `end` (Lima dates of filing, both included), one dict per category, in the
    categories' order, zeros included:

    - `filed`: complaints filed in the period;
    - `answered`: of those, answered by the end of `end` (Lima);
    - `answered_on_time`: of those, answered on or before their last day to answer;
    - `on_time_rate`: answered_on_time / answered as a Decimal rounded to 4 places, None when none was answered;
    - `overdue`: of those filed, still unanswered at the end of `end` although their last day was before `end`.
    """
    since, until = _lima_midnight(start), _lima_midnight(end + dt.timedelta(days=1))
    queryset = Complaint.objects.filter(filed_at__gte=since, filed_at__lt=until)
    if center_ids is not None:
        queryset = queryset.filter(center_id__in=list(center_ids))
    answered = Q(answered_at__isnull=False, answered_at__lt=until)
    # The Lima date of the answer against the last day to answer.
    on_time = answered & Q(answered_on__lte=F("due_on"))
    queryset = queryset.annotate(answered_on=TruncDate("answered_at", tzinfo=timezone.get_default_timezone()))
    rows: dict[str, dict] = {
        row["category"]: dict(row)
        for row in queryset.values("category").annotate(
            filed=Count("pk"),
            answered=Count("pk", filter=answered),
            answered_on_time=Count("pk", filter=on_time),
            overdue=Count("pk", filter=~answered & Q(due_on__lt=end)),
        )
    }
    result = []
    for category in ComplaintCategory:
        row = rows.get(category.value, {})
        filed, done, in_time = row.get("filed", 0), row.get("answered", 0), row.get("answered_on_time", 0)
        result.append(
            {
                "category": category.value,
                "category_label": str(category.label),
                "filed": filed,
                "answered": done,
                "answered_on_time": in_time,
                "on_time_rate": _rate(in_time, done),
                "overdue": row.get("overdue", 0),
            }
        )
    return result
