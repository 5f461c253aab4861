"""Read-only API of the service points (open-now, hours, closures) and of the procedures catalog with where
each procedure is offered: thin views over centers.selectors and procedures.selectors."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from centers.models import Center
from centers.selectors import (
    catalog_procedure_list,
    center_catalog,
    center_get,
    center_list,
    offering_list_for_procedure,
)
from common.api.schema import BAD_REQUEST_RESPONSE, NOT_FOUND_RESPONSE
from procedures.api.serializers import ProcedureSerializer
from procedures.models import Procedure
from procedures.selectors import procedure_get

from .filters import CenterQuerySerializer, ProcedureQuerySerializer
from .serializers import CenterDetailSerializer, CenterSerializer, ProcedureDetailSerializer

NOT_FOUND = {404: NOT_FOUND_RESPONSE}
BAD_REQUEST = {400: BAD_REQUEST_RESPONSE, **NOT_FOUND}


@extend_schema(tags=["service points"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List service points"),
        description=_(
            "In-person MAC centers, the phone line and the web portal, each with its weekly hours, the days of "
            "the next three weeks it is closed, and whether it is open at the time of the request."
        ),
        parameters=[CenterQuerySerializer],
        responses={200: CenterSerializer(many=True), 400: BAD_REQUEST_RESPONSE, 404: NOT_FOUND_RESPONSE},
    ),
    retrieve=extend_schema(
        summary=_("One service point"),
        description=_("Also lists the entities present, the procedures offered and the languages spoken."),
        parameters=[
            OpenApiParameter(
                "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The service point's slug.")
            )
        ],
        responses={200: CenterDetailSerializer, 404: NOT_FOUND_RESPONSE},
    ),
)
class CenterViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CenterSerializer
    lookup_field = "slug"
    # A public, read-only API: no session or password is read, so no CSRF and no session query.
    authentication_classes: list = []

    def get_queryset(self):
        return center_list()

    def get_serializer_context(self) -> dict:
        return super().get_serializer_context() | {"now": timezone.now()}

    def list(self, request: Request, *args, **kwargs) -> Response:
        params = CenterQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = self.paginate_queryset(center_list(**params.filters()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        try:
            center = center_get(slug=kwargs["slug"])
        except Center.DoesNotExist as exc:
            raise NotFound(_("There is no service point with this slug.")) from exc
        context = self.get_serializer_context() | {"catalog": center_catalog(center=center)}
        return Response(CenterDetailSerializer(center, context=context).data)


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
        parameters=[
            OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The procedure's slug."))
        ],
        responses={200: ProcedureDetailSerializer, **NOT_FOUND},
    ),
)
class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProcedureSerializer
    lookup_field = "slug"
    # A public, read-only API: no session or password is read, so no CSRF and no session query.
    authentication_classes: list = []

    def get_queryset(self):
        return catalog_procedure_list()

    def list(self, request: Request, *args, **kwargs) -> Response:
        params = ProcedureQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = self.paginate_queryset(catalog_procedure_list(filters=params.filters()))
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
