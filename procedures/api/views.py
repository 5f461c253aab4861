"""Read-only API of the entities. Procedures are served by centers.api.views, since they also say where
each one is offered (procedures never depends on centers)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from common.api.schema import BAD_REQUEST_RESPONSE, NOT_FOUND_RESPONSE
from procedures.models import Entity
from procedures.selectors import entity_list

from .serializers import EntitySerializer

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
    # A public, read-only API: no session or password is read, so no CSRF and no session query.
    authentication_classes: list = []

    def get_queryset(self):
        return entity_list()

    def get_object(self) -> Entity:
        try:
            return self.get_queryset().get(slug=self.kwargs["slug"])
        except Entity.DoesNotExist as exc:
            raise NotFound(_("There is no entity with this slug.")) from exc
