"""Validation of the list filters of /api/v1/centers/ and /api/v1/procedures/: a bad value is a 400 naming it."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from centers.constants import Channel
from centers.models import Center
from centers.selectors import CatalogFilters
from procedures.constants import CitizenIntent
from procedures.models import Entity
from procedures.selectors import MAX_QUERY_LENGTH


class CenterQuerySerializer(serializers.Serializer):
    """The query parameters of /api/v1/centers/; a blank value means "no filter"."""

    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        allow_blank=True,
        help_text=_("Only service points of this channel (in-person centers, the phone line, the web portal)."),
    )

    def filters(self) -> dict[str, str]:
        return {name: value for name, value in self.validated_data.items() if value}


class ProcedureQuerySerializer(serializers.Serializer):
    """The query parameters of /api/v1/procedures/; blank values mean "no filter"."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            "Free-text search in names, entity, keywords, summary and requirements; case-, accent- and "
            "word-form-insensitive (e.g. 'policia' finds the police-record certificate)."
        ),
    )
    entity = serializers.SlugField(
        required=False, allow_blank=True, max_length=80, help_text=_("Slug of an entity, see /api/v1/entities/.")
    )
    center = serializers.SlugField(
        required=False,
        allow_blank=True,
        max_length=80,
        help_text=_("Slug of a service point, see /api/v1/centers/: only procedures offered there."),
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        allow_blank=True,
        help_text=_("Only procedures that can be started on this channel."),
    )
    intent = serializers.ChoiceField(
        choices=CitizenIntent.choices,
        required=False,
        allow_blank=True,
        help_text=_("Citizen intent: procedure, orientation or company formation."),
    )

    def validate_entity(self, value: str) -> str:
        if value and not Entity.objects.filter(slug=value).exists():
            raise serializers.ValidationError(_("There is no entity with this slug."))
        return value

    def validate_center(self, value: str) -> str:
        if value and not Center.objects.filter(slug=value, is_active=True).exists():
            raise serializers.ValidationError(_("There is no service point with this slug."))
        return value

    def filters(self) -> CatalogFilters:
        return {name: value for name, value in self.validated_data.items() if value}  # type: ignore[return-value]
