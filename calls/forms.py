"""Forms of the operator's screen. The citizen's data and the look-up are the booking pages' own forms
(appointments.forms: the same checks and messages); only the call's log is new."""

from collections.abc import Sequence

from django import forms
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appointments.forms import CitizenForm
from appointments.selectors import SlotOption
from attention.constants import CitizenIntent
from centers.models import Language
from procedures.models import Procedure

from .constants import CallOutcome


def _slot_choices(slots: Sequence[SlotOption]) -> list[tuple[int, str]]:
    """The times with room, labelled with their free places."""
    return [
        (
            slot.slot_id,
            gettext("%(time)s (free: %(free)s)")
            % {"time": time_format(timezone.localtime(slot.starts_at), "H:i"), "free": slot.free},
        )
        for slot in slots
        if slot.free > 0
    ]


def _slot_field(label) -> forms.TypedChoiceField:
    """A time to pick among _slot_choices (set by the form's __init__)."""
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a time."), "invalid_choice": _("Choose a time from the list.")},
    )


class CallLogForm(forms.Form):
    """What the call was about and how it ended (the procedure comes from the type-ahead)."""

    procedure = forms.ModelChoiceField(
        queryset=Procedure.objects.filter(is_active=True),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Search and choose the procedure the caller asked about."),
            "invalid_choice": _("Search and choose the procedure the caller asked about."),
        },
    )
    intent = forms.ChoiceField(
        label=_("Citizen intent"),
        choices=CitizenIntent.choices,
        initial=CitizenIntent.PROCEDURE,
        widget=forms.RadioSelect,
    )
    language = forms.ModelChoiceField(
        label=_("Language of the call"),
        queryset=Language.objects.order_by("name"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=CallOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the call ended.")},
    )
    referred_to = forms.CharField(
        label=_("Referred to"),
        required=False,
        max_length=200,
        help_text=_("Only when referred: the entity or center."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=250)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        spanish = Language.objects.filter(code="es").first()
        if spanish is not None:
            self.fields["language"].initial = spanish.pk


class PhoneBookingForm(CitizenForm):
    """The booking pages' citizen form plus the time; the operator reads the data terms to the caller."""

    slot = _slot_field(_("Time"))

    def __init__(self, *args, slots: Sequence[SlotOption] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = _slot_choices(slots)
        self.fields["consent"].label = _("The caller heard the personal data terms and accepts them.")
        self.fields["segmentation_consent"].label = _(
            "The caller allows their age band and gender to be used, anonymously, for statistics."
        )
        self.order_fields(["slot"])


class RescheduleForm(forms.Form):
    slot = _slot_field(_("New time"))

    def __init__(self, *args, slots: Sequence[SlotOption] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = _slot_choices(slots)
