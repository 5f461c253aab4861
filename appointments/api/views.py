"""Appointments API: thin views over appointments.services/selectors, with the same rules and error codes as the pages.

Errors have one shape, {"code", "detail", "errors"?, "retry_after"?}:
400 invalid / window_closed, 404 not_found (unknown code or a document that does not match it: one answer),
409 slot_full / duplicate, 429 rate_limited / cooldown / limit_reached (with Retry-After when it applies).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from appointments import selectors, services
from appointments.constants import BookingChannel
from appointments.formatting import lima_date
from appointments.limits import center_day_attempt
from appointments.models import Appointment
from common.api.schema import error_response
from common.challenge import (
    ChallengeRequired,
    challenge_create,
    challenge_passed,
    limits_and_pressure_hit,
)
from common.errors import DomainError
from common.ratelimit import RateLimitThrottle, client_attempts, client_limits_hit

from .serializers import (
    AppointmentSerializer,
    AvailabilityQuerySerializer,
    AvailabilitySerializer,
    BookSerializer,
    CancelSerializer,
    CodeDocumentSerializer,
    RescheduleSerializer,
    SlotOptionSerializer,
    SlotsQuerySerializer,
)

INVALID = error_response(
    _("Invalid data (errors per field), or a time outside the booking window."), "invalid", "window_closed"
)
NOT_FOUND = error_response(_("No appointment has this code with this document number."), "not_found")
CONFLICT = error_response(
    _("The slot is full, or the citizen already has an appointment for this procedure."), "slot_full", "duplicate"
)
TOO_MANY = error_response(
    _("Too many requests from this address, too soon after a cancellation, or too many active appointments."),
    "rate_limited",
    "challenge_required",
    "locked",
    "cooldown",
    "limit_reached",
)


class BookingAPIView(APIView):
    """Public endpoints: no session is read (so no CSRF); per-address rate limits (`rate_limit_scopes`, counted
    by the shared limiter on unsafe requests) protect them instead. Errors: common.api.exceptions."""

    authentication_classes: list = []
    throttle_classes = [RateLimitThrottle]
    rate_limit_scopes: tuple[str, ...] = ()

    def valid_data(self, serializer_class, data) -> dict:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)  # a 400 `invalid` with `errors` per field (common.api.exceptions)
        return serializer.validated_data

    def authenticated_appointment(self, request: Request, data: dict) -> Appointment:
        return services.appointment_authenticate(code=data["code"], document_number=data["document_number"])

    def appointment_response(self, appointment: Appointment, status_code: int = 200) -> Response:
        appointment = selectors.appointment_get(appointment_id=appointment.pk)
        return Response(AppointmentSerializer(appointment).data, status=status_code)


class AvailabilityView(BookingAPIView):
    @extend_schema(
        tags=["appointments"],
        summary=_("Free places per day"),
        description=_(
            "For a procedure at a center: the days between date_from and date_to (at most 62 days) that have "
            "bookable slots, with the number of free places (0 = fully booked). Holidays, closures and days "
            "outside the booking window are left out."
        ),
        parameters=[AvailabilityQuerySerializer],
        responses={200: AvailabilitySerializer, 400: INVALID},
    )
    def get(self, request: Request) -> Response:
        query = self.valid_data(AvailabilityQuerySerializer, request.query_params)
        days = selectors.availability_by_day(
            procedure_id=query["procedure"].pk,
            center_id=query["center"].pk,
            date_from=query["date_from"],
            date_to=query["date_to"],
        )
        body = {
            "procedure": query["procedure"].slug,
            "center": query["center"].slug,
            "date_from": query["date_from"],
            "date_to": query["date_to"],
            "days": [{"date": day, "free": free} for day, free in days.items()],
        }
        return Response(AvailabilitySerializer(body).data)


class SlotsView(BookingAPIView):
    @extend_schema(
        tags=["appointments"],
        summary=_("Bookable times of a day"),
        description=_("The slots of one day for a procedure at a center, in time order; full ones have free = 0."),
        parameters=[SlotsQuerySerializer],
        responses={200: SlotOptionSerializer(many=True), 400: INVALID},
    )
    def get(self, request: Request) -> Response:
        query = self.valid_data(SlotsQuerySerializer, request.query_params)
        options = selectors.slots_of_day(
            procedure_id=query["procedure"].pk, center_id=query["center"].pk, day=query["date"]
        )
        return Response(SlotOptionSerializer(options, many=True).data)


class BookView(BookingAPIView):
    # Its limits are counted by `post` itself, with the challenge's pressure and the center-day limit in the same
    # round trip to the shared cache (the throttle would take one more).
    rate_limit_scopes = ()

    @extend_schema(
        tags=["appointments"],
        summary=_("Book an appointment"),
        description=_(
            "Books a slot for a procedure. The answer carries the booking code; a confirmation goes to the "
            "e-mail and/or mobile number given. At most one active appointment per document and procedure, "
            "and 3 per document overall."
        ),
        request=BookSerializer,
        responses={201: AppointmentSerializer, 400: INVALID, 409: CONFLICT, 429: TOO_MANY},
    )
    def post(self, request: Request) -> Response:
        counted = False

        def limits_hit(slot=None) -> None:
            """Every attempt counts against the address's limits (over one, the answer is 429), once. With the slot
            (`admit`), also the center-day limit (how many places of one center-day one network may take) and the
            challenge's pressure, in the same round trip."""
            nonlocal counted
            counted = True
            if slot is None:
                client_limits_hit(request, "book")
                return
            day = lima_date(slot.starts_at).isoformat()
            attempts = [
                *client_attempts(request, "book"),
                center_day_attempt(request, slot.center.slug, day),
            ]
            if limits_and_pressure_hit(request, attempts) and not challenge_passed(payload=data["altcha"]):
                raise ChallengeRequired()

        try:
            data = self.valid_data(BookSerializer, request.data)
            appointment = services.appointment_book(
                slot_id=data["slot"],
                procedure_id=data["procedure"].pk,
                citizen=services.Citizen.from_data(data),
                consent_version=data["consent_version"],
                channel=BookingChannel.VIRTUAL,
                admit=limits_hit,
            )
        except (APIException, DomainError):  # refused before the slot was known: counted all the same
            if not counted:
                limits_hit()
            raise
        # The answer from what the booking holds, without reading it back: the appointment with the slot and center
        # its checks read, and the procedure this request named (with its requirement texts).
        appointment.procedure = data["procedure"]
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


