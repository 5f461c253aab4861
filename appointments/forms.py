"""Forms of the citizen booking pages: the wizard's steps, the citizen's data, look-up, cancel.

Every form validates with the same functions as the booking service (appointments.validators), so a citizen
sees each mistake next to its field before anything is booked; the service checks everything again.
"""

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.forms import Form
from procedures.selectors import MAX_QUERY_LENGTH

from . import validators
from .constants import AgeBand, DocumentType, Gender, PriorityNeed
from .errors import InvalidBooking
from .services import Citizen, CleanCitizen, citizen_clean

SLUG_MAX = 120
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")  # django.core.validators.validate_slug
_DECIMAL_ZEROS = re.compile(r"\.0*\s*$")  # what forms.IntegerField drops before int()
_SLOT_MAX = 2**31 - 1


def step_read(data: Mapping[str, str]) -> tuple[dict[str, object], frozenset[str]]:
    """The wizard's position, read from the query string (or hidden fields): what was chosen so far, and the names
    of the parameters that are malformed (left out of the values, as a form's cleaned_data leaves them out).

    Only the shape is checked here; whether the procedure, center, day and time exist and fit together is the
    view's job (it reads the selectors), so each problem gets its own message on the step it belongs to.

    The checks are those of Django's form fields — SlugField (procedure, center), a "YYYY-MM" month, DateField
    "%Y-%m-%d" (day), IntegerField from 1 to 2³¹−1 (slot), all optional — made without building a form, which took
    about 0.1 ms of every wizard request (appointments/tests/test_step_read.py holds them to the form's answers).
    """
    cleaned: dict[str, object] = {}
    errors: set[str] = set()
    for name in ("procedure", "center"):
        value = _text(data.get(name))
        if value and (len(value) > SLUG_MAX or not _SLUG.match(value)):
            errors.add(name)
        else:
            cleaned[name] = value
    month = _text(data.get("month"))
    if not month:
        cleaned["month"] = None
    elif (match := _MONTH.match(month)) and 1 <= int(match[2]) <= 12 and 2000 <= int(match[1]) <= 2999:
        cleaned["month"] = dt.date(int(match[1]), int(match[2]), 1)
    else:
        errors.add("month")
    for name, read in (("day", _day_read), ("slot", _slot_read)):
        value = data.get(name)
        if value in (None, ""):
            cleaned[name] = None
            continue
        try:
            cleaned[name] = read(value)
        except ValueError:
            errors.add(name)
    return cleaned, frozenset(errors)


def _day_read(value: str) -> dt.date:
    # A calendar date (no time, no zone), read as forms.DateField reads it.
    return dt.datetime.strptime(value.strip(), "%Y-%m-%d").date()  # noqa: DTZ007


def _slot_read(value: str) -> int:
    number = int(_DECIMAL_ZEROS.sub("", value))  # as forms.IntegerField reads it
    if not 1 <= number <= _SLOT_MAX:
        raise ValueError(value)
    return number


def _text(value: str | None) -> str:
    """A CharField's value: stripped, "" when missing."""
    return value.strip() if value else ""


class ProcedureSearchForm(Form):
    """First step: find the procedure to book by words (GET)."""

    q = forms.CharField(
        label=_("Search the procedure"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _("Write at most %(limit_value)d characters (you wrote %(show_value)d)."),
        },
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. DNI duplicate"), "autocomplete": "off"}),
    )


def _note(text) -> HTML:
    """A short explanation inside a crispy layout (translated when the form is built, i.e. per request)."""
    return HTML(format_html('<p class="form-text mt-0">{}</p>', text))


def _too_long() -> dict:
    return {"max_length": _("Write at most %(limit_value)d characters (you wrote %(show_value)d).")}


def email_field() -> forms.CharField:
    """The citizen's optional e-mail, as every citizen form asks for it (checked by the services)."""
    return forms.CharField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"max_length": _("The e-mail address is too long.")},
    )


def mobile_phone_field(*, help_text) -> forms.CharField:
    """The citizen's optional mobile number, as every citizen form asks for it (checked by the services)."""
    return forms.CharField(
        label=_("Mobile phone"),
        required=False,
        max_length=30,
        help_text=help_text,
        error_messages=_too_long(),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )


def _choice_error() -> dict:
    return {"invalid_choice": _("Choose an option from the list.")}


