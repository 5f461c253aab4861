"""The staff screens, as custom admin views (one action per click or key; POST, then redirect back).

- Greeter (`attention.issue_ticket`): estimated waits, issue a ticket, check in an appointment.
- Counter (`attention.serve_ticket`): open a counter, then call next, recall, start, finish, transfer,
  no-show, pause, resume, close.
- Supervision (`attention.supervise_queue`): a center's queues, counters, service standards and totals.
Each screen reaches only the centers where the user holds a role allowing it (attention.selectors.access); an
unknown or foreign center, counter or ticket answers 404.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError, NotFound

from .. import selectors, services
from ..forms import CheckInForm, FinishForm, IssueForm, OpenCounterForm, TransferForm
from ..links import ticket_print_path
from ..models import CounterScreen, GreeterScreen, SupervisionScreen, Ticket


class ScreenAdmin(admin.ModelAdmin):
    """A screen, not a table: no add, change or delete; visible to holders of `permission`."""

    permission = ""
    template = ""
    roles: tuple = ()

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.has_perm(self.permission)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_model_perms(self, request):
        return {"view": self.has_view_permission(request)}

    def render_screen(self, request: HttpRequest, context: dict) -> HttpResponse:
        return render(
            request,
            self.template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": self.model._meta.verbose_name.capitalize(),
                **context,
            },
        )

    def center_pick(self, request: HttpRequest):
        """The center the screen works on: ?center=<id>, else the user's first; 404 for a foreign one."""
        centers = list(selectors.centers_for_staff(user=request.user, roles=self.roles))
        if not centers:
            raise PermissionDenied
        wanted = request.GET.get("center") or request.POST.get("center")
        if not wanted:
            return centers[0], centers
        try:
            return selectors.center_for_staff(user=request.user, center_id=int(wanted), roles=self.roles), centers
        except (ValueError, NotFound) as exc:
            raise Http404 from exc

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            try:
                response = self.act(request)
            except DomainError as exc:
                messages.error(request, exc.message)
                response = None
            return response or HttpResponseRedirect(request.get_full_path())
        return self.show(request)

    def act(self, request: HttpRequest) -> HttpResponse | None:  # pragma: no cover - every screen overrides it
        raise PermissionDenied

    def show(self, request: HttpRequest) -> HttpResponse:  # pragma: no cover - every screen overrides it
        raise PermissionDenied


@admin.register(GreeterScreen)
class GreeterScreenAdmin(ScreenAdmin):
    permission = "attention.issue_ticket"
    template = "admin/attention/greeter.html"
    roles = selectors.GREETER_ROLES

    def act(self, request: HttpRequest) -> HttpResponse | None:
        center, _centers = self.center_pick(request)
        if request.POST.get("action") == "check_in":
            form = CheckInForm(request.POST)
            if not form.is_valid():
                return self.show(request, check_in_form=form)
            ticket = services.ticket_check_in_appointment(
                center=center,
                code=form.cleaned_data["code"],
                document_number=form.cleaned_data["document_number"],
                issued_by=request.user,
            )
        else:
            issue_form = IssueForm(request.POST, center=center)
            if not issue_form.is_valid():
                return self.show(request, issue_form=issue_form)
            ticket = services.visit_issue(center=center, issued_by=request.user, **issue_form.visit())
        messages.success(request, _("Ticket %(code)s issued.") % {"code": ticket.code})
        return HttpResponseRedirect(f"{request.path}?center={center.pk}&issued={ticket.pk}")

    def show(self, request: HttpRequest, issue_form=None, check_in_form=None) -> HttpResponse:
        center, centers = self.center_pick(request)
        issued = None
        if (issued_id := request.GET.get("issued", "")).isdigit():
            issued = (
                Ticket.objects.filter(pk=int(issued_id), center=center)
                .select_related("procedure")
                .prefetch_related("steps__procedure__entity")
                .first()
            )
        return self.render_screen(
            request,
            {
                "center": center,
                "centers": centers,
                "board": selectors.center_wait_board(center=center),
                "issue_form": issue_form or IssueForm(center=center),
                "check_in_form": check_in_form or CheckInForm(),
                "issued": issued,
                "issued_estimate": selectors.ticket_estimate(ticket=issued) if issued else None,
                "issued_print": ticket_print_path(issued) if issued else "",
            },
        )


