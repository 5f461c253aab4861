"""Staff screens of the satisfaction surveys.

- Surveys (administrators): a version with responses is frozen (read-only); "Create a new version" copies it as the
  channel's active version, editable until it is answered.
- Responses and invitations: read-only, only the staff member's centers (centers.CenterScopedAdmin); no contact data.
- Sampling per service point; satisfaction results per dimension for the staff member's centers and a period.
"""

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attention.admin.screens import ScreenAdmin
from centers.admin import CenterScopedAdmin, ReadOnlyAdminMixin, ReadOnlyScopedAdmin
from centers.models import Center
from centers.selectors import staff_center_ids, staff_sees_all_centers

from . import selectors, services
from .constants import Channel
from .models import Answer, CenterSampling, Invitation, Question, Response, ResultsScreen, Survey


def _frozen(survey: Survey | None) -> bool:
    """Whether `survey` (a version, or None on an add page) already has answers (services.survey_is_frozen): asked
    once per request, on the instance the admin passes to each of its permission checks and to the page."""
    if survey is None:
        return False
    if (frozen := getattr(survey, "_mac_frozen", None)) is None:
        frozen = survey._mac_frozen = services.survey_is_frozen(survey=survey)  # type: ignore[attr-defined]
    return frozen


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "dimension", "text"]
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not _frozen(obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not _frozen(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not _frozen(obj)


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "channel", "version", "is_active", "created_at"]
    list_filter = ["channel", "is_active"]
    inlines = [QuestionInline]
    change_form_template = "admin/surveys/survey/change_form.html"

    def get_readonly_fields(self, request: HttpRequest, obj: Survey | None = None) -> list[str]:
        if obj is None:
            return ["version"]
        if _frozen(obj):
            return ["channel", "version", "title", "intro", "is_active"]
        return ["channel", "version"]

    def has_change_permission(self, request, obj=None) -> bool:
        """A frozen version is shown read-only, without its save buttons: a POST to it is refused (403), not saved."""
        return super().has_change_permission(request, obj) and not _frozen(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not _frozen(obj)

    def save_model(self, request, obj, form, change):
        if change:
            services.survey_check_editable(survey=obj)
        else:
            last = Survey.objects.filter(channel=obj.channel).order_by("-version").values_list("version", flat=True)
            obj.version = (last.first() or 0) + 1
        if obj.is_active:  # the one active version of its channel
            Survey.objects.filter(channel=obj.channel, is_active=True).exclude(pk=obj.pk).update(is_active=False)
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["frozen"] = _frozen(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "<int:survey_id>/new-version/",
                self.admin_site.admin_view(self.new_version_view),
                name="surveys_survey_new_version",
            ),
            *super().get_urls(),
        ]

    def new_version_view(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        survey = get_object_or_404(Survey, pk=survey_id)
        copy = services.survey_new_version(survey=survey)
        self.message_user(
            request, _("Version %(version)s created and active: edit it now.") % {"version": copy.version}
        )
        return HttpResponseRedirect(reverse("admin:surveys_survey_change", args=[copy.pk]))


@admin.register(CenterSampling)
class CenterSamplingAdmin(CenterScopedAdmin):
    list_display = ["center", "share"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyScopedAdmin):
    center_path = "attention__center"
    list_display = ["created_at", "survey", "delivery", "due_at", "sent_at", "skipped_at", "responded_at"]
    list_filter = ["delivery", "survey__channel"]
    list_select_related = ["survey"]
    fields = [
        "survey",
        "delivery",
        "due_at",
        "expires_at",
        "attempts",
        "sending_at",
        "sent_at",
        "skipped_at",
        "last_error",
        "responded_at",
        "created_at",
    ]


class AnswerInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Answer
    fields = ["dimension", "question", "expectation", "perception"]
    readonly_fields = fields
    extra = 0


@admin.register(Response)
class ResponseAdmin(ReadOnlyScopedAdmin):
    """Answers as given, with where and when the attention was (never who)."""

    center_path = "attention__center"
    list_display = ["submitted_at", "survey", "center", "procedure", "channel"]
    list_filter = ["survey__channel", ("attention__center", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["survey", "attention__center", "attention__procedure"]
    fields = ["survey", "center", "procedure", "channel", "counter", "service_day", "comment", "submitted_at"]
    readonly_fields = fields
    inlines = [AnswerInline]

    @admin.display(description=gettext_lazy("service point"))
    def center(self, obj: Response) -> str:
        return str(obj.attention.center)

    @admin.display(description=gettext_lazy("procedure"))
    def procedure(self, obj: Response) -> str:
        return str(obj.attention.procedure)

    @admin.display(description=gettext_lazy("channel"))
    def channel(self, obj: Response) -> str:
        return obj.attention.get_channel_display()

    @admin.display(description=gettext_lazy("counter"))
    def counter(self, obj: Response) -> str:
        return str(obj.attention.counter or "—")

    @admin.display(description=gettext_lazy("day"))
    def service_day(self, obj: Response) -> dt.date:
        return obj.attention.service_day


def _date(value: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return default


@admin.register(ResultsScreen)
class ResultsScreenAdmin(ScreenAdmin):
    """Satisfaction per dimension for a period, at the staff member's centers (one, or all of theirs)."""

    permission = "surveys.view_resultsscreen"
    template = "admin/surveys/results.html"

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        allowed = staff_center_ids(user=request.user)
        centers = Center.objects.filter(pk__in=allowed).order_by("name")
        today = timezone.localdate()
        end = _date(request.GET.get("end", ""), today)
        start = _date(request.GET.get("start", ""), end - dt.timedelta(days=29))
        if start > end:
            start, end = end, start
            messages.warning(request, _("The start came after the end: the dates were swapped."))
        center_ids: list[int] | None = None if staff_sees_all_centers(user=request.user) else allowed
        if (wanted := request.GET.get("center", "")).isdigit():
            if int(wanted) not in allowed:
                raise PermissionDenied
            center_ids = [int(wanted)]
        channel = request.GET.get("channel") or None
        if channel not in Channel.values:
            channel = None
        rows = selectors.satisfaction_by_dimension(start=start, end=end, center_ids=center_ids, channel=channel)
        return self.render_screen(
            request,
            {
                "rows": rows,
                "centers": centers,
                "center_id": int(wanted) if wanted.isdigit() else None,
                "channels": Channel.choices,
                "channel": channel,
                "start": start,
                "end": end,
            },
        )
