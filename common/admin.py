"""What every staff screen of the admin shares, whatever its app: change lists and autocompletes that answer junk
input (a crafted URL or POST) with the admin's own error, never a 500."""

from django import forms
from django.contrib.admin.options import BaseModelAdmin, IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError


class GuardedChangeList(ChangeList):
    """A change list whose date drill-down (`date_hierarchy`) turns an impossible date into the admin's "wrong
    filter" answer (a redirect to `?e=1`) instead of a 500.

    Django 6.1's `ChangeList.get_filters` catches only ValueError around the date it builds: a year of 30 digits raises
    OverflowError there, and a year of 9999 raises ValueError outside its `try` when the year after it is computed
    (fixed upstream in Django ticket #37357, not in a 6.1 release).
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class _GuardedAutocomplete(AutocompleteMixin):
    """An autocomplete that shows a submitted value naming no row ("abc" for a number: a crafted POST) as nothing
    chosen, so the form answers with its "choose a valid option" error. Django 6.1's AutocompleteMixin.optgroups
    filters the related rows by the raw value, which raises ValueError (ValidationError for a UUID) on re-render."""

    def optgroups(self, name, value, attr=None):
        try:
            return super().optgroups(name, value, attr)
        except (ValueError, ValidationError):
            return super().optgroups(name, [], attr)


class GuardedAutocompleteSelect(_GuardedAutocomplete, forms.Select):
    """Django's AutocompleteSelect, guarded."""


class GuardedAutocompleteSelectMultiple(_GuardedAutocomplete, forms.SelectMultiple):
    """Django's AutocompleteSelectMultiple, guarded."""


class StaffAdminMixin(BaseModelAdmin):
    """A model admin or inline mixin (before ModelAdmin or the inline class in the bases): its change list is a
    GuardedChangeList and its `autocomplete_fields` use the guarded autocompletes (`autocomplete_select` for a
    foreign key: a subclass of GuardedAutocompleteSelect)."""

    autocomplete_select: type[GuardedAutocompleteSelect] = GuardedAutocompleteSelect

    def get_changelist(self, request, **kwargs):
        return GuardedChangeList

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = self.autocomplete_select(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            widget = GuardedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
            kwargs["widget"] = widget
        return super().formfield_for_manytomany(db_field, request, **kwargs)
