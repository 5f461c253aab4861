"""FlatSerializer: fields copied shallowly per instance, each bound to its own serializer, the same data as DRF's
deep copies give; a field holding other fields is refused."""

import pytest
from rest_framework import serializers

from common.api.serializers import FlatSerializer


def _declared() -> dict:
    """The same declarations for both serializers compared (fresh field objects each time)."""
    return {
        "name": serializers.CharField(max_length=5),
        "kind": serializers.ChoiceField(choices=[("a", "A"), ("b", "B")], required=False, default="a"),
        "count": serializers.IntegerField(min_value=1, source="total"),
        "label": serializers.SerializerMethodField(),
        "get_label": lambda self, obj: f"{obj['name']}:{self.context.get('suffix', '')}",
    }


Deep = type("Deep", (serializers.Serializer,), _declared())  # DRF's own deep copies
Flat = type("Flat", (FlatSerializer,), _declared())


@pytest.mark.parametrize(
    "data",
    [
        {"name": "abc", "count": 2},
        {"name": "abcdefgh", "kind": "z", "count": 0},
        {"name": "", "count": "x"},
        {},
    ],
)
def test_validation_is_drfs(data):
    deep, flat = Deep(data=data), Flat(data=data)
    assert deep.is_valid() == flat.is_valid()
    assert deep.errors == flat.errors
    if not flat.errors:
        assert deep.validated_data == flat.validated_data


def test_output_is_drfs_and_each_instance_has_its_own_bound_fields():
    row = {"name": "abc", "kind": "b", "total": 3}
    one, two = Flat(row, context={"suffix": "1"}), Flat(row, context={"suffix": "2"})
    assert (
        one.data
        == Deep(row, context={"suffix": "1"}).data
        == {"name": "abc", "kind": "b", "count": 3, "label": "abc:1"}
    )
    assert two.data["label"] == "abc:2"
    for name in ("name", "count", "label"):
        assert one.fields[name] is not two.fields[name]
        assert one.fields[name].parent is one and two.fields[name].parent is two
        assert one.fields[name].field_name == name
        declared = Flat._declared_fields[name]  # never bound itself
        assert declared.parent is None and declared.field_name is None
    assert one.fields["count"].source_attrs == ["total"] and not hasattr(Flat._declared_fields["count"], "source_attrs")


@pytest.mark.parametrize(
    "field",
    [
        Deep(),
        serializers.ListField(child=serializers.CharField()),
        serializers.DictField(child=serializers.IntegerField()),
        serializers.ListSerializer(child=Deep()),
    ],
)
def test_a_field_holding_fields_is_refused(field):
    with pytest.raises(TypeError, match="holds other fields"):
        type("Nested", (FlatSerializer,), {"inner": field})
