"""Self-service (/citas/gestionar/): find an appointment by code and document number, see, cancel, reschedule."""

import math

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from common.errors import DomainError
from common.http import with_error_headers
from common.ratelimit import rate_limit

from .. import documents, formatting, links, selectors, services
from ..errors import BookingError
from ..forms import CancelForm, LookupForm
from ..models import Appointment
from ..validators import code_display, code_normalize
from .access import access_grant, appointment_access_required, appointment_context
from .wizard import BookingPath, Links, path_resolve, step_context


def _lookup_render(
    request: HttpRequest, form: LookupForm, *, error: DomainError | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "error": error.message if error else "",
        "retry_minutes": math.ceil(error.retry_after / 60) if error else 0,
    }
    response = render(request, "appointments/manage/lookup.html", context, status=error.status if error else status)
    return with_error_headers(response, error) if error else response


def _lookup_rate_limited(request: HttpRequest, error: DomainError) -> HttpResponse:
    return _lookup_render(request, LookupForm(request.POST), error=error)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("lookup", on_limit=_lookup_rate_limited)
def manage_lookup(request: HttpRequest) -> HttpResponse:
    """Code + document number → the appointment (rate limited; one answer for unknown code and wrong document)."""
    if request.method != "POST":
        raw = request.GET.get("codigo", "")[:30]
        return _lookup_render(request, LookupForm(initial={"code": code_display(code_normalize(raw)) or raw}))
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _lookup_render(request, form, status=400)
    try:
        appointment = services.appointment_authenticate(
            code=form.cleaned_data["code"], document_number=form.cleaned_data["document_number"]
        )
    except DomainError as error:  # NotFound, or CodeLocked after too many wrong documents for this code
        return _lookup_render(request, form, error=error)
    return _granted_redirect(request, appointment)


def _granted_redirect(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    access_grant(request, appointment_id=appointment.pk, code=appointment.code)
    return HttpResponseRedirect(reverse("appointments:manage_detail", kwargs={"code": appointment.code}), status=303)


@never_cache
@require_http_methods(["GET", "HEAD"])
@rate_limit("lookup", methods=("GET", "HEAD"))
def manage_link(request: HttpRequest) -> HttpResponse:
    """The signed link of the appointment's messages (?t=…): opens it without the document number, even while its
    code's look-up is locked; an invalid or expired link shows the look-up form."""
    appointment = links.appointment_from_token(token=request.GET.get("t", ""))
    if appointment is None:
        messages.info(request, _("That link is not valid any more. Enter your booking code and document number."))
        return redirect("appointments:manage")
    return _granted_redirect(request, appointment)


@never_cache
@require_http_methods(["GET", "HEAD"])
@appointment_access_required
def manage_detail(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    context = appointment_context(appointment)
    if context["is_active"]:
        context["qr_svg"] = mark_safe(documents.appointment_qr_svg(appointment=appointment, scale=5))
    return render(request, "appointments/manage/detail.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@appointment_access_required
def manage_cancel(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    """A confirmation step with an optional reason; the POST cancels (the slot is free at once)."""
    context = appointment_context(appointment)
    if not context["is_active"]:
        messages.info(request, _("This appointment is no longer active."))
        return redirect("appointments:manage_detail", code=appointment.code)
    form = CancelForm(request.POST if request.method == "POST" else None)
    status, error = 200, ""
    if form.is_bound:
        if form.is_valid():
            try:
                services.appointment_cancel(appointment=appointment, reason=form.cleaned_data["reason"])
            except BookingError as exc:
                error, status = exc.message, exc.status
            else:
                messages.success(
                    request, _("Your appointment has been cancelled. Its time is free for other citizens.")
                )
                return HttpResponseRedirect(
                    reverse("appointments:manage_detail", kwargs={"code": appointment.code}), status=303
                )
        else:
            status = 400
    return render(request, "appointments/manage/cancel.html", context | {"form": form, "error": error}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("book")
@appointment_access_required
def manage_reschedule(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    """The same center/day/time pickers for the appointment's procedure; the time's POST moves it atomically."""
    context = appointment_context(appointment)
    if not (context["is_active"] and context["is_future"]):
        messages.info(request, _("This appointment can no longer be changed."))
        return redirect("appointments:manage_detail", code=appointment.code)
    posted = request.method == "POST"
    data = request.POST if posted else request.GET
    links = Links(base=reverse("appointments:reschedule", kwargs={"code": appointment.code}))
    path = path_resolve(data, procedure=appointment.procedure, want_slot=posted, allow_full=True)
    if posted and path.step == "details":
        try:
            moved = services.appointment_reschedule(appointment=appointment, slot_id=path.slot.slot_id)
        except BookingError as exc:
            path.slots = selectors.slots_of_day(
                procedure_id=appointment.procedure_id, center_id=path.center.pk, day=path.day
            )
            path.slot = None
            path.fail("slot", str(exc.message), exc.status)
            return with_error_headers(_reschedule_render(request, appointment, path, links, context), exc)
        else:
            messages.success(
                request,
                _("Done: your appointment is now on %(when)s.")
                % {"when": formatting.when_display(moved.slot.starts_at)},
            )
            return HttpResponseRedirect(
                reverse("appointments:manage_detail", kwargs={"code": appointment.code}), status=303
            )
    return _reschedule_render(request, appointment, path, links, context)


def _reschedule_render(request, appointment, path: BookingPath, links: Links, context: dict) -> HttpResponse:
    context = (
        context
        | step_context(path, links, slot_action=links.base, slot_method="post", current_center=appointment.center.slug)
        | {"slot_submit": _("Move my appointment to this time")}
    )
    return render(request, "appointments/manage/reschedule.html", context, status=path.status)
