"""Hooks from lower apps: appointments cannot depend on attention, so attention listens to its signal.

A booking or a cancellation (`appointments.signals.appointment_changed`, sent by the appointments' changes scan in a
worker) is the virtual channel's service act: recorded there as an Attention at the virtual service point
(services.virtual, idempotent), which then finishes like any other and sends `attention_finished`.

A center's public page (`centers.signals.center_page`) offers "join the line from your phone" (`/fila/<center>/`)
where some of its queues take remote tickets.
"""

from django.dispatch import receiver
from django.template.loader import render_to_string

from appointments.signals import appointment_changed
from centers.models import Center
from centers.signals import center_page

from .selectors import remote_procedures
from .services import attention_record_virtual


@receiver(appointment_changed, dispatch_uid="attention_appointment_changed")
def appointment_changed_record(sender, appointment_id: int, action: str, **kwargs) -> None:
    attention_record_virtual(appointment_id=appointment_id, action=action)


@receiver(center_page, dispatch_uid="attention_center_page_remote")
def center_page_remote_link(sender, center: Center, **kwargs) -> str:
    if not remote_procedures(center=center).exists():
        return ""
    return render_to_string("attention/_center_remote_link.html", {"center": center})
