"""Back-office for the procedures catalog: entities, procedures and their ordered requirements.

The admin stays thin: after a save it asks procedures.services to rebuild the search documents, so a
procedure edited here is found by the citizen search at once.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.admin import StaffAdminMixin

from .constants import Channel
from .models import CHANNEL_FIELDS, Entity, Procedure, Requirement
from .services import procedure_refresh_search_documents


def _refresh_search(*, procedures: QuerySet[Procedure]) -> None:
    procedure_refresh_search_documents(procedures=procedures.select_related("entity").prefetch_related("requirements"))


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "level", "sector"]
    list_filter = ["level", "sector"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "acronym", "slug", "level", "sector", "website", "description"]

    def save_model(self, request: HttpRequest, obj: Entity, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The entity's name and acronym are part of its procedures' search documents.
        if change:
            _refresh_search(procedures=Procedure.objects.filter(entity=obj))


class RequirementInline(admin.TabularInline):
    model = Requirement
    fields = ["position", "text", "note", "is_optional"]
    extra = 1


class ChannelListFilter(admin.SimpleListFilter):
    title = _("channel")
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return Channel.choices

    def queryset(self, request, queryset):
        if self.value() in CHANNEL_FIELDS:
            return queryset.filter(**{CHANNEL_FIELDS[Channel(self.value())]: True})
        return queryset


@admin.register(Procedure)
class ProcedureAdmin(StaffAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "entity", "fee", "appointment_policy", "intent", "demand_rank", "is_active"]
    list_filter = [
        "is_active",
        ChannelListFilter,
        "intent",
        "appointment_policy",
        ("entity", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["entity"]
    search_fields = ["name", "code", "keywords", "entity__name", "entity__acronym"]
    autocomplete_fields = ["entity", "paid_first_at"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["updated_at"]
    inlines = [RequirementInline]
    fieldsets = [
        (None, {"fields": ["entity", "code", "name", "slug", "summary", "keywords", "is_active", "demand_rank"]}),
        (_("Fee and payment"), {"fields": ["fee", "payment_instructions", "paid_first_at"]}),
        (_("Legal basis"), {"fields": ["legal_basis"]}),
        (_("Times"), {"fields": ["counter_minutes", "resolution_days"]}),
        (
            _("Channels and appointments"),
            {"fields": ["via_in_person", "via_phone", "via_virtual", "remote_ticket", "appointment_policy", "intent"]},
        ),
        (_("Service standard"), {"fields": ["sla_max_wait_minutes", "sla_max_service_minutes"]}),
        (_("Record"), {"fields": ["updated_at"], "classes": ["collapse"]}),
    ]

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # After the requirements inline is saved, so the search document includes them.
        _refresh_search(procedures=Procedure.objects.filter(pk=form.instance.pk))