@admin.register(CounterScreen)
class CounterScreenAdmin(ScreenAdmin):
    permission = "attention.serve_ticket"
    template = "admin/attention/counter.html"
    roles = selectors.SERVING_ROLES

    ACTIONS = ("call_next", "recall", "start", "finish", "transfer", "no_show", "pause", "resume", "close")

    def act(self, request: HttpRequest) -> HttpResponse | None:
        action = request.POST.get("action", "")
        session = selectors.counter_session_current(user=request.user)
        if action == "open":
            form = OpenCounterForm(request.POST, counters=selectors.counters_for_staff(user=request.user))
            if not form.is_valid():
                raise Http404
            services.counter_open(counter=form.cleaned_data["counter"], agent=request.user)
            return None
        if session is None or action not in self.ACTIONS:
            return None
        if action == "call_next":
            if services.ticket_call_next(session=session) is None:
                messages.info(request, _("Nobody is waiting for this counter."))
            return None
        if action in ("pause", "resume", "close"):
            {"pause": services.counter_pause, "resume": services.counter_resume, "close": services.counter_close}[
                action
            ](session=session)
            return None
        ticket = selectors.counter_current_ticket(session=session)
        if ticket is None or str(ticket.pk) != request.POST.get("ticket"):
            messages.error(request, _("This ticket is no longer at your counter."))
            return None
        if action == "recall":
            services.ticket_recall(ticket=ticket, session=session)
        elif action == "start":
            services.attention_start(ticket=ticket, session=session)
        elif action == "no_show":
            services.ticket_no_show(ticket=ticket, session=session)
        elif action == "finish":
            form = FinishForm(request.POST, procedure=ticket.procedure)
            if not form.is_valid():
                messages.error(request, _("Check the outcome."))
                return None
            services.attention_finish(ticket=ticket, session=session, **form.cleaned_data)
        elif action == "transfer":
            transfer = TransferForm(request.POST, center=session.counter.center)
            if not transfer.is_valid():
                messages.error(request, _("Choose a valid queue or counter."))
                return None
            services.ticket_transfer(ticket=ticket, session=session, **transfer.cleaned_data)
        return None

    def show(self, request: HttpRequest) -> HttpResponse:
        session = selectors.counter_session_current(user=request.user)
        context: dict = {"session": session}
        if session is None:
            counters = selectors.counters_for_staff(user=request.user)
            if not counters.exists() and not request.user.is_superuser:
                raise PermissionDenied
            context["open_form"] = OpenCounterForm(counters=counters)
        else:
            ticket = selectors.counter_current_ticket(session=session)
            context.update(
                ticket=ticket,
                waiting=selectors.next_ticket_queryset(
                    counter=session.counter, agent_id=session.agent_id, now=timezone.now()
                ).count(),
                finish_form=FinishForm(procedure=ticket.procedure) if ticket else None,
                transfer_form=TransferForm(center=session.counter.center) if ticket else None,
                no_show_recalls=settings.ATTENTION_NO_SHOW_RECALLS,
            )
        return self.render_screen(request, context)


@admin.register(SupervisionScreen)
class SupervisionScreenAdmin(ScreenAdmin):
    permission = "attention.supervise_queue"
    template = "admin/attention/supervision.html"
    roles = selectors.SUPERVISION_ROLES

    def show(self, request: HttpRequest) -> HttpResponse:
        center, centers = self.center_pick(request)
        return self.render_screen(
            request,
            {
                "center": center,
                "centers": centers,
                "summary": selectors.supervision_summary(center=center),
                "visits": selectors.visit_times(center=center, day=timezone.localdate()),
            },
        )
