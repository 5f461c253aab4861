"""What every staff screen's change list shares, whatever its app."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


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


class GuardedChangeListAdmin:
    """A model admin mixin (before ModelAdmin in the bases) whose change list is a GuardedChangeList."""

    def get_changelist(self, request, **kwargs):
        return GuardedChangeList
