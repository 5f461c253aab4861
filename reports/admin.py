"""The historic-attentions import in the admin (administrators: `reports.import_attentions`), and a link to the
indicators for whoever may read them. Large files (hundreds of thousands of rows) are better loaded with
`manage.py import_attentions`, which is not bound by the request time limit."""

import io

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from centers.admin import ReadOnlyAdminMixin

from .errors import ImportRejected
from .forms import ImportForm
from .models import Report
from .roles import IMPORT
from .services import COLUMNS, attentions_import


@admin.register(Report)
class ReportImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A form, not a table: visible to holders of `reports.import_attentions`."""

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.has_perm(IMPORT)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def get_model_perms(self, request):
        return {"view": self.has_view_permission(request)}

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        context: dict = {"form": form, "columns": ",".join(COLUMNS)}
        status = 200
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            source = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
            rejects = io.StringIO()
            try:
                result = attentions_import(
                    source=source, skip_invalid=form.cleaned_data["skip_invalid"], rejects=rejects
                )
            except (ImportRejected, UnicodeDecodeError) as exc:
                status = 400
                if isinstance(exc, UnicodeDecodeError):
                    context["errors"] = [(0, _("The file is not UTF-8 text."))]
                    context["total"] = 1
                else:
                    context["errors"], context["total"] = exc.errors, exc.total
            else:
                messages.success(
                    request,
                    _("%(rows)d rows: %(imported)d imported, %(duplicates)d already there, %(rejected)d rejected.")
                    % {
                        "rows": result.rows,
                        "imported": result.imported,
                        "duplicates": result.duplicates,
                        "rejected": result.rejected,
                    },
                )
                if not result.rejected:
                    return HttpResponseRedirect(request.path)
                context["errors"], context["total"] = result.errors, result.rejected
        elif request.method == "POST":
            status = 400
        return render(
            request,
            "admin/reports/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": self.model._meta.verbose_name.capitalize(),
                **context,
            },
            status=status,
        )
