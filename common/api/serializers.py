"""Serializer base classes shared by the API of every app."""

from rest_framework import serializers


class FlatSerializer(serializers.Serializer):
    """A serializer of plain fields whose fields are copied shallowly for each instance.

    DRF deep-copies every declared field for every serializer instance, which runs each field's __init__ again:
    for the booking's two serializers that was about a tenth of an API booking's CPU (benchmarks/README.md). A
    shallow copy is enough for plain fields: bind() sets its attributes (name, parent, source) on the copy, and what
    the copies share with the declared field (validators, choices, error messages, a queryset) is only read once the
    field is built. A field that holds other fields (a nested serializer, a list or dict field, a many relation)
    would share them between instances, so declaring one is refused when the class is created."""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        for name, field in cls._declared_fields.items():
            if (
                isinstance(field, serializers.BaseSerializer)
                or hasattr(field, "child")
                or hasattr(field, "child_relation")
            ):
                raise TypeError(f"{cls.__name__}.{name} holds other fields: declare it on a serializers.Serializer")

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: _shallow_copy(field) for name, field in self._declared_fields.items()}


def _shallow_copy(field: serializers.Field) -> serializers.Field:
    """What copy.copy makes of a field (a new object of its class sharing its attributes), without copy's protocol
    look-ups: a third of the time, for about thirty fields per API booking."""
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone
