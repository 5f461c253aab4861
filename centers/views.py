from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import Center


def center_list(request: HttpRequest) -> HttpResponse:
    return render(request, "centers/center_list.html", {"centers": selectors.center_list()})


def center_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        center = selectors.center_get(slug=slug)
    except Center.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "centers/center_detail.html", {"center": center})
