"""Forms of the complaint pages. The rules live in complaints.services (complaint_clean, attachment_check); the
forms call them so each mistake shows next to its field with the service's own Spanish message."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from appointments.constants import DocumentType
from appointments.forms import LookupForm as AppointmentLookupForm
from appointments.forms import email_field, mobile_phone_field
from appointments.validators import code_normalize

from . import selectors, services
from .constants import ComplaintCategory
from .errors import InvalidComplaint
from .services.filing import DESCRIPTION_LIMITS, REQUEST_LIMITS

__all__ = ["ComplaintForm", "LookupForm"]


def _too_long() -> dict:
    return {"max_length": _("Write at most %(limit_value)d characters (you wrote %(show_value)d).")}


def _int_or_none(value) -> int | None:
    return int(value) if str(value).isdigit() else None


class ComplaintForm(forms.Form):
    """A complaint: what happened, where, what the citizen asks for, and how to reach them."""

    center = forms.TypedChoiceField(
        label=_("Where were you attended?"),
        coerce=_int_or_none,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose the service point where you were attended.")},
    )
    entity = forms.TypedChoiceField(
        label=_("Entity your complaint is about"),
        coerce=_int_or_none,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose the entity your complaint is about.")},
    )
    category = forms.ChoiceField(
        label=_("What is your complaint about?"),
        choices=ComplaintCategory.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose what your complaint is about.")},
    )
    description = forms.CharField(
        label=_("What happened?"),
        required=False,
        max_length=DESCRIPTION_LIMITS[1] + 200,
        help_text=_("When, where and what happened; the names of the staff if you know them."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=_too_long(),
    )
    request = forms.CharField(
        label=_("What do you ask for?"),
        required=False,
        max_length=REQUEST_LIMITS[1] + 200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_too_long(),
    )
    attachment = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=_("A PDF document or a JPG or PNG picture, up to 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
        error_messages={"invalid": _("The file could not be read. Attach it again.")},
    )
    document_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=DocumentType.choices,
        initial=DocumentType.DNI,
        required=False,
        error_messages={"invalid_choice": _("Choose a type of document.")},
    )
    document_number = forms.CharField(
        label=_("Document number"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
        error_messages=_too_long(),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages=_too_long(),
    )
    email = email_field()
    phone = mobile_phone_field(help_text=_("Example: 987 654 321."))
    consent = forms.BooleanField(
        label=_("I accept that my data are used only to process and answer this complaint (Ley 29733)."),
        error_messages={"required": _("Please accept the use of your data for this complaint.")},
    )

    SERVICE_FIELDS = (
        "center",
        "entity",
        "category",
        "description",
        "request",
        "attachment",
        "document_type",
        "document_number",
        "full_name",
        "email",
        "phone",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["center"].choices = [("", _("Choose…")), *selectors.service_point_choices()]
        self.fields["entity"].choices = [("", _("Choose…")), *selectors.entity_choices()]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(_("Your complaint"), Field("center"), Field("entity"), Field("category")),
            Fieldset(_("Tell us"), Field("description"), Field("request"), Field("attachment")),
            Fieldset(
                _("Your data"),
                HTML(
                    format_html(
                        '<p class="form-text mt-0">{}</p>',
                        _("We send the acknowledgement and the answer to your e-mail or mobile: give at least one."),
                    )
                ),
                Field("document_type"),
                Field("document_number"),
                Field("full_name"),
                Field("email"),
                Field("phone"),
                Field("consent"),
            ),
            Div(
                StrictButton(_("File my complaint"), type="submit", css_class="btn btn-primary btn-lg"),
                css_class="mb-3",
            ),
        )

    def complaint_input(self) -> services.ComplaintInput:
        data = self.cleaned_data
        return services.ComplaintInput(
            entity_id=data.get("entity"),
            center_id=data.get("center"),
            category=data.get("category") or "",
            description=data.get("description") or "",
            request=data.get("request") or "",
            document_type=data.get("document_type") or "",
            document_number=data.get("document_number") or "",
            full_name=data.get("full_name") or "",
            email=data.get("email") or "",
            phone=data.get("phone") or "",
        )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            try:
                services.attachment_check(upload=upload)
            except InvalidComplaint as exc:
                raise ValidationError(exc.field_errors["attachment"]) from exc
        return upload

    def clean(self) -> dict:
        data = super().clean()
        try:
            services.complaint_clean(data=self.complaint_input())
        except InvalidComplaint as exc:
            self.add_service_errors(exc.field_errors)
        return data

    def add_service_errors(self, field_errors: dict[str, list[str]]) -> None:
        """The service's field errors next to their fields (once each; unknown keys at the top)."""
        for name, messages in field_errors.items():
            field = name if name in self.SERVICE_FIELDS else None
            for message in messages:
                if field is not None and message in self.errors.get(field, []):
                    continue
                self.add_error(field, message)


class LookupForm(AppointmentLookupForm):
    """The status of a complaint: its tracking code and the document number it was filed with (the appointment
    look-up form, with the complaint's words)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        code, document = self.fields["code"], self.fields["document_number"]
        code.label = _("Tracking code")
        code.help_text = _("10 letters and digits, for example 7KQ4M-2XH9P. It is in your acknowledgement.")
        code.error_messages["required"] = _("Enter your tracking code.")
        document.help_text = _("The one you gave when filing the complaint.")
        self.helper.layout[-1][0].content = _("See the status")

    def clean_code(self) -> str:
        code = code_normalize(self.cleaned_data["code"])
        if not code:
            raise ValidationError(
                _("A tracking code has 10 letters and digits, for example 7KQ4M-2XH9P."), code="invalid_code"
            )
        return code
