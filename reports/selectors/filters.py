"""The filters every report reads, already checked and scoped to the centers the reader may see."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

__all__ = ["FILTER_LABELS", "ReportFilters", "month_last_day"]


def month_last_day(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


FILTER_LABELS = {
    "entity_id": _("entity"),
    "procedure_id": _("procedure"),
    "channel": _("channel"),
    "intent": _("citizen intent"),
    "age_band": _("age band"),
    "gender": _("gender"),
    "language_id": _("language"),
    "preferential_reason": _("preferential attention"),
}


@dataclass(frozen=True)
class ReportFilters:
    start: dt.date
    end: dt.date
    center_ids: list[int] | None = None  # None: every center
    entity_id: int | None = None
    procedure_id: int | None = None
    channel: str | None = None
    intent: str | None = None
    age_band: str | None = None
    gender: str | None = None
    language_id: int | None = None  # 0: Spanish (no language need)
    preferential_reason: str | None = None
    granularity: str = "month"

    @property
    def has_segment(self) -> bool:
        return any(
            value not in (None, "")
            for value in (self.age_band, self.gender, self.language_id, self.preferential_reason)
        )

    def active_labels(self) -> list[tuple[str, object]]:
        return [(name, label) for name, label in FILTER_LABELS.items() if getattr(self, name) not in (None, "")]