class CitizenForm(Form):
    """The citizen's data for a booking (Ley 29733: the least we need, statistics data only with consent)."""

    document_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=DocumentType.choices,
        initial=DocumentType.DNI,
        error_messages={"required": _("Choose a type of document."), "invalid_choice": _("Choose a type of document.")},
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=30,
        help_text=_("DNI: the 8 digits; you may add the check character printed on the card."),
        error_messages={"required": _("Enter your document number."), **_too_long()},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=validators.FULL_NAME_MAX + 50,
        help_text=_("As it appears on your document."),
        error_messages={"required": _("Enter your full name."), **_too_long()},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = email_field()
    phone = mobile_phone_field(help_text=_("For a text message with your code and a reminder. Example: 987 654 321."))
    preferred_language = forms.ChoiceField(
        label=_("Language you prefer to be served in"),
        required=False,
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )
    priority_need = forms.ChoiceField(
        label=_("Preferential attention (Ley 28683)"),
        choices=PriorityNeed.choices,
        initial=PriorityNeed.NONE,
        required=False,
        help_text=_(
            "Pregnant women, adults with small children, older adults and persons with disabilities are served first."
        ),
        widget=forms.RadioSelect,
        error_messages=_choice_error(),
    )
    segmentation_consent = forms.BooleanField(
        label=_("I allow my age band and gender to be used, anonymously, for statistics that improve the service."),
        required=False,
    )
    survey_consent = forms.BooleanField(
        label=_("Invite me once, after I am served, to a short satisfaction survey (optional)."),
        required=False,
    )
    age_band = forms.ChoiceField(
        label=_("Age band"),
        required=False,
        choices=[("", _("I prefer not to say")), *AgeBand.choices],
        error_messages=_choice_error(),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=[("", _("I prefer not to say")), *Gender.choices],
        error_messages=_choice_error(),
    )
    consent = forms.BooleanField(
        label=_("I have read the personal data terms above and I accept them."),
        error_messages={"required": _("Please read and accept the personal data terms.")},
    )

    # The fields services.citizen_clean checks (and reports errors on), besides the consent boxes.
    CITIZEN_FIELDS = (
        "document_type",
        "document_number",
        "full_name",
        "email",
        "phone",
        "preferred_language",
        "priority_need",
        "age_band",
        "gender",
    )
    SERVICE_FIELDS = (*CITIZEN_FIELDS, "segmentation_consent", "consent")

    def __init__(self, *args, languages: Sequence[tuple[str, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].choices = [("", _("No preference")), *languages]
        # The citizen as services.citizen_clean gave them, once the form is valid: a booking made in the same request
        # hands it on to the service (appointment_book takes a CleanCitizen without checking it again).
        self.checked_citizen: CleanCitizen | None = None

    @cached_property
    def helper(self) -> FormHelper:
        """The layout `{% crispy form %}` renders, built when a page shows the form (a valid POST never does)."""
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Fieldset(
                _("Your identity document"),
                Field("document_type"),
                Field("document_number", css_class="form-control-lg"),
                Field("full_name"),
            ),
            Fieldset(
                _("How we send you the confirmation"),
                _note(_("Give at least one of the two.")),
                Field("email"),
                Field("phone"),
                Field("survey_consent"),
            ),
            Fieldset(
                _("Attention"),
                Field("preferred_language"),
                Field("priority_need"),
            ),
            # The two questions show only once their box is ticked (CSS :has, and booking.js disables them while
            # it is not); services.citizen_clean still refuses them without the consent.
            Fieldset(
                _("Statistics (optional)"),
                _note(
                    _(
                        "Answer only if you want to: these data help us learn who uses the service. They are never"
                        " used to serve you and are only reported in totals."
                    )
                ),
                Field("segmentation_consent"),
                Div(Field("age_band"), Field("gender"), css_class="segmentation-fields", css_id="segmentation-fields"),
                css_class="segmentation",
            ),
            Fieldset(
                _("Personal data (Ley 29733)"),
                HTML('{% include "appointments/booking/includes/consent_text.html" %}'),
                Field("consent"),
            ),
        )
        return helper

    def clean_priority_need(self) -> str:
        return self.cleaned_data["priority_need"] or PriorityNeed.NONE

    def clean(self) -> dict:
        """The booking service's own citizen check (services.citizen_clean), so the form and the API reject the
        same inputs with the same messages; its normalized values replace what was typed."""
        data = super().clean()
        raw = {name: data.get(name, "") for name in self.CITIZEN_FIELDS}
        raw["priority_need"] = raw["priority_need"] or PriorityNeed.NONE
        raw["segmentation_consent"] = bool(data.get("segmentation_consent"))
        raw["survey_consent"] = bool(data.get("survey_consent"))
        try:
            clean = citizen_clean(citizen=Citizen.from_data(raw))
        except InvalidBooking as exc:
            self.add_service_errors({name: m for name, m in exc.field_errors.items() if name not in self.errors})
            return data
        data.update(
            document_number=clean.document_number, full_name=clean.full_name, email=clean.email, phone=clean.phone
        )
        self.checked_citizen = clean
        return data

    def citizen(self) -> Citizen:
        """The data for services.appointment_book (call after is_valid())."""
        return Citizen.from_data(self.cleaned_data)

    def add_service_errors(self, field_errors: dict[str, list[str]]) -> None:
        """Show the booking service's field errors next to the fields (unknown keys go to the top)."""
        for name, messages in field_errors.items():
            for message in messages:
                self.add_error(name if name in self.SERVICE_FIELDS else None, message)

    def hidden_fields_data(self) -> list[tuple[str, str]]:
        """(name, value) pairs that carry the valid data to the next step as hidden fields."""
        pairs = []
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if isinstance(value, bool):
                if value:
                    pairs.append((self.add_prefix(name), "on"))
            elif value:
                pairs.append((self.add_prefix(name), str(value)))
        return pairs


class LookupForm(Form):
    """Self-service: find an appointment by its code and the document number it was booked with."""

    code = forms.CharField(
        label=_("Booking code"),
        max_length=30,
        help_text=_("10 letters and digits, for example 7KQ4M-2XH9P. It is in your confirmation e-mail or SMS."),
        error_messages={"required": _("Enter your booking code."), **_too_long()},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=30,
        help_text=_("The one you gave when booking."),
        error_messages={"required": _("Enter your document number."), **_too_long()},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("code", css_class="form-control-lg code-input"),
            Field("document_number", css_class="form-control-lg"),
            Div(
                StrictButton(_("See my appointment"), type="submit", css_class="btn btn-primary btn-lg"),
                css_class="mb-3",
            ),
        )

    def clean_code(self) -> str:
        code = validators.code_normalize(self.cleaned_data["code"])
        if not code:
            raise ValidationError(
                _("A booking code has 10 letters and digits, for example 7KQ4M-2XH9P."), code="invalid_code"
            )
        return code


class CancelForm(Form):
    reason = forms.CharField(
        label=_("Why are you cancelling? (optional)"),
        required=False,
        max_length=250,
        help_text=_("It helps us improve; you can leave it empty."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_too_long(),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
