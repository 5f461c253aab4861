"""The analysts' pages: /reportes/ (filters, every table with its chart) and its CSV/XLSX exports.

Only staff holding `reports.view_indicators` who passed two-step verification: analysts and administrators read
every center, supervisors their own; anyone else 403 (anonymous visitors go to the staff login). A center outside
the reader's scope is not offered and, when asked for, refused as an invalid choice.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from common.http import with_error_headers

from .charts import bar_chart
from .db import reports_db
from .errors import ReportsUnavailable
from .exports import attentions_csv, table_csv, table_xlsx
from .forms import ReportFilterForm
from .registry import TABLES, display, table_get
from .selectors import report_center_ids, report_sees_all

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _NeedsLogin(Exception):
    pass


def _scope(request: HttpRequest) -> list[int]:
    user = request.user
    if not user.is_authenticated:
        raise _NeedsLogin
    center_ids = report_center_ids(user=user)
    if not center_ids:
        raise PermissionDenied
    if not getattr(user, "is_verified", lambda: False)():
        raise _NeedsLogin
    return center_ids


def _guarded(view):
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            center_ids = _scope(request)
        except _NeedsLogin:
            if request.user.is_authenticated:  # the admin sends them through two-step verification
                return HttpResponseRedirect(reverse("admin:index"))
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        try:
            reports_db()  # before any page is drawn or export streamed: not a 200 that stops after its header line
        except ReportsUnavailable as exc:
            context = {"form": _form(request, center_ids), "sections": [], "unavailable": exc.message}
            return with_error_headers(render(request, "reports/index.html", context, status=exc.status), exc)
        return view(request, center_ids, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _form(request: HttpRequest, center_ids: list[int]) -> ReportFilterForm:
    return ReportFilterForm(request.GET, center_ids=center_ids)


def _render_table(table, rows):
    kinds = [column.kind for column in table.columns]
    return [[display(row.get(column.key), column.kind) for column in table.columns] for row in rows], kinds


@_guarded
def index(request: HttpRequest, center_ids: list[int]) -> HttpResponse:
    form = _form(request, center_ids)
    sections = []
    status = 200
    if form.is_valid():
        filters = form.filters(sees_all=report_sees_all(user=request.user))
        query = request.GET.urlencode()
        for table in TABLES.values():
            rows = table.rows(filters)
            cells, kinds = _render_table(table, rows)
            sections.append(
                {
                    "table": table,
                    "cells": cells,
                    "numeric": [kind != "text" for kind in kinds],
                    "chart": bar_chart(table=table, rows=rows, labelled_by=f"caption-{table.slug}"),
                    "ignored": table.ignored_filters(filters),
                    "suppressed": any(row.get("suppressed") for row in rows),
                    "csv": f"{reverse('reports:export', args=[table.slug, 'csv'])}?{query}",
                    "xlsx": f"{reverse('reports:export', args=[table.slug, 'xlsx'])}?{query}",
                }
            )
        attentions_link = f"{reverse('reports:attentions_csv')}?{query}"
        bulletins = _bulletin_links(center_ids, filters.end.year)
    else:
        status = 400
        attentions_link = ""
        bulletins = []
    return render(
        request,
        "reports/index.html",
        {
            "form": form,
            "sections": sections,
            "attentions_link": attentions_link,
            "bulletins": bulletins,
            "bulletin_year": form.cleaned_data["end"].year if form.is_valid() else None,
            "min_cell": _min_cell(),
        },
        status=status,
    )


def _bulletin_links(center_ids: list[int], year: int) -> list[tuple[str, str]]:
    from centers.constants import Channel
    from centers.models import Center

    centers = Center.objects.filter(pk__in=center_ids, channel=Channel.IN_PERSON).order_by("name")
    return [(center.name, reverse("reports:bulletin", args=[center.slug, year])) for center in centers]


def _min_cell() -> int:
    from django.conf import settings

    return settings.REPORTS_MIN_CELL_SIZE


def _bad_filters(request: HttpRequest, form: ReportFilterForm) -> HttpResponse:
    return render(request, "reports/index.html", {"form": form, "sections": []}, status=400)


@_guarded
def export(request: HttpRequest, center_ids: list[int], slug: str, fmt: str) -> HttpResponse:
    try:
        table = table_get(slug)
    except Exception as exc:
        from django.http import Http404

        raise Http404 from exc
    form = _form(request, center_ids)
    if not form.is_valid():
        return _bad_filters(request, form)
    filters = form.filters(sees_all=report_sees_all(user=request.user))
    name = f"{slug}_{filters.start}_{filters.end}"
    if fmt == "xlsx":
        response = HttpResponse(table_xlsx(table=table, filters=filters), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = StreamingHttpResponse(table_csv(table=table, filters=filters), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@_guarded
def attentions_export(request: HttpRequest, center_ids: list[int]) -> HttpResponse:
    """The pseudonymised attentions of the period and filters, streamed."""
    form = _form(request, center_ids)
    if not form.is_valid():
        return _bad_filters(request, form)
    filters = form.filters(sees_all=report_sees_all(user=request.user))
    response = StreamingHttpResponse(attentions_csv(filters=filters), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="atenciones_{filters.start}_{filters.end}.csv"'
    return response


def _bulletin_center(center_ids: list[int], slug: str, year: int):
    from django.http import Http404

    from centers.models import Center

    center = Center.objects.filter(slug=slug, pk__in=center_ids).first()
    if center is None or not 2000 <= year <= 2100:
        raise Http404  # unknown, or another center's: the same answer
    return center


@_guarded
def bulletin(request: HttpRequest, center_ids: list[int], center: str, year: int) -> HttpResponse:
    """The yearly bulletin of a center, printable."""
    from .bulletin import bulletin_context

    place = _bulletin_center(center_ids, center, year)
    context = bulletin_context(center=place, year=year)
    context["pdf_url"] = reverse("reports:bulletin_pdf", args=[place.slug, year])
    return render(request, "reports/bulletin.html", context)


@_guarded
def bulletin_pdf(request: HttpRequest, center_ids: list[int], center: str, year: int) -> HttpResponse:
    """The same bulletin as a PDF (WeasyPrint, fonts embedded)."""
    from .bulletin import bulletin_context
    from .bulletin import bulletin_pdf as draw

    place = _bulletin_center(center_ids, center, year)
    response = HttpResponse(draw(context=bulletin_context(center=place, year=year)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="boletin_{place.slug}_{year}.pdf"'
    return response


__all__ = ["attentions_export", "bulletin", "bulletin_pdf", "export", "index", "_"]
