from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import Procedure


def procedure_list(request: HttpRequest) -> HttpResponse:
    return render(request, "procedures/procedure_list.html", {"procedures": selectors.procedure_list()[:20]})


def procedure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        procedure = selectors.procedure_get(slug=slug)
    except Procedure.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "procedures/procedure_detail.html", {"procedure": procedure})
