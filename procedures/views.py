"""Public pages of the procedures catalog: search with filters, and one procedure's page.

The pages compose the catalog with where-and-when information, so they read the centers selectors
too (a page is a wiring point; the procedures models and selectors never import centers).
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from centers import selectors as center_selectors
from centers.models import Offering
from centers.selectors import DayHours, OpeningStatus

from . import selectors
from .constants import AppointmentPolicy
from .forms import ProcedureSearchForm
from .models import Procedure

PAGE_SIZE = 20


def procedure_list(request: HttpRequest) -> HttpResponse:
    form = ProcedureSearchForm(
        request.GET or None,
        entities=[(entity.slug, entity.short_name) for entity in selectors.entity_list()],
        centers=center_selectors.center_choices(),
    )
    context: dict = {"form": form}
    if form.is_bound and not form.is_valid():
        return render(request, "procedures/procedure_list.html", context, status=400)
    filters = form.filters() if form.is_bound else {}
    page = Paginator(selectors.procedure_list(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context |= {"page": page, "filtered": bool(filters), "query": filters.get("q", "")}
    if not page.object_list:
        context["most_demanded"] = selectors.procedure_most_demanded(limit=6)
    return render(request, "procedures/procedure_list.html", context)


@dataclass(frozen=True)
class OfferingRow:
    offering: Offering
    status: OpeningStatus
    hours: list[DayHours]


def procedure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        procedure = selectors.procedure_get(slug=slug)
    except Procedure.DoesNotExist as exc:
        raise Http404 from exc
    offerings = [
        OfferingRow(
            offering=offering,
            status=center_selectors.offering_status(offering=offering),
            hours=center_selectors.offering_weekly_hours(offering=offering),
        )
        for offering in center_selectors.offering_list_for_procedure(procedure_id=procedure.pk)
    ]
    return render(
        request,
        "procedures/procedure_detail.html",
        {
            "procedure": procedure,
            "requirements": list(procedure.requirements.all()),
            "offerings": offerings,
            "can_book": procedure.appointment_policy != AppointmentPolicy.WALK_IN,
        },
    )
