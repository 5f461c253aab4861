from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    header = serializers.CharField(help_text=_("Column heading, in the language of the request."))
    kind = serializers.ChoiceField(choices=["text", "int", "decimal", "percent", "date"])


class TableInfoSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    filters = serializers.ListField(
        child=serializers.CharField(), help_text=_("Filters it honours besides the period and center.")
    )
    columns = ColumnSerializer(many=True)


class TableDataSerializer(TableInfoSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text=_("One object per row, keyed by column; numbers as numbers (shares as fractions); null: suppressed."),
    )
