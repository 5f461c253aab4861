"""Public pages of the service points, and of the procedures catalog as citizens browse it.

The catalog pages (/tramites/) show where and when each procedure is offered, so they live here and not in
procedures (which never depends on centers); mac_portal/urls.py routes them under the "procedures" namespace.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.gzip import gzip_page

from common.hooks import page_snippets
from common.pagecache import CSRF_PLACEHOLDER, cached_page
from procedures import selectors as procedure_selectors
from procedures.forms import ProcedureSearchForm
from procedures.models import Procedure
from procedures.services import CATALOG_CACHE

from . import selectors
from .models import Center, Offering
from .selectors import DayHours, OpeningStatus
from .signals import center_page

CATALOG_PAGE_SIZE = 20
# Compression (gzip_page) only on the catalog pages: the same for everyone, no personal data, and the one secret in
# them, the language form's CSRF token, is masked afresh on every response (Django's BREACH mitigation). The
# booking and appointment pages (/citas/: personal data, draft tokens) are left uncompressed here; they are small.
# Catalog pages are the same for every visitor: served from the cache (common.pagecache.cached_page), keyed by the
# catalog version that any catalog change bumps on commit (procedures.services.catalog_changed); the pages that say
# "open now" also by the minute.
CATALOG = {"namespace": CATALOG_CACHE}
PLACEHOLDER = {"csrf_token": CSRF_PLACEHOLDER}


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


def _center_list_page(request: HttpRequest) -> HttpResponse:
    return render(request, "centers/center_list.html", {"rows": center_rows(selectors.center_list())} | PLACEHOLDER)


@gzip_page
def center_list(request: HttpRequest) -> HttpResponse:
    return cached_page(request, build=_center_list_page, per_minute=True, **CATALOG)


def _center_detail_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        center = selectors.center_get(slug=slug)
    except Center.DoesNotExist as exc:
        raise Http404 from exc
    (row,) = center_rows([center])
    catalog = selectors.center_catalog(center=center)
    context = {
        "row": row,
        "center": center,
        "closed_days": selectors.center_closed_days(center=center),
        "catalog": catalog,
        "bookable": [p for _entity, procedures in catalog.procedures_by_entity for p in procedures if p.is_bookable],
        "actions": page_snippets(center_page, sender=Center, center=center),
    }
    return render(request, "centers/center_page.html", context | PLACEHOLDER)


@gzip_page
def center_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return cached_page(request, build=lambda req: _center_detail_page(req, slug), per_minute=True, **CATALOG)


def entity_label(entity) -> str:
    """An entity as citizens recognise it: the name, with the acronym they also know it by."""
    return f"{entity.name} ({entity.acronym})" if entity.acronym else entity.name


def _procedure_list_page(request: HttpRequest) -> HttpResponse:
    form = ProcedureSearchForm(
        request.GET or None,
        entities=[(entity.slug, entity_label(entity)) for entity in procedure_selectors.entity_list()],
        centers=selectors.center_choices(),
    )
    context: dict = {"form": form} | PLACEHOLDER
    if form.is_bound and not form.is_valid():
        return render(request, "procedures/procedure_list.html", context, status=400)
    filters = form.filters() if form.is_bound else {}
    queryset = selectors.catalog_procedure_list(filters=filters)  # type: ignore[arg-type]
    page = Paginator(queryset, CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    context |= {"page": page, "filtered": bool(filters), "query": filters.get("q", "")}
    if not page.object_list:
        context["most_demanded"] = procedure_selectors.procedure_most_demanded(limit=6)
    return render(request, "procedures/procedure_list.html", context)


@gzip_page
def procedure_list(request: HttpRequest) -> HttpResponse:
    return cached_page(request, build=_procedure_list_page, **CATALOG)


@dataclass(frozen=True)
class OfferingRow:
    offering: Offering
    status: OpeningStatus
    hours: list[DayHours]


def offering_rows(offerings) -> list[OfferingRow]:
    """Each offering (fetched through offering_list_for_procedure) with its open-now status and weekly hours."""
    return [
        OfferingRow(
            offering=offering,
            status=selectors.offering_status(offering=offering),
            hours=selectors.offering_weekly_hours(offering=offering),
        )
        for offering in offerings
    ]


@gzip_page
def procedure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return cached_page(request, build=lambda req: _procedure_detail_page(req, slug), per_minute=True, **CATALOG)


def _procedure_detail_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        procedure = procedure_selectors.procedure_get(slug=slug)
    except Procedure.DoesNotExist as exc:
        raise Http404 from exc
    offerings = offering_rows(selectors.offering_list_for_procedure(procedure_id=procedure.pk))
    return render(
        request,
        "procedures/procedure_detail.html",
        {
            "procedure": procedure,
            "requirements": list(procedure.requirements.all()),
            "offerings": offerings,
            "can_book": procedure.is_bookable,
        }
        | PLACEHOLDER,
    )
