"""Back-office for the service points: centers with their hours, closures, offerings and counters.

Opening hours are validated by centers.services.opening_hours_validate (no overlap, opens before closes)
in the inline formsets, so staff see a clear message instead of a database error.

`CenterScopedAdmin` is the base of every staff screen showing one center's data (here and in the apps above):
its querysets, center choices and list filters only reach the user's centers (`staff_center_ids`). Staff
memberships are managed here by administrators (only their role group holds the permissions).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.admin import GuardedAutocompleteSelect, StaffAdminMixin

from .constants import DataAccess
from .models import Center, Closure, Counter, Language, Offering, OpeningHours, PersonalDataAccess, StaffMembership
from .selectors import staff_center_ids, staff_sees_all_centers
from .services import (
    HoursRange,
    opening_hours_validate,
    personal_data_access_record,
    staff_membership_grant,
    staff_user_groups_refresh,
)


class PersonalDataAdmin(admin.ModelAdmin):
    """A model admin whose pages show citizens' personal data: each record page, list page and search records
    who saw which rows (centers.services.personal_data_access_record, Ley 29733). Rows for which
    `has_personal_data(obj)` is false (e.g. anonymized) are not recorded."""

    def has_personal_data(self, obj) -> bool:
        return getattr(obj, "anonymized_at", None) is None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.has_personal_data(obj):
            personal_data_access_record(user=request.user, action=DataAccess.VIEWED, records=[obj])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", None) and response.context_data.get("cl")
        if changelist is not None:
            # The page's rows; the template then reuses this evaluated queryset (no second query).
            personal_data_access_record(
                user=request.user,
                action=DataAccess.SEARCHED if changelist.query else DataAccess.LISTED,
                records=[row for row in changelist.result_list if self.has_personal_data(row)],
            )
        return response


class ReadOnlyAdminMixin(StaffAdminMixin):
    """Records written by services only (sessions, messages, access records): the admin shows, never edits."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CenterScopedAdmin(StaffAdminMixin, admin.ModelAdmin):
    """A model admin whose rows, center choices and filters reach only the user's centers.

    `center_path` is the lookup from the model to its center ("center", "appointment__center", "pk" for Center).
    Rows of other centers are not in the queryset, so their change pages answer as for an unknown object.
    """

    center_path = "center"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if staff_sees_all_centers(user=request.user):
            return queryset  # every center: no filter (and no query for the list of all centers)
        return queryset.filter(**{f"{self.center_path}__in": staff_center_ids(user=request.user)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Center and not staff_sees_all_centers(user=request.user):
            kwargs["queryset"] = Center.objects.filter(pk__in=staff_center_ids(user=request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyScopedAdmin(ReadOnlyAdminMixin, CenterScopedAdmin):
    """A center-scoped admin of records written by services only."""


class PreloadedAutocompleteSelect(GuardedAutocompleteSelect):
    """An autocomplete whose selected option is labelled from the row already loaded (no query per inline row)."""

    known: dict[str, str] = {}

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not selected or not all(v in self.known for v in selected):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for option_value in selected:
            options.append(self.create_option(name, option_value, self.known[option_value], True, len(options)))
        return [(None, options, 0)]


class PreloadedAutocompleteForm(forms.ModelForm):
    """Gives each autocomplete the label of the related object its row was fetched with (select_related)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cache = self.instance._state.fields_cache
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            related = cache.get(name)
            if isinstance(widget, PreloadedAutocompleteSelect) and related is not None:
                widget.known = {str(related.pk): field.label_from_instance(related)}


class PreloadedAutocompleteInline(StaffAdminMixin, admin.TabularInline):
    form = PreloadedAutocompleteForm
    autocomplete_select = PreloadedAutocompleteSelect


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]

    def clean(self):
        cleaned_data = super().clean()
        weekday, opens, closes = (cleaned_data.get(name) for name in ("weekday", "opens", "closes"))
        if weekday is not None and opens is not None and closes is not None:
            try:
                opening_hours_validate(ranges=[HoursRange(weekday=int(weekday), opens=opens, closes=closes)])
            except ValidationError as exc:
                self.add_error("closes", exc)
        return cleaned_data


class OpeningHoursFormSet(BaseInlineFormSet):
    """The ranges kept after this save must not overlap on any day."""

    def clean(self):
        super().clean()
        ranges = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or form.errors or data.get("DELETE"):
                continue
            ranges.append(HoursRange(weekday=int(data["weekday"]), opens=data["opens"], closes=data["closes"]))
        try:
            opening_hours_validate(ranges=ranges)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class DeskHoursFormSet(OpeningHoursFormSet):
    """Hours of one offering's desk; each row also belongs to the offering's center."""

    def save_new(self, form, commit=True):
        form.instance.center_id = self.instance.center_id
        return super().save_new(form, commit=commit)


class CenterHoursInline(admin.TabularInline):
    model = OpeningHours
    form = OpeningHoursForm
    formset = OpeningHoursFormSet
    fields = ["weekday", "opens", "closes"]
    extra = 1
    verbose_name = _("opening hours of the service point")
    verbose_name_plural = _("opening hours of the service point")

    def get_queryset(self, request: HttpRequest) -> QuerySet[OpeningHours]:
        # Desk hours of offerings are edited on each offering.
        return super().get_queryset(request).filter(offering__isnull=True)


class DeskHoursInline(admin.TabularInline):
    model = OpeningHours
    form = OpeningHoursForm
    formset = DeskHoursFormSet
    fk_name = "offering"
    fields = ["weekday", "opens", "closes"]
    extra = 1
    verbose_name = _("desk hours")
    verbose_name_plural = _("desk hours (empty: the service point's hours apply)")


class ClosureInline(admin.TabularInline):
    model = Closure
    fields = ["date", "reason"]
    extra = 1


class OfferingInline(PreloadedAutocompleteInline):
    model = Offering
    fields = ["procedure", "notes", "is_active"]
    autocomplete_fields = ["procedure"]
    show_change_link = True
    extra = 1

    def get_queryset(self, request: HttpRequest) -> QuerySet[Offering]:
        return super().get_queryset(request).select_related("procedure", "center")


class CounterInline(PreloadedAutocompleteInline):
    model = Counter
    fields = ["label", "entity", "is_active"]
    autocomplete_fields = ["entity"]
    show_change_link = True
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Counter]:
        return super().get_queryset(request).select_related("entity", "center")


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Center)
class CenterAdmin(CenterScopedAdmin):
    center_path = "pk"
    list_display = ["name", "code", "channel", "region", "district", "always_open", "is_active"]
    list_filter = ["channel", "is_active", "region", "always_open"]
    search_fields = ["name", "code", "slug", "region", "province", "district", "address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CenterHoursInline, ClosureInline, OfferingInline, CounterInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "slug", "channel", "description", "opened_on", "is_active"]}),
        (_("Location"), {"fields": ["address", "district", "province", "region", "ubigeo", "latitude", "longitude"]}),
        (_("Contact"), {"fields": ["phone", "email", "website"]}),
        (_("Availability"), {"fields": ["always_open"]}),
    ]


@admin.register(Offering)
class OfferingAdmin(CenterScopedAdmin):
    list_display = ["procedure", "center", "is_active"]
    list_filter = ["is_active", "center__channel", "center", ("procedure__entity", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["procedure", "center"]
    search_fields = ["procedure__name", "procedure__code", "center__name", "center__code"]
    autocomplete_fields = ["center", "procedure"]
    fields = ["center", "procedure", "notes", "is_active"]
    inlines = [DeskHoursInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Offering | None = None) -> list[str]:
        # Desk hours belong to the offering's center: moving an offering means deleting it and adding another.
        return ["center", "procedure"] if obj is not None else []


@admin.register(Counter)
class CounterAdmin(CenterScopedAdmin):
    list_display = ["label", "center", "entity", "is_active"]
    list_filter = ["is_active", "center", ("entity", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["center", "entity"]
    search_fields = ["label", "center__name", "entity__name", "entity__acronym"]
    autocomplete_fields = ["center", "entity", "procedures"]
    filter_horizontal = ["languages"]
    fields = ["center", "label", "entity", "procedures", "languages", "is_active"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(StaffAdminMixin, admin.ModelAdmin):
    """Who works where, in which role: administrators only (their group alone holds these permissions)."""

    list_display = ["user", "role", "center", "created_at"]
    list_filter = ["role", "center"]
    list_select_related = ["user", "center"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "center__name"]
    autocomplete_fields = ["user", "center"]
    filter_horizontal = ["languages"]
    fields = ["user", "role", "center", "languages"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        membership = form.instance
        # Makes the user staff and puts them in the role's group (idempotent for the row just saved).
        staff_membership_grant(user=membership.user, role=membership.role, center=membership.center)

    def get_readonly_fields(self, request: HttpRequest, obj: StaffMembership | None = None) -> list[str]:
        return ["user"] if obj is not None else []  # another person is another membership

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        staff_user_groups_refresh(user=obj.user)

    def delete_queryset(self, request, queryset):
        users = {membership.user for membership in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        for user in users:
            staff_user_groups_refresh(user=user)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who saw which citizen's data, when and why (Ley 29733): read-only, for administrators."""

    list_display = ["at", "user", "action", "content_type", "object_id", "center", "reason"]
    list_filter = ["action", "content_type", "center"]
    list_select_related = ["user", "content_type", "center"]
    search_fields = ["user__username", "object_id"]
    date_hierarchy = "at"
