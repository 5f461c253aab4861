"""Back-office of the complaints book: each service point's staff see and answer their complaints only.

Lists, searches and record pages reach only the user's centers (centers.admin.CenterScopedAdmin); answering needs
the "answer complaint" permission (supervisors, administrators) and a role at the complaint's center. Overdue
complaints are highlighted and counted above the list. Every page that shows personal data, and every attachment
download, is recorded (centers.PersonalDataAccess, Ley 29733).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from appointments.formatting import lima, lima_date
from centers.admin import CenterScopedAdmin, PersonalDataAdmin, ReadOnlyScopedAdmin
from centers.constants import DataAccess, StaffRole
from centers.selectors import staff_center_ids, staff_has_role, staff_sees_all_centers
from centers.services import personal_data_access_record

from . import selectors, services
from .attachments import attachment_storage
from .constants import ComplaintStatus
from .errors import ComplaintError
from .models import Complaint, ComplaintMessage


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("open", _("Open, within the deadline"))]

    def queryset(self, request, queryset):
        today = lima_date()
        if self.value() == "overdue":
            return queryset.filter(status=ComplaintStatus.FILED, due_on__lt=today)
        if self.value() == "open":
            return queryset.filter(status=ComplaintStatus.FILED, due_on__gte=today)
        return queryset


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the citizen"),
        max_length=services.ANSWER_LIMITS[1] + 200,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        help_text=_("The citizen receives it by e-mail or SMS and sees it on the status page. It cannot be changed."),
        error_messages={"required": _("Write the answer to the citizen.")},
    )


@admin.register(Complaint)
class ComplaintAdmin(PersonalDataAdmin, CenterScopedAdmin):
    list_display = ["code_display", "filed", "center", "entity", "category", "status", "deadline"]
    list_filter = [
        OverdueFilter,
        "status",
        "category",
        "channel",
        ("center", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["center", "entity"]
    search_fields = ["code", "document_number"]
    search_help_text = _("Tracking code or document number.")
    change_form_template = "admin/complaints/complaint/change_form.html"
    fieldsets = [
        (None, {"fields": ["code", "status", "filed_at", "due_on", "entity", "center", "channel", "category"]}),
        (_("Complaint"), {"fields": ["description", "request", "attachment_link"]}),
        (_("Citizen"), {"fields": ["document_type", "document_number", "full_name", "email", "phone"]}),
        (_("Answer"), {"fields": ["answer", "answered_at", "answered_by"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def has_add_permission(self, request) -> bool:
        return False  # citizens file complaints on /reclamos/ (or staff there, on their behalf)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # read-only record; the answer has its own page

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the complaints book keeps every entry

    @admin.display(description=_("tracking code"), ordering="code")
    def code_display(self, complaint: Complaint) -> str:
        return complaint.code_display

    @admin.display(description=_("filed at"), ordering="filed_at")
    def filed(self, complaint: Complaint) -> str:
        return f"{lima(complaint.filed_at):%Y-%m-%d %H:%M}"

    @admin.display(description=_("answer due by"), ordering="due_on")
    def deadline(self, complaint: Complaint) -> str:
        if selectors.complaint_is_overdue(complaint=complaint):
            return format_html(
                '<strong class="errornote complaint-overdue">{} — {}</strong>',
                f"{complaint.due_on:%Y-%m-%d}",
                _("overdue"),
            )
        return f"{complaint.due_on:%Y-%m-%d}"

    @admin.display(description=_("attachment"))
    def attachment_link(self, complaint: Complaint) -> str:
        if not complaint.attachment:
            return "—"
        url = reverse("admin:complaints_complaint_attachment", args=[complaint.pk])
        return format_html(
            '<a href="{}">{}</a> ({} KB)', url, complaint.attachment_name, (complaint.attachment_size or 0) // 1024 + 1
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/answer/",
                self.admin_site.admin_view(self.answer_view),
                name="complaints_complaint_answer",
            ),
            path(
                "<int:object_id>/attachment/",
                self.admin_site.admin_view(self.attachment_view),
                name="complaints_complaint_attachment",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if self.has_view_permission(request):
            centers = None if staff_sees_all_centers(user=request.user) else staff_center_ids(user=request.user)
            overdue = selectors.complaints_overdue(center_ids=centers).count()
            if overdue:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)s complaint is past its answer deadline.",
                        "%(count)s complaints are past their answer deadline.",
                        overdue,
                    )
                    % {"count": overdue},
                    level=messages.WARNING,
                )
        return super().changelist_view(request, extra_context)

    def may_answer(self, request: HttpRequest, complaint: Complaint) -> bool:
        return request.user.has_perm("complaints.answer_complaint") and staff_has_role(
            user=request.user, center_id=complaint.center_id, roles=[StaffRole.SUPERVISOR]
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_answer"] = (
            obj is not None and obj.status == ComplaintStatus.FILED and self.may_answer(request, obj)
        )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _scoped(self, request: HttpRequest, object_id: int) -> Complaint:
        if not self.has_view_permission(request):
            raise PermissionDenied
        complaint = self.get_queryset(request).filter(pk=object_id).first()
        if complaint is None:
            raise Http404  # another center's complaint answers as an unknown one
        return complaint

    def answer_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        complaint = self._scoped(request, object_id)
        if not self.may_answer(request, complaint):
            raise PermissionDenied
        change_url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
        if complaint.status != ComplaintStatus.FILED:
            self.message_user(request, _("This complaint has already been answered."), level=messages.INFO)
            return HttpResponseRedirect(change_url)
        form = AnswerForm(request.POST if request.method == "POST" else None)
        status = 200
        if form.is_bound:
            if form.is_valid():
                try:
                    services.complaint_answer(
                        complaint_id=complaint.pk, answer=form.cleaned_data["answer"], user=request.user
                    )
                except ComplaintError as exc:
                    for message in exc.field_errors.get("answer", []):
                        form.add_error("answer", message)
                    if not exc.field_errors:
                        form.add_error(None, str(exc.message))
                    status = exc.status
                else:
                    self.message_user(
                        request, _("Answer recorded; the citizen is being notified."), level=messages.SUCCESS
                    )
                    return HttpResponseRedirect(change_url)
            else:
                status = 400
        personal_data_access_record(user=request.user, action=DataAccess.VIEWED, records=[complaint], reason="answer")
        return render(
            request,
            "admin/complaints/complaint/answer.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Answer complaint %(code)s") % {"code": complaint.code_display},
                "opts": self.model._meta,
                "complaint": complaint,
                "overdue": selectors.complaint_is_overdue(complaint=complaint),
                "form": form,
                "change_url": change_url,
            },
            status=status,
        )

    def attachment_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        complaint = self._scoped(request, object_id)
        if not complaint.attachment:
            raise Http404
        personal_data_access_record(
            user=request.user, action=DataAccess.VIEWED, records=[complaint], reason="attachment"
        )
        response = FileResponse(
            attachment_storage().open(complaint.attachment.name, "rb"),
            as_attachment=True,
            filename=complaint.attachment_name or complaint.attachment.name,
            content_type=complaint.attachment_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response


@admin.register(ComplaintMessage)
class ComplaintMessageAdmin(ReadOnlyScopedAdmin):
    center_path = "complaint__center"
    list_display = ["complaint", "kind", "channel", "due_at", "sent_at", "skipped_at", "attempts", "last_error"]
    list_filter = ["kind", "channel", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["complaint"]
    search_fields = ["complaint__code"]
