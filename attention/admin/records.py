"""Records of the in-person channel in the admin: read-only tickets, attentions and sessions; queues (prefixes)
and devices (kiosks, screens) for administrators. Every list reaches only the user's centers."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from centers.admin import CenterScopedAdmin, ReadOnlyScopedAdmin

from ..models import Attention, CounterSession, DeviceToken, ItineraryStep, Queue, Ticket
from ..services import device_token_create


class ItineraryStepInline(admin.TabularInline):
    model = ItineraryStep
    fields = ["position", "procedure", "done_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "code",
        "service_day",
        "center",
        "procedure",
        "status",
        "preferential_reason",
        "arrived_at",
        "counter",
    ]
    list_filter = [
        "status",
        "service_day",
        "preferential_reason",
        "joined_remotely",
        ("center", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["center", "procedure", "counter"]
    date_hierarchy = "service_day"
    # A remote ticket's contact data serves its one message only: no screen shows it.
    exclude = ["contact_phone", "contact_email", "document_digest"]
    inlines = [ItineraryStepInline]

    @admin.display(description=_("code"), ordering="number")
    def code(self, ticket: Ticket) -> str:
        return ticket.code


@admin.register(Attention)
class AttentionAdmin(ReadOnlyScopedAdmin):
    list_display = ["issued_at", "center", "channel", "procedure", "counter", "agent", "outcome", "finished_at"]
    list_filter = ["channel", "outcome", "preferential_reason", ("center", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["center", "procedure", "counter", "agent"]
    date_hierarchy = "service_day"


@admin.register(CounterSession)
class CounterSessionAdmin(ReadOnlyScopedAdmin):
    center_path = "counter__center"
    list_display = ["counter", "agent", "status", "opened_at", "closed_at"]
    list_filter = ["status"]
    list_select_related = ["counter__center", "agent"]


@admin.register(Queue)
class QueueAdmin(CenterScopedAdmin):
    list_display = ["prefix", "entity", "center", "remote_tickets"]
    list_filter = ["remote_tickets", ("center", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["entity", "center"]
    fields = ["center", "entity", "prefix", "remote_tickets"]

    def get_readonly_fields(self, request: HttpRequest, obj: Queue | None = None) -> list[str]:
        return ["center", "entity"] if obj is not None else []


class DeviceTokenForm(forms.ModelForm):
    class Meta:
        model = DeviceToken
        fields = ["center", "kind", "name", "is_active"]


@admin.register(DeviceToken)
class DeviceTokenAdmin(CenterScopedAdmin):
    """Kiosks and screens: the token is shown once, when the device is added (only its hash is kept)."""

    form = DeviceTokenForm
    list_display = ["name", "kind", "center", "is_active", "created_at"]
    list_filter = ["kind", "is_active", ("center", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["center"]

    def get_readonly_fields(self, request: HttpRequest, obj: DeviceToken | None = None) -> list[str]:
        return ["center", "kind"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        device, token = device_token_create(center=obj.center, kind=obj.kind, name=obj.name)
        obj.pk = device.pk
        obj.token_hash = device.token_hash
        obj.created_at = device.created_at
        path = {"kiosk": "/kiosko/", "survey": "/encuesta/centro/"}.get(device.kind, "/pantalla/")
        self.message_user(
            request,
            _("Open %(url)s on the device once to authorise it. The token is not shown again.")
            % {"url": f"{path}{device.center.slug}/?token={token}"},
            level=messages.WARNING,
        )
