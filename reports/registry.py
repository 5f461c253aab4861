"""The indicator tables, declared once: the page, the CSV and XLSX exports, the API and the bulletin all read them.

A `Table` names its selector (keyword-only: `start`, `end`, `center_ids` and the filters it lists in `filters`,
returning a list of dicts), its columns (key, Spanish header, number format) and optionally a chart. Adding a
table is adding one `register(Table(...))` call (see "satisfaction", read from the surveys app's selector).

Rows are suppressed (every number blanked) when the table is a segment table or a segment filter is active and the
row's `count` column is under REPORTS_MIN_CELL_SIZE, so that no person can be singled out.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints.selectors import complaints_by_category
from surveys.selectors import satisfaction_by_dimension

from .selectors import indicators as ind
from .selectors.filters import ReportFilters

__all__ = ["DECIMAL", "INT", "PERCENT", "TABLES", "TEXT", "Chart", "Column", "Table", "register", "table_get"]

TEXT, INT, DECIMAL, PERCENT, DATE = "text", "int", "decimal", "percent", "date"
# Excel number formats of each kind (the spreadsheet shows them with the reader's separators).
XLSX_FORMATS = {INT: "#,##0", DECIMAL: "#,##0.0", PERCENT: "0.0%", DATE: "yyyy-mm-dd", TEXT: "@"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str | Promise
    kind: str = TEXT


@dataclass(frozen=True)
class Chart:
    label: str  # column key of the bars' labels
    value: str  # column key of the bars' lengths
    series: str = ""  # optional column key splitting the bars in groups (e.g. center)


@dataclass(frozen=True)
class Table:
    slug: str
    title: str | Promise
    selector: Callable[..., list[dict]]
    columns: tuple[Column, ...]
    filters: tuple[str, ...] = ()  # filters honoured besides start, end and center_ids
    chart: Chart | None = None
    count: str = ""  # the column whose small values are suppressed
    segment_table: bool = False  # always subject to suppression
    description: str | Promise = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def rows(self, filters: ReportFilters) -> list[dict]:
        kwargs: dict[str, Any] = {"start": filters.start, "end": filters.end, "center_ids": filters.center_ids}
        kwargs |= {name: getattr(filters, name) for name in self.filters}
        rows = self.selector(**kwargs)
        if self.count and (self.segment_table or filters.has_segment):
            rows = suppress(rows, count=self.count, numbers=[c.key for c in self.columns if c.kind != TEXT])
        return rows

    def ignored_filters(self, filters: ReportFilters) -> list[str]:
        """Labels of the filters set that this table does not honour."""
        return [str(label) for name, label in filters.active_labels() if name not in self.filters]


def suppress(rows: list[dict], *, count: str, numbers: list[str]) -> list[dict]:
    minimum = settings.REPORTS_MIN_CELL_SIZE
    out = []
    for row in rows:
        if row.get(count) is not None and row[count] < minimum:
            row = {**row, **dict.fromkeys(numbers), "suppressed": True}
        out.append(row)
    return out


def display(value: Any, kind: str) -> str:
    """A cell as people read it, with the active language's separators; suppressed or missing: "—"."""
    if value is None:
        return "—"
    if kind == INT:
        return number_format(int(value), force_grouping=True)
    if kind == DECIMAL:
        return number_format(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP), 1, force_grouping=True)
    if kind == PERCENT:
        return number_format((Decimal(str(value)) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP), 1) + " %"
    if kind == DATE and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def plain(value: Any, kind: str) -> Any:
    """A cell for machines (API, spreadsheets): numbers as numbers, decimals rounded to 4 places."""
    if value is None:
        return None
    if kind == INT:
        return int(value)
    if kind in (DECIMAL, PERCENT):
        return float(round(Decimal(str(value)), 4))
    if kind == DATE and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


TABLES: dict[str, Table] = {}


def register(table: Table) -> Table:
    TABLES[table.slug] = table
    return table


def table_get(slug: str) -> Table:
    from .errors import UnknownReport

    try:
        return TABLES[slug]
    except KeyError:
        raise UnknownReport() from None


ALL = ("entity_id", "procedure_id", "channel", "intent", *ind.SEGMENT_FILTERS)
_WAIT_COLUMNS = (
    Column("served", _("Attentions served"), INT),
    Column("wait_mean", _("Mean wait (min)"), DECIMAL),
    Column("wait_median", _("Median wait (min)"), DECIMAL),
    Column("wait_p90", _("90th percentile wait (min)"), DECIMAL),
    Column("wait_within", _("Wait within standard"), PERCENT),
    Column("service_mean", _("Mean service time (min)"), DECIMAL),
    Column("service_median", _("Median service time (min)"), DECIMAL),
    Column("service_p90", _("90th percentile service time (min)"), DECIMAL),
    Column("service_within", _("Service within standard"), PERCENT),
)

