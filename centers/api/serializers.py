"""Output serializers of the read-only service points API (and of "where a procedure is offered").

Open-now fields come from centers.selectors (holidays and closures respected); the serializers only
render them. The time they are computed for is the view's `now` in the serializer context, so every
item of one response agrees.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from centers.models import Center, Language, Offering
from centers.selectors import (
    OpeningStatus,
    center_closed_days,
    center_status,
    offering_status,
    offering_weekly_hours,
    weekly_hours,
)
from procedures.api.serializers import ProcedureSerializer, RequirementSerializer
from procedures.models import Entity, Procedure


@extend_schema_field({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "08:30"})
class HourMinuteField(serializers.TimeField):
    """A local time as hours and minutes ("08:30"), documented as such: OpenAPI's `time` format is RFC 3339's
    partial time, with seconds, which the field has never sent."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class TimeRangeSerializer(serializers.Serializer):
    opens = HourMinuteField(help_text=_("Local time (America/Lima)."))
    closes = HourMinuteField(help_text=_("Local time (America/Lima)."))

    def to_representation(self, instance: tuple[dt.time, dt.time]):
        opens, closes = instance
        return super().to_representation({"opens": opens, "closes": closes})


class DayHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text=_("0 is Monday, 6 is Sunday."))
    label = serializers.CharField()
    ranges = TimeRangeSerializer(many=True, help_text=_("Empty: closed that day."))


class ClosedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField(help_text=_("A national holiday or the service point's own closure."))


class OpeningStatusMixin(serializers.Serializer):
    """Flat open-now fields; subclasses say how the status of one object is computed."""

    is_open_now = serializers.SerializerMethodField()
    closes_at = serializers.SerializerMethodField()
    next_opening = serializers.SerializerMethodField()
    closed_reason = serializers.SerializerMethodField()

    def compute_status(self, obj, *, at: dt.datetime | None) -> OpeningStatus:
        raise NotImplementedError

    def _status(self, obj) -> OpeningStatus:
        cache = self.context.setdefault("opening_status_cache", {})
        key = (type(obj).__name__, obj.pk)
        if key not in cache:
            cache[key] = self.compute_status(obj, at=self.context.get("now"))
        return cache[key]

    @extend_schema_field(serializers.BooleanField(help_text=_("Open at the time of the request.")))
    def get_is_open_now(self, obj) -> bool:
        return self._status(obj).is_open

    @extend_schema_field(
        serializers.DateTimeField(allow_null=True, help_text=_("When the current opening range ends; null if closed."))
    )
    def get_closes_at(self, obj) -> str | None:
        value = self._status(obj).closes_at
        return serializers.DateTimeField().to_representation(value) if value else None

    @extend_schema_field(
        serializers.DateTimeField(
            allow_null=True, help_text=_("When it opens next (within three weeks); null if open now or unknown.")
        )
    )
    def get_next_opening(self, obj) -> str | None:
        value = self._status(obj).next_opening
        return serializers.DateTimeField().to_representation(value) if value else None

    @extend_schema_field(serializers.CharField(help_text=_("Today's holiday or closure, if any; else empty.")))
    def get_closed_reason(self, obj) -> str:
        return self._status(obj).closed_reason


def _absolute(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request else path


class CenterBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-center-detail", lookup_field="slug")

    class Meta:
        model = Center
        fields = ["code", "slug", "name", "channel", "address", "district", "region", "phone", "url"]


class CenterSerializer(OpeningStatusMixin, serializers.ModelSerializer):
    """A service point fetched through centers.selectors.center_list / center_get."""

    weekly_hours = serializers.SerializerMethodField()
    upcoming_closures = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="api-center-detail", lookup_field="slug")
    page_url = serializers.SerializerMethodField(help_text=_("The service point's page on the portal."))

    class Meta:
        model = Center
        fields = [
            "code",
            "slug",
            "name",
            "channel",
            "address",
            "district",
            "province",
            "region",
            "ubigeo",
            "latitude",
            "longitude",
            "phone",
            "email",
            "website",
            "opened_on",
            "always_open",
            "is_open_now",
            "closes_at",
            "next_opening",
            "closed_reason",
            "weekly_hours",
            "upcoming_closures",
            "url",
            "page_url",
        ]

    def compute_status(self, obj: Center, *, at: dt.datetime | None) -> OpeningStatus:
        return center_status(center=obj, at=at)

    @extend_schema_field(DayHoursSerializer(many=True))
    def get_weekly_hours(self, center: Center) -> list[dict]:
        return DayHoursSerializer(weekly_hours(hours=center.center_hours), many=True).data

    @extend_schema_field(
        ClosedDaySerializer(many=True, help_text=_("Days of the next three weeks it would open but will not."))
    )
    def get_upcoming_closures(self, center: Center) -> list[dict]:
        return ClosedDaySerializer(center_closed_days(center=center), many=True).data

    def get_page_url(self, center: Center) -> str:
        return _absolute(self, center.get_absolute_url())


class CenterEntitySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-entity-detail", lookup_field="slug")

    class Meta:
        model = Entity
        fields = ["slug", "name", "acronym", "url"]


class CenterProcedureSerializer(serializers.ModelSerializer):
    entity = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api-procedure-detail", lookup_field="slug")

    class Meta:
        model = Procedure
        fields = ["code", "slug", "name", "entity", "url"]


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name"]


class CenterDetailSerializer(CenterSerializer):
    """One service point with what it serves; `catalog` (centers.selectors.center_catalog) is in the context."""

    entities = serializers.SerializerMethodField()
    procedures = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()

    class Meta(CenterSerializer.Meta):
        fields = [*CenterSerializer.Meta.fields, "description", "entities", "procedures", "languages"]

    @extend_schema_field(CenterEntitySerializer(many=True, help_text=_("Entities with a counter or an offering here.")))
    def get_entities(self, center: Center) -> list[dict]:
        return CenterEntitySerializer(self.context["catalog"].entities, many=True, context=self.context).data

    @extend_schema_field(CenterProcedureSerializer(many=True, help_text=_("Procedures offered here, by entity.")))
    def get_procedures(self, center: Center) -> list[dict]:
        procedures = [p for _entity, items in self.context["catalog"].procedures_by_entity for p in items]
        return CenterProcedureSerializer(procedures, many=True, context=self.context).data

    @extend_schema_field(LanguageSerializer(many=True, help_text=_("Languages the counters' staff speak.")))
    def get_languages(self, center: Center) -> list[dict]:
        return LanguageSerializer(self.context["catalog"].languages, many=True).data


class OfferingPlaceSerializer(OpeningStatusMixin, serializers.ModelSerializer):
    """Where a procedure is offered (centers.selectors.offering_list_for_procedure), with that desk's hours."""

    center = CenterBriefSerializer()
    has_own_hours = serializers.SerializerMethodField()
    weekly_hours = serializers.SerializerMethodField()

    class Meta:
        model = Offering
        fields = [
            "center",
            "notes",
            "has_own_hours",
            "is_open_now",
            "closes_at",
            "next_opening",
            "closed_reason",
            "weekly_hours",
        ]

    def compute_status(self, obj: Offering, *, at: dt.datetime | None) -> OpeningStatus:
        return offering_status(offering=obj, at=at)

    @extend_schema_field(
        serializers.BooleanField(help_text=_("True when this desk keeps hours other than the service point's."))
    )
    def get_has_own_hours(self, offering: Offering) -> bool:
        return bool(offering.desk_hours)

    @extend_schema_field(DayHoursSerializer(many=True))
    def get_weekly_hours(self, offering: Offering) -> list[dict]:
        return DayHoursSerializer(offering_weekly_hours(offering=offering), many=True).data


class ProcedureDetailSerializer(ProcedureSerializer):
    """A procedure with its checklist; `offerings` (selectors.offering_list_for_procedure) is in the context."""

    requirements = RequirementSerializer(many=True, help_text=_("The checklist, in the order to read it."))
    offered_at = serializers.SerializerMethodField()

    class Meta(ProcedureSerializer.Meta):
        fields = [*ProcedureSerializer.Meta.fields, "payment_instructions", "legal_basis", "requirements", "offered_at"]

    @extend_schema_field(
        OfferingPlaceSerializer(many=True, help_text=_("Where it is offered, with each place's hours and open-now."))
    )
    def get_offered_at(self, procedure: Procedure) -> list[dict]:
        return OfferingPlaceSerializer(self.context["offerings"], many=True, context=self.context).data
