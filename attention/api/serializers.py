from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from centers.models import Counter, Language
from procedures.models import Procedure, Requirement

from ..constants import Outcome, PriorityNeed, TicketStatus
from ..links import ticket_print_path, ticket_status_path
from ..models import Ticket
from ..selectors import Estimate, ticket_estimate


class IssueSerializer(serializers.Serializer):
    procedure = serializers.PrimaryKeyRelatedField(
        queryset=Procedure.objects.all(), help_text=_("Id of the procedure the citizen comes for.")
    )
    preferential_reason = serializers.ChoiceField(
        choices=PriorityNeed.choices, default=PriorityNeed.NONE, help_text=_("Preferential attention (Ley 28683).")
    )
    language = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Language.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Language need (code: qu, ay, lsp…); empty for Spanish."),
    )


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True, max_length=20, help_text=_("Booking code."))
    document_number = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text=_("Or the citizen's document number.")
    )

    def validate(self, attrs):
        if not attrs.get("code") and not attrs.get("document_number"):
            raise serializers.ValidationError(_("Enter the booking code or the document number."))
        return attrs


class FinishSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[(Outcome.RESOLVED, Outcome.RESOLVED.label), (Outcome.NOT_RESOLVED, Outcome.NOT_RESOLVED.label)]
    )
    missing_requirement = serializers.PrimaryKeyRelatedField(
        queryset=Requirement.objects.all(), required=False, allow_null=True, help_text=_("When not resolved.")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=250, default="")


class TransferSerializer(serializers.Serializer):
    procedure = serializers.PrimaryKeyRelatedField(
        queryset=Procedure.objects.all(), required=False, allow_null=True, help_text=_("To this procedure's queue.")
    )
    counter = serializers.PrimaryKeyRelatedField(
        queryset=Counter.objects.all(), required=False, allow_null=True, help_text=_("To this counter only.")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=250, default="")


class TicketSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text=_("What the citizen and the screen read, e.g. B-023."))
    procedure = serializers.CharField(source="procedure.name", read_only=True)
    status = serializers.ChoiceField(choices=TicketStatus.choices, read_only=True)
    preferential_reason = serializers.ChoiceField(choices=PriorityNeed.choices, read_only=True)
    language = serializers.SlugRelatedField(slug_field="code", read_only=True)
    counter = serializers.CharField(source="counter.label", read_only=True, allow_null=True, default=None)
    people_ahead = serializers.SerializerMethodField()
    estimated_minutes = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()
    print_url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "code",
            "procedure",
            "status",
            "preferential_reason",
            "language",
            "arrived_at",
            "called_at",
            "counter",
            "people_ahead",
            "estimated_minutes",
            "status_url",
            "print_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(help_text="Waiting tickets ahead of this one in its queue."))
    def get_people_ahead(self, ticket: Ticket) -> int:
        return self._estimate(ticket).people_ahead

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text="Estimate; null when no counter is open."))
    def get_estimated_minutes(self, ticket: Ticket) -> int | None:
        return self._estimate(ticket).minutes

    def _estimate(self, ticket: Ticket) -> Estimate:
        if "_estimate" not in ticket.__dict__:  # both fields read one estimate
            ticket.__dict__["_estimate"] = ticket_estimate(ticket=ticket)
        return ticket.__dict__["_estimate"]

    @extend_schema_field(serializers.CharField(help_text="The citizen's live status page (the ticket's QR)."))
    def get_status_url(self, ticket: Ticket) -> str:
        return ticket_status_path(ticket)

    @extend_schema_field(serializers.CharField(help_text="The printable 80 mm ticket."))
    def get_print_url(self, ticket: Ticket) -> str:
        return ticket_print_path(ticket)


class ScreenRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    counter = serializers.CharField(source="counter.label")
    called_at = serializers.DateTimeField()
    preferential = serializers.BooleanField(source="is_preferential")


class ScreenSerializer(serializers.Serializer):
    center = serializers.CharField(help_text=_("The center's slug."))
    version = serializers.CharField(help_text=_("Changes when the rows change (also the ETag)."))
    rows = ScreenRowSerializer(many=True, help_text=_("Latest called tickets, newest first."))
