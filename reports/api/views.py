"""Reports API (/api/v1/reports/): the registered indicator tables, read-only, for staff sessions holding
`reports.view_indicators` that passed two-step verification (analysts: every center; supervisors: their own).
Filters are the page's (same names, same checks); errors in the one shape."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.authentication import SessionAuthentication
from common.api.schema import BAD_REQUEST_RESPONSE, NOT_FOUND_RESPONSE, error_response
from common.errors import InvalidInput

from ..forms import ReportFilterForm
from ..registry import TABLES, Table, plain, table_get
from ..selectors import report_center_ids, report_sees_all
from .serializers import TableDataSerializer, TableInfoSerializer

UNAUTHENTICATED = error_response(_("No staff session."), "not_authenticated")
FORBIDDEN = error_response(
    _("The user's role does not allow reports, or the session has not passed two-step verification."),
    "permission_denied",
)
UNAVAILABLE = error_response(
    _("The reports database is not PostgreSQL (the demo portal's SQLite): its tables cannot be computed there."),
    "reports_unavailable",
)
FILTER_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description=_("First day (Lima), default 1 January this year.")),
    OpenApiParameter("end", OpenApiTypes.DATE, description=_("Last day (Lima), included; default today.")),
    OpenApiParameter("center", OpenApiTypes.INT, description=_("A center id among the reader's centers.")),
    OpenApiParameter("entity", OpenApiTypes.INT),
    OpenApiParameter("procedure", OpenApiTypes.INT),
    OpenApiParameter("channel", OpenApiTypes.STR, enum=["presencial", "telefonico", "virtual"]),
    OpenApiParameter("intent", OpenApiTypes.STR, enum=["tramite", "orientacion", "empresa"]),
    OpenApiParameter("age_band", OpenApiTypes.STR),
    OpenApiParameter("gender", OpenApiTypes.STR),
    OpenApiParameter("language", OpenApiTypes.INT, description=_("A language id; 0: Spanish.")),
    OpenApiParameter("preferential_reason", OpenApiTypes.STR),
    OpenApiParameter("granularity", OpenApiTypes.STR, enum=["day", "week", "month", "year"]),
]


def _info(table: Table) -> dict:
    return {
        "slug": table.slug,
        "title": str(table.title),
        "filters": list(table.filters),
        "columns": [{"key": c.key, "header": str(c.header), "kind": c.kind} for c in table.columns],
    }


class ReportsAPIView(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes: list = []

    def scope(self, request: Request) -> list[int]:
        user = request.user
        if not user or not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        center_ids = report_center_ids(user=user)
        if not center_ids:
            raise exceptions.PermissionDenied()
        if not getattr(user, "is_verified", lambda: False)():
            raise exceptions.PermissionDenied(_("Sign in to the admin with your two-step verification code first."))
        return center_ids


class TableListView(ReportsAPIView):
    @extend_schema(
        summary=_("Indicator tables"),
        responses={200: TableInfoSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN},
        tags=["reports"],
    )
    def get(self, request: Request) -> Response:
        self.scope(request)
        return Response([_info(table) for table in TABLES.values()])


class TableDataView(ReportsAPIView):
    @extend_schema(
        summary=_("One indicator table for a period and filters"),
        parameters=[
            OpenApiParameter(
                "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The table, e.g. centers.")
            ),
            *FILTER_PARAMETERS,
        ],
        responses={
            200: TableDataSerializer,
            400: BAD_REQUEST_RESPONSE,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND_RESPONSE,
            503: UNAVAILABLE,
        },
        tags=["reports"],
    )
    def get(self, request: Request, slug: str) -> Response:
        table = table_get(slug)
        center_ids = self.scope(request)
        form = ReportFilterForm(request.query_params, center_ids=center_ids)
        if not form.is_valid():
            raise InvalidInput(field_errors={name: list(errors) for name, errors in form.errors.items()})
        filters = form.filters(sees_all=report_sees_all(user=request.user))
        kinds = {c.key: c.kind for c in table.columns}
        rows = [{key: plain(row.get(key), kind) for key, kind in kinds.items()} for row in table.rows(filters)]
        return Response({**_info(table), "start": filters.start, "end": filters.end, "rows": rows})
