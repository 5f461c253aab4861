"""Back-office for bookings: schedules (weekly ranges validated), slots, appointments, conflicts, day sheets.

Every change goes through appointments.services: saving a schedule regenerates its slots (conflicts are
reported, appointments never dropped), cancelling is an action that asks for a reason. Citizens' personal
data is read-only here (Ley 29733: staff see it, they do not rewrite it).

Every screen reaches only the user's centers (centers.admin.CenterScopedAdmin); searching by document number
across every center is for administrators only (centers.selectors.staff_may_search_country). Each page that
shows citizens' personal data records who saw which appointment (centers.services.personal_data_access_record).
"""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from centers.admin import CenterScopedAdmin, PersonalDataAdmin, ReadOnlyScopedAdmin
from centers.constants import Channel, DataAccess
from centers.models import Center
from centers.selectors import staff_center_ids, staff_may_search_country, staff_member_center_ids
from centers.services import personal_data_access_record

from . import selectors, services
from .errors import BookingError
from .formatting import lima, lima_date
from .models import Appointment, DaySheet, Notification, Schedule, ScheduleRule, Slot, SlotConflict

# --------------------------------------------------------------------------------------------------------------
# Schedules
# --------------------------------------------------------------------------------------------------------------


class ScheduleRuleFormSet(BaseInlineFormSet):
    """The weekly ranges kept after this save must not overlap and must fit at least one slot."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rules = [
            services.RuleRange(int(data["weekday"]), data["start"], data["end"])
            for form in self.forms
            if (data := getattr(form, "cleaned_data", None))
            and not data.get("DELETE")
            and data.get("weekday") is not None
            and data.get("start")
            and data.get("end")
        ]
        slot_minutes = getattr(self.instance, "slot_minutes", None) or 30
        try:
            services.schedule_rules_validate(rules=rules, slot_minutes=slot_minutes)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class ScheduleRuleInline(admin.TabularInline):
    model = ScheduleRule
    formset = ScheduleRuleFormSet
    extra = 0
    fields = ["weekday", "start", "end"]


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = Schedule
        fields = [
            "center",
            "name",
            "procedures",
            "is_active",
            "slot_minutes",
            "capacity",
            "min_lead_minutes",
            "max_days_ahead",
            "valid_from",
            "valid_until",
        ]

    def clean(self):
        cleaned_data = super().clean()
        center = cleaned_data.get("center") or getattr(self.instance, "center", None)
        procedures = cleaned_data.get("procedures")
        if center is not None and procedures is not None:
            try:
                services.schedule_procedures_validate(center=center, procedures=procedures)
            except ValidationError as exc:
                self.add_error("procedures", exc)
        return cleaned_data


@admin.register(Schedule)
class ScheduleAdmin(CenterScopedAdmin):
    form = ScheduleForm
    list_display = ["name", "center", "slot_minutes", "capacity", "max_days_ahead", "valid_from", "is_active"]
    list_filter = ["is_active", ("center", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["center"]
    search_fields = ["name", "center__name"]
    autocomplete_fields = ["center", "procedures"]
    inlines = [ScheduleRuleInline]
    fieldsets = [
        (None, {"fields": ["center", "name", "procedures", "is_active"]}),
        (_("Capacity"), {"fields": ["slot_minutes", "capacity"]}),
        (_("Booking window"), {"fields": ["min_lead_minutes", "max_days_ahead", "valid_from", "valid_until"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Schedule | None = None) -> list[str]:
        # Slots carry their schedule's center: another center means another schedule.
        return ["center"] if obj is not None else []

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        result = services.slots_generate(schedule=form.instance)
        self.message_user(
            request,
            _("Slots updated: %(created)s created, %(removed)s removed, %(withdrawn)s withdrawn.")
            % {"created": result.created, "removed": result.removed, "withdrawn": result.withdrawn},
        )
        if result.conflicts:
            url = reverse("admin:appointments_slotconflict_changelist")
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    ngettext(
                        "%(count)s slot no longer fits the schedule but holds appointments.",
                        "%(count)s slots no longer fit the schedule but hold appointments.",
                        len(result.conflicts),
                    )
                    % {"count": len(result.conflicts)},
                    url,
                    _("See the conflicts"),
                ),
                level=messages.WARNING,
            )


# --------------------------------------------------------------------------------------------------------------
# Slots and conflicts
# --------------------------------------------------------------------------------------------------------------


@admin.display(description=_("starts at"), ordering="starts_at")
def slot_start(slot: Slot) -> str:
    return f"{lima(slot.starts_at):%Y-%m-%d %H:%M}"


@admin.register(Slot)
class SlotAdmin(ReadOnlyScopedAdmin):
    list_display = [slot_start, "center", "schedule", "booked", "capacity", "is_withdrawn"]
    list_filter = ["is_withdrawn", ("center", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["center", "schedule__center"]
    date_hierarchy = "starts_at"
    fields = ["schedule", "center", "starts_at", "ends_at", "capacity", "booked", "is_withdrawn", "withdrawn_reason"]


@admin.register(SlotConflict)
class SlotConflictAdmin(ReadOnlyScopedAdmin):
    """Future slots that lost their place in the schedule but still hold appointments: staff move or cancel them."""

    list_display = [slot_start, "center", "schedule", "withdrawn_reason", "active_count", "appointments_link"]
    list_filter = [("center", admin.RelatedOnlyFieldListFilter)]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            selectors.slot_conflicts()
            .filter(center__in=staff_center_ids(user=request.user))
            .annotate(active_count=Count("appointments", filter=Q(appointments__status="booked")))
        )

    @admin.display(description=_("active appointments"))
    def active_count(self, slot) -> int:
        return slot.active_count

    @admin.display(description=_("appointments"))
    def appointments_link(self, slot) -> str:
        url = reverse("admin:appointments_appointment_changelist")
        return format_html('<a href="{}?slot__id__exact={}&status__exact=booked">{}</a>', url, slot.pk, _("Open"))


# --------------------------------------------------------------------------------------------------------------
# Appointments
# --------------------------------------------------------------------------------------------------------------


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=250,
        help_text=_("The citizen reads it in the cancellation message."),
        widget=forms.TextInput(attrs={"size": 60}),
    )


class DayFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        today = lima_date()
        return [
            ((today + dt.timedelta(days=offset)).isoformat(), label)
            for offset, label in [(-1, _("Yesterday")), (0, _("Today")), (1, _("Tomorrow"))]
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            day = dt.date.fromisoformat(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(slot__starts_at__date=day)


@admin.display(description=_("date and time"), ordering="slot__starts_at")
def appointment_when(appointment: Appointment) -> str:
    return f"{lima(appointment.slot.starts_at):%Y-%m-%d %H:%M}"


@admin.register(Appointment)
class AppointmentAdmin(PersonalDataAdmin, CenterScopedAdmin):
    list_display = ["code_display", appointment_when, "full_name", "procedure", "center", "status", "channel"]
    list_filter = ["status", DayFilter, ("center", admin.RelatedOnlyFieldListFilter), "channel", "priority_need"]
    list_select_related = ["procedure", "center", "slot"]
    search_fields = ["code", "document_number"]
    search_help_text = _("Booking code or document number.")
    actions = ["cancel_with_reason", "check_in"]
    fieldsets = [
        (None, {"fields": ["code", "status", "procedure", "center", "slot", "previous_slot", "version", "channel"]}),
        (
            _("Citizen"),
            {"fields": ["document_type", "document_number", "full_name", "email", "phone", "preferred_language"]},
        ),
        (_("Attention"), {"fields": ["priority_need", "checked_in_at"]}),
        (_("Statistics (with consent)"), {"fields": ["segmentation_consent", "age_band", "gender"]}),
        (
            _("Consent and history"),
            {"fields": ["consent_version", "consent_at", "created_at", "updated_at", "anonymized_at"]},
        ),
        (_("Cancellation"), {"fields": ["cancelled_at", "cancelled_by_staff", "cancel_reason"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def has_add_permission(self, request) -> bool:
        return False  # bookings are made through the booking flow (web or phone), which applies every rule

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # history: cancel instead

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        found = selectors.appointment_search(query=search_term)
        if not staff_may_search_country(user=request.user):
            found = found.filter(center__in=staff_member_center_ids(user=request.user))
        return queryset.filter(pk__in=found.values("pk")), False

    @admin.display(description=_("code"), ordering="code")
    def code_display(self, appointment: Appointment) -> str:
        return appointment.code_display

    @admin.action(description=_("Cancel with a reason"), permissions=["change"])
    def cancel_with_reason(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> HttpResponse | None:
        form = CancelForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            done, failed = 0, []
            for appointment in queryset:
                try:
                    services.appointment_cancel(
                        appointment=appointment, reason=form.cleaned_data["reason"], by_staff=True
                    )
                    done += 1
                except BookingError as exc:
                    failed.append(f"{appointment.code_display}: {exc.message}")
            self.message_user(
                request,
                ngettext("%(count)s appointment cancelled.", "%(count)s appointments cancelled.", done)
                % {"count": done},
            )
            for message in failed:
                self.message_user(request, message, level=messages.ERROR)
            return None
        return render(
            request,
            "admin/appointments/cancel_with_reason.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Cancel appointments"),
                "opts": self.model._meta,
                "form": form,
                "appointments": queryset.select_related("slot", "procedure"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Mark as arrived (check in)"), permissions=["change"])
    def check_in(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        done = 0
        for appointment in queryset:
            try:
                services.appointment_check_in(appointment=appointment)
                personal_data_access_record(user=request.user, action=DataAccess.CHECKED_IN, records=[appointment])
                done += 1
            except BookingError as exc:
                self.message_user(request, f"{appointment.code_display}: {exc.message}", level=messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%(count)s arrival recorded.", "%(count)s arrivals recorded.", done) % {"count": done},
            )


class DaySheetForm(forms.Form):
    center = forms.ModelChoiceField(
        label=_("Center"), queryset=Center.objects.filter(is_active=True, channel=Channel.IN_PERSON)
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


@admin.register(DaySheet)
class DaySheetAdmin(CenterScopedAdmin):
    """/admin/appointments/daysheet/?center=<id>&date=YYYY-MM-DD: a center's appointments of one day, printable."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("appointments.view_appointment") or super().has_view_permission(request, obj)

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        data = request.GET.copy()
        data.setdefault("date", lima_date().isoformat())
        allowed = staff_center_ids(user=request.user)
        if data.get("center", "").isdigit() and int(data["center"]) not in allowed:
            raise PermissionDenied  # another center's citizens: never their data, whatever the id
        form = DaySheetForm(data if "center" in data else None, initial={"date": data["date"]})
        form.fields["center"].queryset = form.fields["center"].queryset.filter(pk__in=allowed)
        appointments, center, day = [], None, None
        if form.is_valid():
            center, day = form.cleaned_data["center"], form.cleaned_data["date"]
            appointments = selectors.appointment_day_sheet(center_id=center.pk, day=day)
            personal_data_access_record(
                user=request.user,
                action=DataAccess.DAY_SHEET,
                records=[appointment for appointment in appointments if appointment.anonymized_at is None],
            )
        return render(
            request,
            "admin/appointments/daysheet.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Day sheet"),
                "opts": self.model._meta,
                "form": form,
                "center": center,
                "day": day,
                "appointments": appointments,
            },
        )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyScopedAdmin):
    center_path = "appointment__center"

    list_display = ["appointment", "kind", "channel", "due_at", "sent_at", "skipped_at", "attempts", "last_error"]
    list_filter = ["kind", "channel", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["appointment"]
    search_fields = ["appointment__code"]
    date_hierarchy = "due_at"
