"""Forms of the public procedures catalog."""

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import Form

from .constants import Channel, CitizenIntent
from .selectors import MAX_QUERY_LENGTH


class ProcedureSearchForm(Form):
    """The catalog's GET search: free text plus entity, service point, channel and intent filters (rendered by
    procedures/includes/search_filters.html).

    Entities and service points are chosen by slug; the caller passes both lists so one query each
    feeds the menus and the validation.
    """

    q = forms.CharField(
        label=_("What do you need to do?"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _("Write at most %(limit_value)d characters (you wrote %(show_value)d)."),
        },
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. police record certificate"), "autocomplete": "off"}
        ),
    )
    entity = forms.ChoiceField(
        label=_("Entity"),
        required=False,
        error_messages={"invalid_choice": _("We do not know the entity “%(value)s”. Choose one from the list.")},
    )
    center = forms.ChoiceField(
        label=_("Service point"),
        required=False,
        error_messages={"invalid_choice": _("We do not know the service point “%(value)s”. Choose one from the list.")},
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("Any channel")), *Channel.choices],
        error_messages={"invalid_choice": _("“%(value)s” is not a channel. Choose one from the list.")},
    )
    intent = forms.ChoiceField(
        label=_("I want to"),
        required=False,
        choices=[("", _("Anything")), *CitizenIntent.choices],
        error_messages={"invalid_choice": _("“%(value)s” is not an option. Choose one from the list.")},
    )

    def __init__(
        self,
        *args,
        entities: Sequence[tuple[str, str]] = (),
        centers: Sequence[tuple[str, str]] = (),
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = [("", _("All entities")), *entities]
        self.fields["center"].choices = [("", _("All service points")), *centers]

    FILTERS = ("entity", "center", "channel", "intent")

    @property
    def filter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.FILTERS]

    @property
    def filtered(self) -> bool:
        """A filter is set (the filters then show unfolded)."""
        return self.is_bound and any(self.data.get(name) for name in self.FILTERS)

    @property
    def entity_choices(self) -> list[tuple[str, str]]:
        return [choice for choice in self.fields["entity"].choices if choice[0]]

    def filters(self) -> dict[str, str]:
        """The cleaned, non-empty filters for centers.selectors.catalog_procedure_list (call after is_valid())."""
        return {key: value for key, value in self.cleaned_data.items() if value}  # type: ignore[return-value]
