"""Serializer fields shared by the API of every app."""

from rest_framework import serializers


class ServiceCheckedChoiceField(serializers.ChoiceField):
    """A choice documented as an enum in the schema whose value is checked by the service the view calls, so the
    API and the pages reject a wrong value with the same message."""

    def to_internal_value(self, data) -> str:
        if not isinstance(data, str | int):
            self.fail("invalid_choice", input=str(data)[:50])
        return str(data)[:50]
