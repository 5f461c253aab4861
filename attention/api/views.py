"""Attention API (/api/v1/attention/): thin views over attention.services/selectors, for the admin's pages, a
vendor's ticket printer (kiosk token) or display panel (screen token).

Staff authenticate with their admin session (CSRF enforced on writes; the session must have passed two-step
verification, as every attention permission reaches citizens' data) and act only at their centers, in the roles
that allow it (a foreign center or ticket answers 404); devices send `Authorization: Device <token>` and act only
for their own center. Errors are raised, and the one exception handler (common.api.exceptions) renders them as
{"code", "detail", "errors"?, "retry_after"?}.

Order of the checks, the same on every endpoint: the body parses (400 parse_error, 415), the center or ticket in
the address exists for this caller (404: unknown, another center's, or asked for by nobody), who is asking (401,
403), the fields (400), then the service (409…).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from centers.models import Center
from centers.selectors import center_is_active
from common.api.authentication import SessionAuthentication
from common.api.schema import error_response
from common.errors import NotFound

from .. import selectors, services
from ..constants import DeviceKind
from ..errors import CounterNotOpen
from ..models import CounterSession, DeviceToken, Ticket
from .authentication import DeviceTokenAuthentication
from .serializers import (
    CheckInSerializer,
    FinishSerializer,
    IssueSerializer,
    ScreenSerializer,
    TicketSerializer,
    TransferSerializer,
)

INVALID = error_response(
    _("Invalid data (errors per field), or a procedure not served here."), "invalid", "not_offered"
)
UNAUTHENTICATED = error_response(_("No session and no device token."), "not_authenticated", "authentication_failed")
FORBIDDEN = error_response(
    _("The user's role does not allow this, or the session has not passed two-step verification."),
    "permission_denied",
)
NOT_FOUND = error_response(
    _("Unknown center or ticket, or one of another center."), "not_found", "appointment_not_found"
)
CONFLICT = error_response(
    _("The counter is not open, has a ticket in progress, or the ticket changed meanwhile."),
    "counter_not_open",
    "ticket_in_progress",
    "ticket_state_conflict",
    "too_early_for_no_show",
)


class AttentionAPIView(APIView):
    authentication_classes = [DeviceTokenAuthentication, SessionAuthentication]
    permission_classes: list = []

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS:
            request.data  # noqa: B018 - parse the body first: a malformed one is a 400/415 whatever the address

    def device(self, request: Request, kind: str) -> DeviceToken | None:
        return request.auth if isinstance(request.auth, DeviceToken) and request.auth.kind == kind else None

    def staff(self, request: Request, permission: str):
        """The logged-in user, if they hold `permission` and their session passed two-step verification (django-otp's
        OTPMiddleware; the admin asks for the code at login); else 401 (nobody) or 403."""
        user = request.user
        if not user or not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if not user.has_perm(permission):
            raise exceptions.PermissionDenied()
        if not getattr(user, "is_verified", lambda: False)():
            raise exceptions.PermissionDenied(_("Sign in to the admin with your two-step verification code first."))
        return user

    def valid(self, serializer_class, data) -> dict:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def ticket_response(self, ticket: Ticket | None, code: int = status.HTTP_200_OK) -> Response:
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        ticket = selectors.ticket_get(ticket_id=ticket.pk)
        return Response(TicketSerializer(ticket).data, status=code)


class CenterAPIView(AttentionAPIView):
    def center_for(self, request: Request, slug: str, *, kind: str, permission: str, roles) -> Center:
        """The center: the device's own (a device of another center: 404), or one where the user has `roles`."""
        if not center_is_active(slug=slug):
            raise NotFound()  # centers are public (the catalog): an unknown one is 404 whoever asks
        device = self.device(request, kind)
        if device is not None:
            if device.center.slug != slug:
                raise NotFound()
            return device.center
        if isinstance(request.auth, DeviceToken):
            raise exceptions.PermissionDenied()  # a screen cannot issue tickets, a kiosk cannot read the screen
        user = self.staff(request, permission)
        center = selectors.centers_for_staff(user=user, roles=roles).filter(slug=slug).first()
        if center is None:
            raise NotFound()
        return center


class IssueView(CenterAPIView):
    @extend_schema(
        tags=["attention"],
        summary=_("Issue a walk-in ticket"),
        description=_("A greeter (session) or the center's kiosk (device token) issues a ticket for a procedure."),
        request=IssueSerializer,
        responses={201: TicketSerializer, 400: INVALID, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, slug: str) -> Response:
        center = self.center_for(
            request, slug, kind=DeviceKind.KIOSK, permission="attention.issue_ticket", roles=selectors.GREETER_ROLES
        )
        data = self.valid(IssueSerializer, request.data)
        issued_by = request.user if request.user.is_authenticated else None
        ticket = services.ticket_issue(center=center, issued_by=issued_by, **data)
        return self.ticket_response(ticket, status.HTTP_201_CREATED)


class CheckInView(CenterAPIView):
    authentication_classes = [SessionAuthentication]

    @extend_schema(
        tags=["attention"],
        summary=_("Check in an appointment"),
        description=_("Today's appointment at this center, by booking code or document number, joins the queue."),
        request=CheckInSerializer,
        responses={
            201: TicketSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        center = self.center_for(
            request, slug, kind="", permission="attention.issue_ticket", roles=selectors.GREETER_ROLES
        )
        data = self.valid(CheckInSerializer, request.data)
        ticket = services.ticket_check_in_appointment(center=center, issued_by=request.user, **data)
        return self.ticket_response(ticket, status.HTTP_201_CREATED)


class ScreenView(CenterAPIView):
    @extend_schema(
        tags=["attention"],
        summary=_("Waiting-room screen feed"),
        description=_(
            "The latest called tickets of a center, newest first, for a display panel (screen token) or staff. "
            "Send the last ETag in If-None-Match: 304 until the rows change."
        ),
        responses={
            200: ScreenSerializer,
            304: OpenApiResponse(description=_("Nothing changed since that ETag.")),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        center = self.center_for(
            request,
            slug,
            kind=DeviceKind.SCREEN,
            permission="attention.view_ticket",
            roles=(*selectors.GREETER_ROLES, *selectors.SERVING_ROLES),
        )
        version = selectors.screen_version(center=center)
        etag = f'"{version}"'
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        body = {"center": center.slug, "version": version, "rows": selectors.screen_feed(center=center)}
        return Response(ScreenSerializer(body).data, headers={"ETag": etag, "Cache-Control": "no-cache"})


class CounterAPIView(AttentionAPIView):
    authentication_classes = [SessionAuthentication]

    def session(self, request: Request) -> CounterSession:
        user = self.staff(request, "attention.serve_ticket")
        session = selectors.counter_session_current(user=user)
        if session is None:
            raise CounterNotOpen()
        return session

    def ticket(self, request: Request, ticket_id: int) -> Ticket:
        """A ticket of the user's centers; 404 for an unknown one, another center's, or when nobody is signed in."""
        if not request.user.is_authenticated:
            raise NotFound()
        return selectors.ticket_for_staff(user=request.user, ticket_id=ticket_id)


COUNTER_RESPONSES = {
    200: TicketSerializer,
    400: INVALID,
    401: UNAUTHENTICATED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}


class CallNextView(CounterAPIView):
    @extend_schema(
        tags=["attention"],
        summary=_("Call the next citizen"),
        description=_(
            "To the counter the user has open, by the documented rule (preferential first, then due appointments "
            "and long-waiting walk-ins, then arrival order). 204 when nobody is waiting for this counter."
        ),
        request=None,
        responses={**COUNTER_RESPONSES, 204: OpenApiResponse(description=_("Nobody is waiting for this counter."))},
    )
    def post(self, request: Request) -> Response:
        return self.ticket_response(services.ticket_call_next(session=self.session(request)))


class RecallView(CounterAPIView):
    @extend_schema(tags=["attention"], summary=_("Call a ticket again"), request=None, responses=COUNTER_RESPONSES)
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket(request, ticket_id)
        return self.ticket_response(services.ticket_recall(ticket=ticket, session=self.session(request)))


class StartView(CounterAPIView):
    @extend_schema(tags=["attention"], summary=_("Start serving a ticket"), request=None, responses=COUNTER_RESPONSES)
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket(request, ticket_id)
        session = self.session(request)
        services.attention_start(ticket=ticket, session=session)
        return self.ticket_response(ticket)


class FinishView(CounterAPIView):
    @extend_schema(
        tags=["attention"],
        summary=_("Finish serving a ticket"),
        description=_("With its outcome: resolved, or not resolved with a missing requirement or a note."),
        request=FinishSerializer,
        responses=COUNTER_RESPONSES,
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket(request, ticket_id)
        session = self.session(request)
        services.attention_finish(ticket=ticket, session=session, **self.valid(FinishSerializer, request.data))
        return self.ticket_response(ticket)


class TransferView(CounterAPIView):
    @extend_schema(
        tags=["attention"],
        summary=_("Transfer a ticket"),
        description=_("To another procedure's queue and/or a counter; the ticket keeps its code and arrival time."),
        request=TransferSerializer,
        responses=COUNTER_RESPONSES,
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket(request, ticket_id)
        session = self.session(request)
        data = self.valid(TransferSerializer, request.data)
        return self.ticket_response(services.ticket_transfer(ticket=ticket, session=session, **data))
