"""The change history (mac_portal.audit) in the admin: read-only, for administrators only.

django-auditlog registers its own LogEntry admin (English labels, deletable by cascade); it is replaced by this
one: Spanish labels, no add/change/delete for anyone, and visible only to holders of `auditlog.view_logentry` (the
administrator role's group, and superusers). Other staff get 403 on its pages and do not see it in the index.
django-axes's admins of its lockout records are registered again with the change list every staff screen has
(common.admin.GuardedChangeList).
"""

from auditlog.admin import LogEntryAdmin as _LibraryLogEntryAdmin  # noqa: F401 - registers it, replaced below
from auditlog.models import LogEntry
from axes import admin as axes_admin  # registers the lockout records' admins (AXES_ENABLE_ADMIN), guarded below
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from centers.admin import ReadOnlyAdminMixin
from common.admin import StaffAdminMixin

ACTIONS = {
    LogEntry.Action.CREATE: _("created"),
    LogEntry.Action.UPDATE: _("changed"),
    LogEntry.Action.DELETE: _("deleted"),
    LogEntry.Action.ACCESS: _("viewed"),
}
M2M_OPERATIONS = {"add": _("added"), "delete": _("removed")}

admin.site.unregister(LogEntry)

# django-axes's lockout records drill down by date: their change lists answer an impossible date as ours do.
for _model, _library_admin in (
    (AccessAttempt, axes_admin.AccessAttemptAdmin),
    (AccessLog, axes_admin.AccessLogAdmin),
    (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, type(_library_admin.__name__, (StaffAdminMixin, _library_admin), {}))


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(str(value), label) for value, label in ACTIONS.items()]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(action=int(value)) if value and value.isdigit() else queryset


@admin.register(LogEntry)
class ChangeHistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["when", "who", "action_display", "content_type", "record", "fields_changed"]
    list_filter = [ActionFilter, ("content_type", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["actor", "content_type"]
    search_fields = ["object_repr", "actor__username"]
    search_help_text = _("Record or user name.")
    date_hierarchy = "timestamp"
    fields = ["when", "who", "address", "action_display", "content_type", "record_id", "record"]
    readonly_fields = [*fields, "changes_table"]

    def get_fields(self, request, obj=None):
        return [*self.fields, "changes_table"]

    @admin.display(description=_("when"), ordering="timestamp")
    def when(self, entry: LogEntry):
        return entry.timestamp

    @admin.display(description=_("changed by"), ordering="actor__username")
    def who(self, entry: LogEntry) -> str:
        return str(entry.actor) if entry.actor else str(_("the system"))

    @admin.display(description=_("from address"))
    def address(self, entry: LogEntry) -> str:
        return entry.remote_addr or ""

    @admin.display(description=_("record number"))
    def record_id(self, entry: LogEntry) -> str:
        return entry.object_pk

    @admin.display(description=_("record"), ordering="object_repr")
    def record(self, entry: LogEntry) -> str:
        return entry.object_repr

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, entry: LogEntry) -> str:
        return str(ACTIONS.get(entry.action, entry.action))

    @admin.display(description=_("fields"))
    def fields_changed(self, entry: LogEntry) -> str:
        return ", ".join(str(name) for name in self._display_changes(entry))

    @admin.display(description=_("changes"))
    def changes_table(self, entry: LogEntry) -> str:
        rows = []
        for name, change in self._display_changes(entry).items():
            if isinstance(change, dict):  # a many-to-many change
                operation = M2M_OPERATIONS.get(change.get("operation", ""), change.get("operation", ""))
                rows.append((name, operation, ", ".join(str(item) for item in change.get("objects", []))))
            else:
                old, new = (list(change) + ["", ""])[:2]
                rows.append((name, old, new))
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("field"),
            _("before"),
            _("after"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @staticmethod
    def _display_changes(entry: LogEntry) -> dict:
        """Field verbose names (Spanish) with values as shown to people (choice labels, related objects)."""
        if entry.content_type.model_class() is None:
            return entry.changes_dict
        display = dict(entry.changes_display_dict)
        model = entry.content_type.model_class()
        for name, change in entry.changes_dict.items():
            if isinstance(change, dict):  # many-to-many changes are left out of changes_display_dict's values
                field = model._meta.get_field(name) if model else None
                display[getattr(field, "verbose_name", name)] = change
        return display
