"""Forms of the staff screens and the kiosk; they validate input only — every rule lives in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appointments.constants import DocumentType
from centers.models import Center, Counter, Language
from procedures.models import Procedure

from .constants import Outcome, PriorityNeed


def in_person_procedures(center: Center):
    return (
        Procedure.objects.filter(
            offerings__center=center, offerings__is_active=True, via_in_person=True, is_active=True
        )
        .select_related("entity")
        .order_by("entity__name", "name")
    )


class ProcedureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Procedure) -> str:
        return f"{obj.entity.short_name} — {obj.name}"


class IssueForm(forms.Form):
    procedure = ProcedureChoiceField(label=_("Procedure"), queryset=Procedure.objects.none())
    preferential_reason = forms.ChoiceField(
        label=_("Preferential attention (Ley 28683)"), choices=PriorityNeed.choices, initial=PriorityNeed.NONE
    )
    language = forms.ModelChoiceField(
        label=_("Language need"),
        queryset=Language.objects.exclude(code="es"),
        required=False,
        empty_label=_("Spanish"),
    )

    then_1 = ProcedureChoiceField(label=_("Then (step 2)"), queryset=Procedure.objects.none(), required=False)
    then_2 = ProcedureChoiceField(label=_("Then (step 3)"), queryset=Procedure.objects.none(), required=False)
    pay_first = forms.BooleanField(label=_("Pay the fee first where the catalog says so"), required=False, initial=True)

    def __init__(self, *args, center: Center, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("procedure", "then_1", "then_2"):
            self.fields[name].queryset = in_person_procedures(center)

    def visit(self) -> dict:
        """The cleaned data as services.visit_issue takes it (the itinerary's procedures in order)."""
        data = dict(self.cleaned_data)
        steps = [data.pop("procedure"), data.pop("then_1"), data.pop("then_2")]
        return {**data, "procedures": [step for step in steps if step is not None]}


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Booking code (type or scan)"),
        max_length=20,
        required=False,
        # Focused on arrival: a handheld scanner reading the appointment's QR types the code and Enter.
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}),
    )
    document_number = forms.CharField(
        label=_("or document number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("code") and not cleaned_data.get("document_number"):
            raise forms.ValidationError(_("Enter the booking code or the document number."))
        return cleaned_data


class OpenCounterForm(forms.Form):
    counter = forms.ModelChoiceField(label=_("Counter"), queryset=Counter.objects.none())

    def __init__(self, *args, counters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].queryset = counters


class FinishForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(Outcome.RESOLVED, Outcome.RESOLVED.label), (Outcome.NOT_RESOLVED, Outcome.NOT_RESOLVED.label)],
    )
    missing_requirement = forms.ModelChoiceField(
        label=_("Missing requirement"), queryset=Procedure.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=250, required=False)

    def __init__(self, *args, procedure: Procedure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missing_requirement"].queryset = procedure.requirements.all()


class TransferForm(forms.Form):
    procedure = ProcedureChoiceField(label=_("To the queue of"), queryset=Procedure.objects.none(), required=False)
    counter = forms.ModelChoiceField(label=_("To the counter"), queryset=Counter.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), max_length=250, required=False)

    def __init__(self, *args, center: Center, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = in_person_procedures(center)
        self.fields["counter"].queryset = Counter.objects.filter(center=center, is_active=True).order_by("label")


class KioskForm(forms.Form):
    procedure = forms.ModelChoiceField(queryset=Procedure.objects.none())
    preferential_reason = forms.ChoiceField(choices=PriorityNeed.choices, initial=PriorityNeed.NONE, required=False)
    # The rendered page's key (attention.services.kiosk): every post of one page issues one ticket.
    request_key = forms.RegexField(regex=r"^[A-Za-z0-9_-]{16,64}$", required=False)

    def __init__(self, *args, center: Center, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = in_person_procedures(center)


class RemoteJoinForm(forms.Form):
    """Joining a center's queue from a phone; the service normalizes and checks every value."""

    procedure = forms.ModelChoiceField(
        label=_("Procedure"), queryset=Procedure.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    document_number = forms.CharField(
        label=_("Document number"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        help_text=_("We send you a text message when your turn is near."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("E-mail (optional)"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email"}),
    )

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures
        self.fields["procedure"].label_from_instance = lambda obj: f"{obj.entity.short_name} — {obj.name}"