register(
    Table(
        slug="centers",
        title=_("MAC centers: entities, services, in-person attentions and companies formed"),
        selector=ind.centers_table,
        columns=(
            Column("center", _("Center")),
            Column("entities", _("Entities"), INT),
            Column("services", _("Services"), INT),
            Column("attentions", _("In-person attentions"), INT),
            Column("companies", _("Companies formed"), INT),
        ),
        chart=Chart(label="center", value="attentions"),
        description=_("Entities and services are those with at least one in-person attention in the period."),
    )
)
register(
    Table(
        slug="over-time",
        title=_("Attentions over time"),
        selector=ind.attentions_over_time,
        filters=(*ALL, "granularity"),
        columns=(
            Column("period", _("Period"), DATE),
            Column("center", _("Center")),
            Column("attentions", _("Attentions"), INT),
        ),
        chart=Chart(label="period", value="attentions", series="center"),
        count="attentions",
    )
)
register(
    Table(
        slug="entities",
        title=_("Attentions per entity"),
        selector=ind.attentions_by_entity,
        filters=ALL,
        columns=(
            Column("entity", _("Entity")),
            Column("attentions", _("Attentions"), INT),
            Column("share", _("Share"), PERCENT),
        ),
        chart=Chart(label="entity", value="attentions"),
        count="attentions",
    )
)
register(
    Table(
        slug="procedures",
        title=_("Attentions per procedure"),
        selector=ind.attentions_by_procedure,
        filters=ALL,
        columns=(
            Column("procedure", _("Procedure")),
            Column("entity", _("Entity")),
            Column("attentions", _("Attentions"), INT),
            Column("share", _("Share"), PERCENT),
        ),
        count="attentions",
    )
)
register(
    Table(
        slug="channels",
        title=_("Attentions per channel"),
        selector=ind.attentions_by_channel,
        filters=ALL,
        columns=(
            Column("channel", _("Channel")),
            Column("attentions", _("Attentions"), INT),
            Column("share", _("Share"), PERCENT),
        ),
        chart=Chart(label="channel", value="attentions"),
        count="attentions",
    )
)
register(
    Table(
        slug="companies",
        title=_("Companies formed"),
        selector=ind.companies_formed,
        filters=("entity_id", "procedure_id", "channel", "granularity"),
        columns=(
            Column("period", _("Period"), DATE),
            Column("center", _("Center")),
            Column("companies", _("Companies formed"), INT),
        ),
        chart=Chart(label="period", value="companies", series="center"),
    )
)
register(
    Table(
        slug="waits-procedure",
        title=_("Waits and service times per procedure"),
        selector=ind.waits_by_procedure,
        filters=ALL,
        columns=(Column("procedure", _("Procedure")), Column("entity", _("Entity")), *_WAIT_COLUMNS),
        chart=Chart(label="procedure", value="wait_median"),
        count="served",
    )
)
register(
    Table(
        slug="waits-center",
        title=_("Waits and service times per center"),
        selector=ind.waits_by_center,
        filters=ALL,
        columns=(Column("center", _("Center")), *_WAIT_COLUMNS),
        chart=Chart(label="center", value="wait_median"),
        count="served",
    )
)
register(
    Table(
        slug="appointments",
        title=_("Appointments: online and phone-booked"),
        selector=ind.appointments_by_center,
        filters=("entity_id", "procedure_id", "channel"),
        columns=(
            Column("center", _("Center")),
            Column("channel", _("Booked through")),
            Column("booked", _("Booked"), INT),
            Column("cancelled", _("Cancelled"), INT),
            Column("no_show", _("No-shows"), INT),
            Column("no_show_rate", _("No-show rate"), PERCENT),
            Column("lead_days", _("Mean lead time (days)"), DECIMAL),
        ),
    )
)
register(
    Table(
        slug="satisfaction",
        title=_("Satisfaction per dimension"),
        selector=satisfaction_by_dimension,
        filters=("procedure_id", "channel"),
        columns=(
            Column("dimension_label", _("Dimension")),
            Column("invitations", _("Surveys offered"), INT),
            Column("responses", _("Responses"), INT),
            Column("response_rate", _("Response rate"), PERCENT),
            Column("mean_expectation", _("Mean expectation (1–7)"), DECIMAL),
            Column("mean_perception", _("Mean perception (1–7)"), DECIMAL),
            Column("gap", _("Gap (perception − expectation)"), DECIMAL),
            Column("share_satisfied", _("Satisfied (perception ≥ expectation)"), PERCENT),
        ),
        # the gap may be negative; the bars show the share satisfied (0–1), the table both
        chart=Chart(label="dimension_label", value="share_satisfied"),
        description=_(
            "Surveys of the attentions of the period (their Lima day). Gap: mean perception minus mean expectation; "
            "satisfied: answers whose perception reaches the expectation."
        ),
    )
)
register(
    Table(
        slug="segments",
        title=_("Attentions per segment (consented data, aggregates only)"),
        selector=ind.attentions_by_segment,
        filters=ALL,
        columns=(
            Column("dimension", _("Segment")),
            Column("value", _("Value")),
            Column("attentions", _("Attentions"), INT),
        ),
        count="attentions",
        segment_table=True,
    )
)
register(
    Table(
        slug="complaints",
        title=_("Complaints by category"),
        selector=complaints_by_category,
        columns=(
            Column("category_label", _("Category")),
            Column("filed", _("Filed"), INT),
            Column("answered", _("Answered"), INT),
            Column("answered_on_time", _("Answered on time"), INT),
            Column("on_time_rate", _("On-time answer rate"), PERCENT),
            Column("overdue", _("Overdue"), INT),
        ),
        chart=Chart(label="category_label", value="filed"),
        description=_("Complaints book (Libro de Reclamaciones), by the Lima day of filing."),
    )
)
