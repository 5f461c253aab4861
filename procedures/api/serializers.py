"""Output serializers of the read-only catalog API: entities and procedures.

A procedure's detail also says where it is offered, so its serializer lives in centers.api.serializers.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from procedures.constants import Channel
from procedures.models import Entity, Procedure, Requirement

CURRENCY = "PEN"


class EntityBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-entity-detail", lookup_field="slug")

    class Meta:
        model = Entity
        fields = ["slug", "name", "acronym", "url"]


class EntitySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-entity-detail", lookup_field="slug")
    procedures_url = serializers.SerializerMethodField(help_text=_("The entity's procedures in this API."))

    class Meta:
        model = Entity
        fields = ["slug", "name", "acronym", "sector", "level", "website", "description", "url", "procedures_url"]

    def get_procedures_url(self, entity: Entity) -> str:
        path = f"{reverse('api-procedure-list')}?{urlencode({'entity': entity.slug})}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ServiceStandardSerializer(serializers.ModelSerializer):
    """The published service standard (ANS) of a procedure."""

    max_wait_minutes = serializers.IntegerField(source="sla_max_wait_minutes")
    max_service_minutes = serializers.IntegerField(source="sla_max_service_minutes")

    class Meta:
        model = Procedure
        fields = ["max_wait_minutes", "max_service_minutes"]


class ProcedureBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-procedure-detail", lookup_field="slug")

    class Meta:
        model = Procedure
        fields = ["code", "slug", "name", "url"]


class ProcedureSerializer(serializers.ModelSerializer):
    entity = EntityBriefSerializer()
    fee = serializers.DecimalField(
        max_digits=10, decimal_places=2, coerce_to_string=True, help_text=_("In soles; '0.00' means free.")
    )
    currency = serializers.SerializerMethodField()
    is_free = serializers.BooleanField()
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        help_text=_("Channels on which the procedure can be started."),
    )
    service_standard = ServiceStandardSerializer(source="*")
    url = serializers.HyperlinkedIdentityField(view_name="api-procedure-detail", lookup_field="slug")
    page_url = serializers.SerializerMethodField(help_text=_("The procedure's page on the portal."))

    class Meta:
        model = Procedure
        fields = [
            "code",
            "slug",
            "name",
            "summary",
            "entity",
            "fee",
            "currency",
            "is_free",
            "channels",
            "appointment_policy",
            "intent",
            "counter_minutes",
            "resolution_days",
            "service_standard",
            "demand_rank",
            "url",
            "page_url",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=[CURRENCY]))
    def get_currency(self, procedure: Procedure) -> str:
        return CURRENCY

    def get_page_url(self, procedure: Procedure) -> str:
        request = self.context.get("request")
        path = procedure.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class RequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Requirement
        fields = ["position", "text", "note", "is_optional"]