class LookupView(BookingAPIView):
    rate_limit_scopes = ("lookup",)

    @extend_schema(
        tags=["appointments"],
        summary=_("Find an appointment"),
        description=_("With its code and the document number used to book it."),
        request=CodeDocumentSerializer,
        responses={200: AppointmentSerializer, 400: INVALID, 404: NOT_FOUND, 429: TOO_MANY},
    )
    def post(self, request: Request) -> Response:
        data = self.valid_data(CodeDocumentSerializer, request.data)
        return self.appointment_response(self.authenticated_appointment(request, data))


class CancelView(BookingAPIView):
    rate_limit_scopes = ("lookup",)

    @extend_schema(
        tags=["appointments"],
        summary=_("Cancel an appointment"),
        description=_("Frees the place at once. Booking again with the same document waits for a cooldown."),
        request=CancelSerializer,
        responses={200: AppointmentSerializer, 400: INVALID, 404: NOT_FOUND, 429: TOO_MANY},
    )
    def post(self, request: Request) -> Response:
        data = self.valid_data(CancelSerializer, request.data)
        appointment = self.authenticated_appointment(request, data)
        return self.appointment_response(services.appointment_cancel(appointment=appointment, reason=data["reason"]))


class RescheduleView(BookingAPIView):
    rate_limit_scopes = ("lookup", "book")

    @extend_schema(
        tags=["appointments"],
        summary=_("Move an appointment to another slot"),
        description=_("Atomic: when the new slot cannot be taken, the appointment keeps its time. The code stays."),
        request=RescheduleSerializer,
        responses={200: AppointmentSerializer, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT, 429: TOO_MANY},
    )
    def post(self, request: Request) -> Response:
        data = self.valid_data(RescheduleSerializer, request.data)
        appointment = self.authenticated_appointment(request, data)
        moved = services.appointment_reschedule(appointment=appointment, slot_id=data["slot"])
        return self.appointment_response(moved)


class ChallengeView(APIView):
    """A proof-of-work challenge for booking while bookings rush (no session, nothing stored)."""

    authentication_classes: list = []

    @extend_schema(
        tags=["appointments"],
        summary=_("A proof-of-work challenge"),
        description=_(
            "While many bookings arrive, booking answers 429 challenge_required: solve this challenge (ALTCHA v2, "
            "PBKDF2/SHA-256; it expires in 10 minutes and is accepted once) and send the payload as `altcha`."
        ),
        responses={
            200: OpenApiResponse(
                response={
                    "type": "object",
                    "properties": {"parameters": {"type": "object"}, "signature": {"type": "string"}},
                },
                description=_("The challenge, as the ALTCHA widget and libraries read it."),
            )
        },
    )
    def get(self, request: Request) -> Response:
        return Response(challenge_create(), headers={"Cache-Control": "no-store"})
