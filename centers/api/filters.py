"""Validation of the list filters of /api/v1/centers/: a bad value is a 400 naming the parameter."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from centers.constants import Channel


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
