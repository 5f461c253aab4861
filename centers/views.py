"""Public pages of the service points, and of the procedures catalog as citizens browse it.

The catalog pages (/tramites/) show where and when each procedure is offered, so they live here and not in
procedures (which never depends on centers); mac_portal/urls.py routes them under the "procedures" namespace.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.gzip import gzip_page

from common.cache import namespace_key
from procedures import selectors as procedure_selectors
from procedures.forms import ProcedureSearchForm
from procedures.models import Procedure
from procedures.services import CATALOG_CACHE

from . import selectors
from .models import Center, Offering
from .selectors import DayHours, OpeningStatus

CATALOG_PAGE_SIZE = 20
# Compression (gzip_page) only on the catalog pages: the same for everyone, no personal data, and the one secret in
# them, the language form's CSRF token, is masked afresh on every response (Django's BREACH mitigation). The
# booking and appointment pages (/citas/: personal data, draft tokens) are left uncompressed here; they are small.
CATALOG_PARAMS = ("q", "entity", "center", "channel", "intent", "page")
CATALOG_CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class CachedContent:
    """A page's rendered content (what goes inside <main>), its HTTP status and what its title needs."""

    html: str
    status: int = 200
    title: str = ""


def cached_content(
    request: HttpRequest,
    name: str,
    build: Callable[[HttpRequest], CachedContent],
    *,
    params: Sequence[str] = (),
    per_minute: bool = False,
    extra: Sequence[str] = (),
) -> CachedContent:
    """The page content for this language and these query parameters from the cache (Redis in production), else
    built and stored. Keys carry the catalog version, which any catalog change bumps (procedures.services.
    catalog_changed): a page is never served stale after an edit. `per_minute` for content that shows "open now".
    The content never holds anything personal or per-visitor (no CSRF token: forms there are GETs)."""
    parts = [name, get_language() or "", *extra, *(f"{key}={request.GET.get(key, '')[:200]}" for key in params)]
    if per_minute:
        parts.append(f"{timezone.now():%Y%m%d%H%M}")
    key = namespace_key(CATALOG_CACHE, *parts)
    content = cache.get(key)
    if not isinstance(content, CachedContent):
        content = build(request)
        cache.set(key, content, CATALOG_CACHE_SECONDS)
    return content


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


@gzip_page
def center_list(request: HttpRequest) -> HttpResponse:
    return render(request, "centers/center_list.html", {"rows": center_rows(selectors.center_list())})


def _center_detail_content(request: HttpRequest, slug: str) -> CachedContent:
    try:
        center = selectors.center_get(slug=slug)
    except Center.DoesNotExist:
        return CachedContent(html="", status=404)
    (row,) = center_rows([center])
    catalog = selectors.center_catalog(center=center)
    context = {
        "row": row,
        "center": center,
        "closed_days": selectors.center_closed_days(center=center),
        "catalog": catalog,
        "bookable": [p for _entity, procedures in catalog.procedures_by_entity for p in procedures if p.is_bookable],
    }
    return CachedContent(html=render_to_string("centers/center_detail.html", context, request), title=center.name)


@gzip_page
def center_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A service point's page, cached per minute (it says whether it is open now) and catalog version."""
    content = cached_content(
        request, "center-detail", lambda req: _center_detail_content(req, slug), per_minute=True, extra=[slug]
    )
    if content.status == 404:
        raise Http404
    return render(request, "centers/center_page.html", {"content": content.html, "title": content.title})


def entity_label(entity) -> str:
    """An entity as citizens recognise it: the name, with the acronym they also know it by."""
    return f"{entity.name} ({entity.acronym})" if entity.acronym else entity.name


def _procedure_list_content(request: HttpRequest) -> CachedContent:
    form = ProcedureSearchForm(
        request.GET or None,
        entities=[(entity.slug, entity_label(entity)) for entity in procedure_selectors.entity_list()],
        centers=selectors.center_choices(),
    )
    context: dict = {"form": form}
    if form.is_bound and not form.is_valid():
        html = render_to_string("procedures/includes/procedure_list_content.html", context, request)
        return CachedContent(html=html, status=400)
    filters = form.filters() if form.is_bound else {}
    queryset = selectors.catalog_procedure_list(filters=filters)  # type: ignore[arg-type]
    page = Paginator(queryset, CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    context |= {"page": page, "filtered": bool(filters), "query": filters.get("q", "")}
    if not page.object_list:
        context["most_demanded"] = procedure_selectors.procedure_most_demanded(limit=6)
    html = render_to_string("procedures/includes/procedure_list_content.html", context, request)
    return CachedContent(html=html, title=filters.get("q", ""))


@gzip_page
def procedure_list(request: HttpRequest) -> HttpResponse:
    """The catalog search: the same for every visitor, so its content is rendered once per query and catalog
    version (cached_content); the frame around it (header with the language form, footer) per request."""
    content = cached_content(request, "procedure-list", _procedure_list_content, params=CATALOG_PARAMS)
    context = {"content": content.html, "query": content.title}
    return render(request, "procedures/procedure_list.html", context, status=content.status)


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
        },
    )
