"""CSV and XLSX of every registered table, and the pseudonymised CSV of the underlying attentions.

Tables are small (aggregates): CSV is written row by row, XLSX with openpyxl's write-only mode (rows go to a
temporary file, not memory), each column with its Excel number format. CSV files are for spreadsheets set to
Spanish: UTF-8 with a byte-order mark, `;` between fields, decimal comma, percentages as percent points.

The attentions CSV streams from a server-side cursor (QuerySet.iterator: 2,000 rows at a time, constant memory,
however long the period): one row per attention with a pseudonym (an HMAC of its id: stable across exports, not
reversible without the server's key) instead of any link to a person, ticket, appointment or agent, and none of
the consented segments (those are reported only as aggregates). Segment filters are therefore not applied to it.
"""

import csv
import hashlib
import hmac
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from attention.models import Attention

from .db import reports_db
from .registry import PERCENT, XLSX_FORMATS, Table, plain
from .selectors.filters import ReportFilters

__all__ = ["attentions_csv", "table_csv", "table_xlsx"]

LIMA = ZoneInfo("America/Lima")
BOM = "\ufeff"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_number(value: Any, kind: str) -> Any:
    value = plain(value, kind)
    if value is None:
        return ""
    if kind == PERCENT:
        value = round(value * 100, 2)
    if isinstance(value, float):
        return f"{value}".replace(".", ",")
    return value


def _headers(table: Table) -> list[str]:
    return [str(c.header) + (" (%)" if c.kind == PERCENT else "") for c in table.columns]


def table_csv(*, table: Table, filters: ReportFilters) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield BOM + writer.writerow(_headers(table))
    for row in table.rows(filters):
        yield writer.writerow([_csv_number(row.get(c.key), c.kind) for c in table.columns])


def table_xlsx(*, table: Table, filters: ReportFilters) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(table.title)[:31].replace(":", " "))
    bold = Font(bold=True)

    def header(text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        return cell

    sheet.append([header(str(table.title))])
    sheet.append([header(_("Period: %(start)s to %(end)s") % {"start": filters.start, "end": filters.end})])
    sheet.append([header(str(c.header)) for c in table.columns])
    for row in table.rows(filters):
        cells = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=plain(row.get(column.key), column.kind))
            cell.number_format = XLSX_FORMATS[column.kind]
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pseudonym(attention_id: int) -> str:
    key = hashlib.sha256(f"reports-pseudonym:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, str(attention_id).encode(), hashlib.sha256).hexdigest()[:16]


def _local(moment) -> str:
    return moment.astimezone(LIMA).isoformat(timespec="seconds") if moment else ""


def _minutes(start, end) -> str:
    if not start or not end:
        return ""
    return f"{(end - start).total_seconds() / 60:.1f}".replace(".", ",")


ATTENTION_HEADERS = (
    "pseudonym",
    "center_code",
    "entity",
    "procedure_code",
    "channel",
    "intent",
    "service_day",
    "issued_at",
    "called_at",
    "started_at",
    "finished_at",
    "wait_minutes",
    "service_minutes",
    "outcome",
)


def attentions_queryset(filters: ReportFilters):
    q = Q(service_day__gte=filters.start, service_day__lte=filters.end)
    if filters.center_ids is not None:
        q &= Q(center_id__in=filters.center_ids)
    for field, value in (
        ("procedure__entity_id", filters.entity_id),
        ("procedure_id", filters.procedure_id),
        ("channel", filters.channel),
        ("intent", filters.intent),
    ):
        if value not in (None, ""):
            q &= Q(**{field: value})
    return (
        Attention.objects.using(reports_db())
        .filter(q)
        .order_by()
        .values_list(
            "pk",
            "center__code",
            "procedure__entity__acronym",
            "procedure__code",
            "channel",
            "intent",
            "service_day",
            "issued_at",
            "called_at",
            "started_at",
            "finished_at",
            "outcome",
        )
    )


def attentions_csv(*, filters: ReportFilters) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield BOM + writer.writerow(ATTENTION_HEADERS)
    batch: list[str] = []
    for (
        pk,
        center,
        entity,
        procedure,
        channel,
        intent,
        day,
        issued,
        called,
        started,
        finished,
        outcome,
    ) in attentions_queryset(filters).iterator(chunk_size=2000):
        batch.append(
            writer.writerow(
                [
                    _pseudonym(pk),
                    center,
                    entity,
                    procedure,
                    channel,
                    intent,
                    day.isoformat(),
                    _local(issued),
                    _local(called),
                    _local(started),
                    _local(finished),
                    _minutes(issued, called),
                    _minutes(started or called, finished),
                    outcome,
                ]
            )
        )
        if len(batch) >= 500:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
