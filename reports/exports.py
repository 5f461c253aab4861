"""CSV and XLSX of every registered table, and the pseudonymised CSV of the underlying attentions.

Tables are small (aggregates): CSV is written row by row, XLSX with openpyxl's write-only mode (rows go to a
temporary file, not memory), each column with its Excel number format. CSV files are for spreadsheets set to
Spanish: UTF-8 with a byte-order mark, `;` between fields, decimal comma, percentages as percent points.

The attentions CSV streams from a server-side cursor (5,000 rows at a time, constant memory, however long the
period; PostgreSQL formats every value): one row per attention with a pseudonym (a keyed SHA-256 of its id:
stable across exports, not reversible without the server's key) instead of any link to a person, ticket,
appointment or agent, and none of the consented segments (those are reported only as aggregates). Segment
filters are therefore not applied to it. It stays a streamed response rather than a Celery job that stores a
file and e-mails a link: streaming needs no file storage holding personal data and starts at once; a center-year
(1.2 million rows) is one download (see benchmarks/reports.py).
"""

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .db import reports_db
from .registry import PERCENT, XLSX_FORMATS, Table, plain
from .selectors.filters import ReportFilters

__all__ = ["attentions_csv", "table_csv", "table_xlsx"]

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
    sheet = workbook.create_sheet(title=re.sub(r"[\\/*?:\[\]]", " ", str(table.title))[:31])
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


# Times as Lima wall-clock with its offset (America/Lima has kept UTC-05:00, without summer time, since 1994).
_LIMA_TIME = "to_char({} AT TIME ZONE 'America/Lima', 'YYYY-MM-DD\"T\"HH24:MI:SS') || '-05:00'"
_MINUTES = "replace(to_char(round((date_part('epoch', {} - {}) / 60)::numeric, 1), 'FM9999990.0'), '.', ',')"
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


def attentions_sql(filters: ReportFilters) -> tuple[str, list[Any]]:
    """The export's query: every column already text (formatted by PostgreSQL, not row by row in Python); the
    pseudonym is a SHA-256 of a key derived from SECRET_KEY and the attention's id (stable across exports, not
    reversible without the key), cut to 16 hex digits."""
    from .selectors.indicators import where_clause

    where, params = where_clause(
        start=filters.start,
        end=filters.end,
        center_ids=filters.center_ids,
        entity_id=filters.entity_id,
        procedure_id=filters.procedure_id,
        channel=filters.channel,
        intent=filters.intent,
    )
    key = hashlib.sha256(f"reports-pseudonym:{settings.SECRET_KEY}".encode()).hexdigest()
    times = [_LIMA_TIME.format(f"a.{name}") for name in ("issued_at", "called_at", "started_at", "finished_at")]
    sql = f"""
        SELECT left(encode(sha256(convert_to(%s || ':' || a.id::text, 'UTF8')), 'hex'), 16), c.code, e.acronym,
               p.code, a.channel, a.intent, to_char(a.service_day, 'YYYY-MM-DD'), {", ".join(times)},
               {_MINUTES.format("a.called_at", "a.issued_at")},
               {_MINUTES.format("a.finished_at", "COALESCE(a.started_at, a.called_at)")}, a.outcome
        FROM attention_attention a JOIN procedures_procedure p ON p.id = a.procedure_id
        JOIN procedures_entity e ON e.id = p.entity_id JOIN centers_center c ON c.id = a.center_id
        WHERE {where}
    """
    return sql, [key, *params]


def attentions_csv(*, filters: ReportFilters, chunk: int = 5000) -> Iterator[str]:
    """The pseudonymised attentions, streamed from a server-side cursor `chunk` rows at a time."""
    connection = connections[reports_db()]  # refused (ReportsUnavailable) before the first byte, not after it
    sql, params = attentions_sql(filters)
    writer = csv.writer(_Echo(), delimiter=";")
    yield BOM + writer.writerow(ATTENTION_HEADERS)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield "".join(writer.writerow(["" if value is None else value for value in row]) for row in rows)
