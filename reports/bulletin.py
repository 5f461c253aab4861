"""The yearly bulletin of a center, in the spirit of the SGP's "Boletín anual": the registered tables it lists
(volumes by entity and channel, top procedures, waits against standards, companies formed, and satisfaction and
complaints once those apps register their tables), each with its chart, as a printable page and a PDF.

The PDF is drawn by WeasyPrint from the same HTML (no browser), with the vendored DejaVu fonts embedded."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .charts import bar_chart
from .registry import TABLES, Table, display
from .selectors import ReportFilters

__all__ = ["BULLETIN_TABLES", "bulletin_context", "bulletin_pdf"]

# (table slug, rows shown (0: all), sort key or "") — tables not registered (yet) are left out.
BULLETIN_TABLES: tuple[tuple[str, int, str], ...] = (
    ("entities", 0, ""),
    ("channels", 0, ""),
    ("procedures", 10, ""),
    ("waits-procedure", 10, "served"),
    ("companies", 0, ""),
    ("appointments", 0, ""),
    ("satisfaction", 0, ""),
    ("complaints", 0, ""),
)


@dataclass
class BulletinSection:
    table: Table
    headers: list[Any]
    cells: list[list[tuple[str, bool]]]  # (text, is a number)
    chart: str


def bulletin_context(*, center, year: int) -> dict:
    filters = ReportFilters(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), center_ids=[center.pk])
    sections = []
    totals = TABLES["centers"].rows(filters)
    for slug, limit, sort in BULLETIN_TABLES:
        table = TABLES.get(slug)
        if table is None:
            continue
        rows = table.rows(filters)
        if sort:
            rows = sorted(rows, key=lambda row: row.get(sort) or 0, reverse=True)
        if limit:
            rows = rows[:limit]
        sections.append(
            BulletinSection(
                table=table,
                headers=[c.header for c in table.columns],
                cells=[[(display(row.get(c.key), c.kind), c.kind != "text") for c in table.columns] for row in rows],
                chart=bar_chart(table=table, rows=rows, labelled_by=f"caption-{table.slug}"),
            )
        )
    summary = totals[0] if totals else None
    summary_display = (
        {key: display(value, "int") for key, value in summary.items() if key != "center"} if summary else {}
    )
    return {
        "center": center,
        "year": year,
        "summary": summary,
        "summary_display": summary_display,
        "sections": sections,
    }


def bulletin_pdf(*, context: dict) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("reports/bulletin.html", {**context, "for_pdf": True})
    stylesheet = finders.find("reports/bulletin.css")
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=stylesheet)])
