"""Citizen pages of the complaints book: /reclamos/ (file), /reclamos/presentado/<code>/ (the tracking code, for the
browser that filed), /reclamos/consulta/ (status by tracking code and document number). Thin: a form, one service
call, a template; rate limited with the shared limiter."""

import math

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from appointments.validators import code_normalize
from common.errors import DomainError
from common.http import with_error_headers
from common.ratelimit import rate_limit

from . import selectors, services
from .errors import InvalidComplaint
from .forms import ComplaintForm, LookupForm

FILED_SESSION_KEY = "complaints_filed"
FILED_SECONDS = 60 * 60


def _error_context(error: DomainError | None) -> dict:
    return {
        "error": error.message if error else "",
        "retry_minutes": math.ceil(error.retry_after / 60) if error and error.retry_after else 0,
    }


def _file_render(request: HttpRequest, form: ComplaintForm, *, error: DomainError | None = None, status: int = 200):
    response = render(
        request,
        "complaints/file.html",
        {"form": form, **_error_context(error)},
        status=error.status if error else status,
    )
    return with_error_headers(response, error) if error else response


def _file_rate_limited(request: HttpRequest, error: DomainError) -> HttpResponse:
    # The citizen's text comes back in the form: nothing typed is lost (only the file must be attached again).
    return _file_render(request, ComplaintForm(request.POST), error=error)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("complaint", on_limit=_file_rate_limited)
def complaint_new(request: HttpRequest) -> HttpResponse:
    """The filing form; a valid POST files the complaint and answers 303 to its tracking code."""
    if request.method != "POST":
        return _file_render(request, ComplaintForm())
    form = ComplaintForm(request.POST, request.FILES)
    if not form.is_valid():
        return _file_render(request, form, status=400)
    try:
        complaint = services.complaint_file(data=form.complaint_input(), upload=form.cleaned_data.get("attachment"))
    except InvalidComplaint as error:
        form.add_service_errors(error.field_errors)
        return _file_render(request, form, status=400)
    now = timezone.now().timestamp()
    filed = {
        code: expiry
        for code, expiry in request.session.get(FILED_SESSION_KEY, {}).items()
        if isinstance(expiry, (int, float)) and expiry > now
    }
    filed[complaint.code] = now + FILED_SECONDS
    request.session[FILED_SESSION_KEY] = filed
    return HttpResponseRedirect(reverse("complaints:filed", kwargs={"code": complaint.code}), status=303)


@never_cache
@require_http_methods(["GET", "HEAD"])
def complaint_filed(request: HttpRequest, code: str) -> HttpResponse:
    """The tracking code and deadline, only for the browser that filed (else the status look-up form)."""
    code = code_normalize(code)
    expiry = request.session.get(FILED_SESSION_KEY, {}).get(code) if code else None
    complaint = selectors.complaint_by_code(code=code) if expiry else None
    if complaint is None or expiry <= timezone.now().timestamp():
        return HttpResponseRedirect(reverse("complaints:lookup"))
    return render(request, "complaints/filed.html", {"complaint": complaint})


def _lookup_render(request: HttpRequest, form: LookupForm, *, error: DomainError | None = None, status: int = 200):
    response = render(
        request,
        "complaints/lookup.html",
        {"form": form, **_error_context(error)},
        status=error.status if error else status,
    )
    return with_error_headers(response, error) if error else response


def _lookup_rate_limited(request: HttpRequest, error: DomainError) -> HttpResponse:
    return _lookup_render(request, LookupForm(request.POST), error=error)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("lookup", on_limit=_lookup_rate_limited)
def complaint_lookup(request: HttpRequest) -> HttpResponse:
    """Tracking code + document number → the complaint's status (one answer for an unknown code and a wrong
    document; the code is locked after repeated wrong documents)."""
    if request.method != "POST":
        return _lookup_render(request, LookupForm())
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _lookup_render(request, form, status=400)
    try:
        complaint = services.complaint_authenticate(
            code=form.cleaned_data["code"], document_number=form.cleaned_data["document_number"]
        )
    except DomainError as error:
        return _lookup_render(request, form, error=error)
    return render(
        request,
        "complaints/status.html",
        {"complaint": complaint, "overdue": selectors.complaint_is_overdue(complaint=complaint)},
    )
