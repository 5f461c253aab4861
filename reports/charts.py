"""Server-rendered SVG bar charts (no script, no CDN; the same markup on the page and in the PDF).

Each chart is a picture (`role="img"`) labelled by its table's caption; the table right under it holds the
same figures for screen readers and for copying.
"""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .registry import Table, display

MAX_BARS = 24
PALETTE = ("#0b5cad", "#b3541e", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457")


def bar_chart(*, table: Table, rows: list[dict], labelled_by: str) -> SafeString:
    chart = table.chart
    if chart is None:
        return mark_safe("")
    kinds = {column.key: column.kind for column in table.columns}
    bars = [row for row in rows if row.get(chart.value) is not None][:MAX_BARS]
    if not bars:
        return mark_safe("")
    series = sorted({str(row.get(chart.series, "")) for row in bars}) if chart.series else [""]
    top = max(float(row[chart.value]) for row in bars) or 1.0
    label_width, bar_width, height = 260, 320, 22
    parts = []
    for i, row in enumerate(bars):
        y = i * height + 4
        value = float(row[chart.value])
        length = max(value / top * bar_width, 1.0)
        label = display(row.get(chart.label), kinds.get(chart.label, "text"))
        if chart.series:
            label = f"{label} · {row.get(chart.series, '')}"
        colour = PALETTE[series.index(str(row.get(chart.series, ""))) % len(PALETTE)] if chart.series else PALETTE[0]
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="12">{}</text>',
                label_width - 6,
                y + 14,
                label[:42],
                label_width,
                y + 2,
                f"{length:.1f}",
                height - 6,
                colour,
                f"{label_width + length + 4:.1f}",
                y + 14,
                display(row[chart.value], kinds.get(chart.value, "int")),
            )
        )
    total_height = len(bars) * height + 8
    return format_html(
        '<svg class="report-chart" role="img" aria-labelledby="{}" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, sans-serif">'
        "{}</svg>",
        labelled_by,
        label_width + bar_width + 90,
        total_height,
        mark_safe("".join(parts)),
    )


__all__ = ["bar_chart", "escape"]
