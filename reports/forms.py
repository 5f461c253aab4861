"""The report filters as a GET form (shape only: the scope of centers comes from reports.selectors.access)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attention.constants import AgeBand, Channel, CitizenIntent, Gender, PriorityNeed
from centers.models import Center, Language
from procedures.models import Entity, Procedure

from .selectors.filters import ReportFilters
from .selectors.indicators import GRANULARITIES

MAX_DAYS = 366 * 11  # eleven years at most in one report

_GRANULARITY_LABELS = {"day": _("Day"), "week": _("Week"), "month": _("Month"), "year": _("Year")}


def _blank(choices) -> list:
    return [("", _("All")), *choices]


class ReportFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    center = forms.ModelChoiceField(
        label=_("Center"), queryset=Center.objects.none(), required=False, empty_label=_("All")
    )
    entity = forms.ModelChoiceField(
        label=_("Entity"), queryset=Entity.objects.order_by("name"), required=False, empty_label=_("All")
    )
    procedure = forms.ModelChoiceField(
        label=_("Procedure"), queryset=Procedure.objects.order_by("name"), required=False, empty_label=_("All")
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=_blank(Channel.choices), required=False)
    intent = forms.ChoiceField(label=_("Citizen intent"), choices=_blank(CitizenIntent.choices), required=False)
    age_band = forms.ChoiceField(label=_("Age band"), choices=_blank(AgeBand.choices), required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=_blank(Gender.choices), required=False)
    language = forms.TypedChoiceField(label=_("Language"), coerce=int, required=False, empty_value=None)
    preferential_reason = forms.ChoiceField(
        label=_("Preferential attention"), choices=_blank(PriorityNeed.choices), required=False
    )
    granularity = forms.ChoiceField(
        label=_("Over time by"), choices=[(g, _GRANULARITY_LABELS[g]) for g in GRANULARITIES], required=False
    )

    def __init__(self, data=None, *, center_ids: list[int], **kwargs) -> None:
        today = timezone.localdate()
        data = data.copy() if data is not None else {}
        data.setdefault("start", dt.date(today.year, 1, 1).isoformat())
        data.setdefault("end", today.isoformat())
        super().__init__(data, **kwargs)
        self.center_ids = center_ids
        self.fields["center"].queryset = Center.objects.filter(pk__in=center_ids).order_by("name")
        languages = [(0, _("Spanish"))] + [
            (lang.pk, lang.name) for lang in Language.objects.exclude(code="es").order_by("name")
        ]
        self.fields["language"].choices = _blank(languages)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end date is before the start date."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("end", _("Choose a period of at most eleven years."))
        return cleaned

    def filters(self, *, sees_all: bool) -> ReportFilters:
        data = self.cleaned_data
        center = data.get("center")
        center_ids = [center.pk] if center else (None if sees_all else list(self.center_ids))
        return ReportFilters(
            start=data["start"],
            end=data["end"],
            center_ids=center_ids,
            entity_id=data["entity"].pk if data.get("entity") else None,
            procedure_id=data["procedure"].pk if data.get("procedure") else None,
            channel=data.get("channel") or None,
            intent=data.get("intent") or None,
            age_band=data.get("age_band") or None,
            gender=data.get("gender") or None,
            language_id=data.get("language"),
            preferential_reason=data.get("preferential_reason") or None,
            granularity=data.get("granularity") or "month",
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8, comma-separated, with the header row."))
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows even if some are invalid"),
        required=False,
        help_text=_("Otherwise a file with any invalid row imports nothing."),
    )
