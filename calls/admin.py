"""The phone operator's screen, a custom admin view (the in-person screens' pattern: attention.admin.screens), and
the read-only list of calls. Only phone operators of a line (and administrators) reach them; a foreign line
answers 404, any other role 403. The screen shows no counter's data: only the catalog and the caller's own
appointment once its code and document number match."""

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from appointments import selectors as booking
from appointments.constants import CONSENT_VERSION
from appointments.forms import CancelForm, LookupForm
from appointments.models import Appointment
from attention.admin.screens import ScreenAdmin
from centers.admin import ReadOnlyScopedAdmin
from common.errors import DomainError, NotFound

from . import selectors, services
from .constants import CallOutcome
from .forms import CallLogForm, PhoneBookingForm, RescheduleForm
from .models import Call, OperatorScreen

SESSION_APPOINTMENT = "calls.appointment"  # {"call": id, "appointment": id}: the caller's checked appointment


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


@admin.register(OperatorScreen)
class OperatorScreenAdmin(ScreenAdmin):
    permission = "calls.operate_phone"
    template = "admin/calls/operator.html"

    def get_urls(self):
        return [
            path("search/", self.admin_site.admin_view(self.search_view), name="calls_operatorscreen_search"),
            *super().get_urls(),
        ]

    def center_pick(self, request: HttpRequest):
        """The phone line: the one of the open call, else ?center=<id>, else the user's first; 404 for another."""
        lines = list(selectors.phone_lines_for_staff(user=request.user))
        if not lines:
            raise PermissionDenied
        call = selectors.call_open_current(operator=request.user)
        if call is not None:
            return call.center, lines
        wanted = request.GET.get("center") or request.POST.get("center")
        if not wanted:
            return lines[0], lines
        try:
            return selectors.phone_line_for_staff(user=request.user, center_id=int(wanted)), lines
        except (ValueError, NotFound) as exc:
            raise Http404 from exc

    def search_view(self, request: HttpRequest) -> HttpResponse:
        """The type-ahead's results (htmx swaps them in; without JavaScript the screen shows them itself)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        line, _lines = self.center_pick(request)
        query = request.GET.get("q", "")
        return render(
            request,
            "admin/calls/_results.html",
            {"results": selectors.procedure_typeahead(query=query), "query": query, "center": line},
        )

    # ----------------------------------------------------------------------------------------------------------
    # What the screen shows (state in the query string: q, procedure, book_center, book_day, move_day)
    # ----------------------------------------------------------------------------------------------------------

    def _checked_appointment(self, request: HttpRequest, call: Call | None) -> Appointment | None:
        held = request.session.get(SESSION_APPOINTMENT) or {}
        if call is None or held.get("call") != call.pk:
            return None
        try:
            return booking.appointment_get(appointment_id=held["appointment"])
        except Appointment.DoesNotExist:
            return None

    def _booking_state(self, request: HttpRequest, procedure_id: int | None) -> dict:
        """Where and when the caller can book the chosen procedure: centers with their next free day, the chosen
        center's times of the chosen day."""
        if procedure_id is None:
            return {}
        options = booking.centers_for_procedure(procedure_id=procedure_id)
        wanted = _int(request.GET.get("book_center"))
        chosen = next((option for option in options if option.center.pk == wanted), None)
        day = _day(request.GET.get("book_day")) or (chosen.next_free_date if chosen else None)
        slots = (
            booking.slots_of_day(procedure_id=procedure_id, center_id=chosen.center.pk, day=day)
            if chosen and day
            else []
        )
        return {"book_options": options, "book_choice": chosen, "book_day": day, "book_slots": slots}

    def _move_slots(self, request: HttpRequest, appointment: Appointment | None) -> tuple[dt.date | None, list]:
        day = _day(request.GET.get("move_day"))
        if appointment is None or day is None:
            return day, []
        return day, booking.slots_of_day(
            procedure_id=appointment.procedure_id, center_id=appointment.center_id, day=day
        )

    def _elapsed(self, call: Call | None) -> dict:
        """The call's time so far, by the server's clock (the timer's start, and what shows without JavaScript)."""
        if call is None:
            return {}
        seconds = max(int((timezone.now() - call.started_at).total_seconds()), 0)
        return {"elapsed": seconds, "elapsed_display": selectors.duration_display(seconds)}

    def show(self, request: HttpRequest, status: int = 200, **forms) -> HttpResponse:
        line, lines = self.center_pick(request)
        call = selectors.call_open_current(operator=request.user)
        query = request.GET.get("q", "")[:200]
        info = selectors.procedure_info(procedure_id=pid) if (pid := _int(request.GET.get("procedure"))) else None
        state = self._booking_state(request, info.procedure.pk if info and info.procedure.is_bookable else None)
        appointment = self._checked_appointment(request, call)
        move_day, move_slots = self._move_slots(request, appointment)
        initial = {"procedure": info.procedure.pk if info else None}
        if info:
            initial["intent"] = info.procedure.intent
        if call is not None and call.appointment_id:
            initial["outcome"] = CallOutcome.BOOKED
        context = {
            "center": line,
            "centers": lines,
            "call": call,
            "query": query,
            "results": selectors.procedure_typeahead(query=query) if query else [],
            "info": info,
            "log_form": forms.get("log_form") or CallLogForm(initial=initial),
            "book_form": forms.get("book_form")
            or PhoneBookingForm(slots=state.get("book_slots", []), languages=booking.language_choices()),
            "lookup_form": forms.get("lookup_form") or LookupForm(prefix="lookup"),
            "appointment": appointment,
            "cancel_form": CancelForm(prefix="cancel"),
            "move_day": move_day,
            "move_form": forms.get("move_form") or RescheduleForm(slots=move_slots, prefix="move"),
            "totals": selectors.calls_today_totals(line=line),
            "consent_version": CONSENT_VERSION,
            **self._elapsed(call),
            **state,
        }
        response = self.render_screen(request, context)
        response.status_code = status
        return response

    # ----------------------------------------------------------------------------------------------------------
    # Actions (POST to the screen's own address, then back to it). The look-up, cancel and move forms have a prefix: the
    # booking form on the same page has fields of the same names.
    # ----------------------------------------------------------------------------------------------------------

    def act(self, request: HttpRequest) -> HttpResponse | None:
        action = request.POST.get("action", "")
        line, _lines = self.center_pick(request)
        if action == "start":
            services.call_start(line=line, operator=request.user)
            return None
        call = selectors.call_open_current(operator=request.user)
        if call is None:
            messages.error(request, _("Start a call first."))
            return None
        handler = {
            "finish": self._finish,
            "book": self._book,
            "lookup": self._lookup,
            "cancel": self._cancel,
            "reschedule": self._reschedule,
        }.get(action)
        return handler(request, call) if handler else None

    def _finish(self, request: HttpRequest, call: Call) -> HttpResponse | None:
        form = CallLogForm(request.POST)
        if form.is_valid():
            try:
                call = services.call_finish(call=call, operator=request.user, **form.cleaned_data)
            except DomainError as exc:
                for name, errors in exc.field_errors.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
                if not exc.field_errors:
                    form.add_error(None, str(exc.message))
        if not form.is_valid() or form.errors:
            return self.show(request, status=400, log_form=form)
        request.session.pop(SESSION_APPOINTMENT, None)
        messages.success(
            request,
            _("Call logged: %(outcome)s, %(duration)s.")
            % {"outcome": call.get_outcome_display(), "duration": selectors.duration_display(call.duration_seconds)},
        )
        return HttpResponseRedirect(f"{request.path}?center={call.center_id}")

    def _book(self, request: HttpRequest, call: Call) -> HttpResponse | None:
        procedure_id = _int(request.GET.get("procedure"))
        state = self._booking_state(request, procedure_id)
        form = PhoneBookingForm(request.POST, slots=state.get("book_slots", []), languages=booking.language_choices())
        if procedure_id is None or not form.is_valid():
            return self.show(request, status=400, book_form=form)
        try:
            appointment = services.call_book(
                call=call,
                operator=request.user,
                slot_id=form.cleaned_data["slot"],
                procedure_id=procedure_id,
                citizen=form.citizen(),
                consent_version=CONSENT_VERSION,
            )
        except DomainError as exc:
            form.add_service_errors(exc.field_errors)
            if not exc.field_errors:
                form.add_error(None, str(exc.message))
            return self.show(request, status=exc.status, book_form=form)
        starts = timezone.localtime(appointment.slot.starts_at)
        messages.success(
            request,
            _("Appointment booked: code %(code)s, %(day)s at %(time)s. The confirmation goes to the caller now.")
            % {
                "code": appointment.code_display,
                "day": date_format(starts, "l j \\d\\e F"),
                "time": time_format(starts, "H:i"),
            },
        )
        return None

    def _lookup(self, request: HttpRequest, call: Call) -> HttpResponse | None:
        form = LookupForm(request.POST, prefix="lookup")
        if not form.is_valid():
            return self.show(request, status=400, lookup_form=form)
        try:
            appointment = services.call_appointment_open(
                call=call,
                operator=request.user,
                code=form.cleaned_data["code"],
                document_number=form.cleaned_data["document_number"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            return self.show(request, status=exc.status, lookup_form=form)
        request.session[SESSION_APPOINTMENT] = {"call": call.pk, "appointment": appointment.pk}
        return None

    def _cancel(self, request: HttpRequest, call: Call) -> HttpResponse | None:
        appointment = self._checked_appointment(request, call)
        form = CancelForm(request.POST, prefix="cancel")
        if appointment is None or not form.is_valid():
            messages.error(request, _("Check the caller's booking code and document number first."))
            return None
        services.call_appointment_cancel(
            call=call, operator=request.user, appointment=appointment, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Appointment cancelled. The caller gets a message."))
        return None

    def _reschedule(self, request: HttpRequest, call: Call) -> HttpResponse | None:
        appointment = self._checked_appointment(request, call)
        if appointment is None:
            messages.error(request, _("Check the caller's booking code and document number first."))
            return None
        _day_, slots = self._move_slots(request, appointment)
        form = RescheduleForm(request.POST, slots=slots, prefix="move")
        if not form.is_valid():
            return self.show(request, status=400, move_form=form)
        services.call_appointment_reschedule(
            call=call, operator=request.user, appointment=appointment, slot_id=form.cleaned_data["slot"]
        )
        messages.success(request, _("Appointment moved. The caller gets a message with the new time."))
        return None


@admin.register(Call)
class CallAdmin(ReadOnlyScopedAdmin):
    """Logged and open calls of the user's phone lines (read-only: calls are logged from the operator's screen)."""

    list_display = ("started_at", "center", "operator", "duration_seconds", "outcome")
    list_filter = ("outcome", "center")
    date_hierarchy = "started_at"
    list_select_related = ("center", "operator")
