"""Read-only API of the procedures catalog: thin views over procedures.selectors (and, for "where
offered", centers.selectors — the API is a wiring point like the catalog pages)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from centers.selectors import offering_list_for_procedure
from mac_portal.api.exceptions import BAD_REQUEST_RESPONSE, NOT_FOUND_RESPONSE
from procedures.models import Entity, Procedure
from procedures.selectors import entity_list, procedure_get, procedure_list

from .filters import ProcedureQuerySerializer
from .serializers import EntitySerializer, ProcedureDetailSerializer, ProcedureSerializer

NOT_FOUND = {404: NOT_FOUND_RESPONSE}
BAD_REQUEST = {400: BAD_REQUEST_RESPONSE, **NOT_FOUND}


def _slug_parameter(description: str) -> OpenApiParameter:
    return OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description=description)


@extend_schema(tags=["entities"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List entities"),
        description=_("Government bodies whose procedures the MAC channels serve, by name."),
        responses={200: EntitySerializer(many=True), **BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary=_("One entity"),
        parameters=[_slug_parameter(_("The entity's slug, e.g. 'reniec'."))],
        responses={200: EntitySerializer, **NOT_FOUND},
    ),
)
class EntityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EntitySerializer
    lookup_field = "slug"
    filter_backends: list = []
    # A public, read-only API: no session or password is read, so no CSRF and no session query.
    authentication_classes: list = []

    def get_queryset(self):
        return entity_list()

    def get_object(self) -> Entity:
        try:
            return self.get_queryset().get(slug=self.kwargs["slug"])
        except Entity.DoesNotExist as exc:
            raise NotFound(_("There is no entity with this slug.")) from exc


@extend_schema(tags=["procedures"])
@extend_schema_view(
    list=extend_schema(
        summary=_("Search procedures"),
        description=_(
            "Active procedures, by relevance when `q` is given, else by name. Every filter is optional; an "
            "unknown entity or service point, or a value outside the listed choices, is a 400 naming the parameter."
        ),
        parameters=[ProcedureQuerySerializer],
        responses={200: ProcedureSerializer(many=True), **BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary=_("One procedure"),
        description=_("Requirements, fee, legal basis, service standard, and where it is offered with hours."),
        parameters=[_slug_parameter(_("The procedure's slug."))],
        responses={200: ProcedureDetailSerializer, **NOT_FOUND},
    ),
)
class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProcedureSerializer
    lookup_field = "slug"
    filter_backends: list = []
    # A public, read-only API: no session or password is read, so no CSRF and no session query.
    authentication_classes: list = []

    def get_queryset(self):
        return procedure_list()

    def list(self, request: Request, *args, **kwargs) -> Response:
        params = ProcedureQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = self.paginate_queryset(procedure_list(filters=params.filters()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        try:
            procedure = procedure_get(slug=kwargs["slug"])
        except Procedure.DoesNotExist as exc:
            raise NotFound(_("There is no procedure with this slug.")) from exc
        context = self.get_serializer_context() | {
            "offerings": offering_list_for_procedure(procedure_id=procedure.pk),
            "now": timezone.now(),
        }
        return Response(ProcedureDetailSerializer(procedure, context=context).data)
