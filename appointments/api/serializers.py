"""Input and output shapes of the appointments API. Validation of citizen data is the service's (one set of rules)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.encoding import smart_str
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from appointments import selectors
from appointments.constants import AgeBand, AppointmentStatus, DocumentType, Gender, PriorityNeed
from appointments.documents import manage_url
from appointments.formatting import fee_display, lima_date
from appointments.selectors import MAX_RANGE_DAYS
from appointments.validators import code_display
from centers.models import Center
from common.api.fields import ServiceCheckedChoiceField
from common.api.serializers import FlatSerializer
from procedures.models import Procedure


class BookingDayField(serializers.DateField):
    """A day bookings can be about: within a year of today (Lima). Far-off dates are a 400, not arithmetic errors."""

    default_error_messages = {"out_of_range": _("Choose a day within a year of today.")}

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if abs((day - lima_date()).days) > 366:
            self.fail("out_of_range")
        return day


class AvailabilityQuerySerializer(serializers.Serializer):
    procedure = serializers.SlugRelatedField(
        slug_field="slug", queryset=Procedure.objects.filter(is_active=True), help_text=_("The procedure's slug.")
    )
    center = serializers.SlugRelatedField(
        slug_field="slug", queryset=Center.objects.filter(is_active=True), help_text=_("The center's slug.")
    )
    date_from = BookingDayField(required=False, help_text=_("First day (default: today, Lima)."))
    date_to = BookingDayField(
        required=False, help_text=_("Last day, at most 62 days after the first (default: 30 days after it).")
    )

    def validate(self, attrs):
        attrs.setdefault("date_from", lima_date())
        attrs.setdefault("date_to", attrs["date_from"] + dt.timedelta(days=30))
        if attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": [_("The last day must not be before the first.")]})
        if (attrs["date_to"] - attrs["date_from"]).days > MAX_RANGE_DAYS:
            raise serializers.ValidationError({"date_to": [_("Ask for at most 62 days at a time.")]})
        return attrs


class SlotsQuerySerializer(serializers.Serializer):
    procedure = serializers.SlugRelatedField(
        slug_field="slug", queryset=Procedure.objects.filter(is_active=True), help_text=_("The procedure's slug.")
    )
    center = serializers.SlugRelatedField(
        slug_field="slug", queryset=Center.objects.filter(is_active=True), help_text=_("The center's slug.")
    )
    date = BookingDayField(help_text=_("The day (Lima)."))


class DayAvailabilitySerializer(serializers.Serializer):
    date = serializers.DateField()
    free = serializers.IntegerField(help_text=_("Free places that day; 0 means every slot is taken."))


class AvailabilitySerializer(serializers.Serializer):
    procedure = serializers.CharField(help_text=_("The procedure's slug."))
    center = serializers.CharField(help_text=_("The center's slug."))
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    days = DayAvailabilitySerializer(many=True, help_text=_("Days with bookable slots; days without are left out."))


def lima_datetime(**kwargs) -> serializers.DateTimeField:
    """A datetime rendered in Lima time with its offset (2026-12-01T08:30:00-05:00), whatever zone is active."""
    return serializers.DateTimeField(
        default_timezone=ZoneInfo(settings.TIME_ZONE), help_text=_("Lima time, with its UTC offset."), **kwargs
    )


class SlotOptionSerializer(serializers.Serializer):
    slot = serializers.IntegerField(source="slot_id", help_text=_("Pass it to book or reschedule."))
    starts_at = lima_datetime()
    ends_at = lima_datetime()
    free = serializers.IntegerField()


class ProcedureSlugField(serializers.SlugRelatedField):
    """A procedure named by its slug, in any state (the booking service says when it cannot be booked), as
    SlugRelatedField finds it, but read in one compiled query with the requirement texts the booking's answer shows
    (selectors.procedure_by_slug)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", queryset=Procedure.objects.all(), **kwargs)

    def to_internal_value(self, data):
        try:
            procedure = selectors.procedure_by_slug(slug=str(data))
        except (TypeError, ValueError):  # e.g. a NUL character, which PostgreSQL refuses in text
            self.fail("invalid")
        if procedure is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data))
        return procedure


class BookSerializer(FlatSerializer):
    """A booking request. The citizen fields are checked by the booking service (400 with `errors` per field)."""

    procedure = ProcedureSlugField(help_text=_("The procedure's slug."))
    slot = serializers.IntegerField(min_value=1, help_text=_("A slot id from the slots endpoint."))
    # Choices are checked by the booking service, with the same messages as the booking form.
    document_type = ServiceCheckedChoiceField(choices=DocumentType.choices)
    document_number = serializers.CharField(max_length=30)
    full_name = serializers.CharField(max_length=200)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default="", help_text=_("A mobile number (Peru by default).")
    )
    preferred_language = serializers.CharField(
        max_length=10, required=False, allow_blank=True, default="", help_text=_("A language code: es, qu, ay, lsp.")
    )
    priority_need = ServiceCheckedChoiceField(choices=PriorityNeed.choices, required=False, default=PriorityNeed.NONE)
    segmentation_consent = serializers.BooleanField(
        required=False, default=False, help_text=_("Consent to keep age band and gender for statistics only.")
    )
    survey_consent = serializers.BooleanField(
        required=False, default=False, help_text=_("Consent to be invited once to a satisfaction survey.")
    )
    age_band = ServiceCheckedChoiceField(choices=AgeBand.choices, required=False, allow_blank=True, default="")
    gender = ServiceCheckedChoiceField(choices=Gender.choices, required=False, allow_blank=True, default="")
    consent_version = serializers.CharField(
        max_length=20, help_text=_("Version of the personal data terms the citizen accepted (Ley 29733).")
    )
    altcha = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Only while bookings rush (429 challenge_required): the solved proof of work of a challenge from "
            "/api/v1/appointments/challenge/ (an ALTCHA payload)."
        ),
    )


class CodeDocumentSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text=_("The booking code, e.g. 7KQ4M-2XH9P."))
    document_number = serializers.CharField(max_length=30, help_text=_("The document number used to book."))


class CancelSerializer(CodeDocumentSerializer):
    reason = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")


class RescheduleSerializer(CodeDocumentSerializer):
    slot = serializers.IntegerField(min_value=1, help_text=_("The new slot id."))


class AppointmentSerializer(FlatSerializer):
    """An appointment as its holder sees it (no personal data is echoed back)."""

    code = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=AppointmentStatus.choices)
    procedure = serializers.SlugField(source="procedure.slug")
    procedure_name = serializers.CharField(source="procedure.name")
    center = serializers.SlugField(source="center.slug")
    center_name = serializers.CharField(source="center.name")
    center_address = serializers.CharField(source="center.address")
    starts_at = lima_datetime(source="slot.starts_at")
    ends_at = lima_datetime(source="slot.ends_at")
    fee = serializers.DecimalField(source="procedure.fee", max_digits=10, decimal_places=2)
    fee_display = serializers.SerializerMethodField()
    requirements = serializers.SerializerMethodField()
    manage_url = serializers.SerializerMethodField()

    def get_code(self, appointment) -> str:
        return code_display(appointment.code)

    def get_fee_display(self, appointment) -> str:
        return fee_display(appointment.procedure.fee)

    def get_requirements(self, appointment) -> list[str]:
        procedure = appointment.procedure
        if (texts := getattr(procedure, "requirement_texts", None)) is not None:  # selectors.procedure_by_slug
            return texts
        return [requirement.text for requirement in procedure.requirements.all()]

    def get_manage_url(self, appointment) -> str:
        return manage_url(appointment=appointment)
