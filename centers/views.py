"""Public pages of the service points: the list with open-now status, and one service point's page."""

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import Center
from .selectors import DayHours, OpeningStatus


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
