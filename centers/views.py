"""Public pages of the service points, and of the procedures catalog as citizens browse it.

The catalog pages (/tramites/) show where and when each procedure is offered, so they live here and not in
procedures (which never depends on centers); mac_portal/urls.py routes them under the "procedures" namespace.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from procedures import selectors as procedure_selectors
from procedures.forms import ProcedureSearchForm
from procedures.models import Procedure

from . import selectors
from .models import Center, Offering
from .selectors import DayHours, OpeningStatus

CATALOG_PAGE_SIZE = 20


@dataclass(frozen=True)
class CenterRow:
    center: Center
    status: OpeningStatus
    hours: list[DayHours]


def center_rows(centers) -> list[CenterRow]:
    """Each service point (fetched through center_list) with its open-now status and weekly hours."""
    return [
        CenterRow(
            center=center,
            status=selectors.center_status(center=center),
            hours=selectors.weekly_hours(hours=center.center_hours),
        )
        for center in centers
    ]


def center_list(request: HttpRequest) -> HttpResponse:
    return render(request, "centers/center_list.html", {"rows": center_rows(selectors.center_list())})


def center_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        center = selectors.center_get(slug=slug)
    except Center.DoesNotExist as exc:
        raise Http404 from exc
    (row,) = center_rows([center])
    return render(
        request,
        "centers/center_detail.html",
        {
            "row": row,
            "center": center,
            "closed_days": selectors.center_closed_days(center=center),
            "catalog": selectors.center_catalog(center=center),
        },
    )


def procedure_list(request: HttpRequest) -> HttpResponse:
    form = ProcedureSearchForm(
        request.GET or None,
        entities=[(entity.slug, entity.short_name) for entity in procedure_selectors.entity_list()],
        centers=selectors.center_choices(),
    )
    context: dict = {"form": form}
    if form.is_bound and not form.is_valid():
        return render(request, "procedures/procedure_list.html", context, status=400)
    filters = form.filters() if form.is_bound else {}
    queryset = selectors.catalog_procedure_list(filters=filters)  # type: ignore[arg-type]
    page = Paginator(queryset, CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    context |= {"page": page, "filtered": bool(filters), "query": filters.get("q", "")}
    if not page.object_list:
        context["most_demanded"] = procedure_selectors.procedure_most_demanded(limit=6)
    return render(request, "procedures/procedure_list.html", context)


@dataclass(frozen=True)
class OfferingRow:
    offering: Offering
    status: OpeningStatus
    hours: list[DayHours]


def procedure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        procedure = procedure_selectors.procedure_get(slug=slug)
    except Procedure.DoesNotExist as exc:
        raise Http404 from exc
    offerings = [
        OfferingRow(
            offering=offering,
            status=selectors.offering_status(offering=offering),
            hours=selectors.offering_weekly_hours(offering=offering),
        )
        for offering in selectors.offering_list_for_procedure(procedure_id=procedure.pk)
    ]
    return render(
        request,
        "procedures/procedure_detail.html",
        {
            "procedure": procedure,
            "requirements": list(procedure.requirements.all()),
            "offerings": offerings,
            "can_book": procedure.is_bookable,
        },
    )
