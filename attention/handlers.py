"""Hooks from lower apps: appointments cannot depend on attention, so attention listens to its signal.

A booking or a cancellation (`appointments.signals.appointment_changed`, sent after commit) is the virtual channel's
service act: a task records it as an Attention at the virtual service point (services.virtual), which then finishes
like any other and sends `attention_finished`.
"""

from django.dispatch import receiver

from appointments.signals import appointment_changed

from .tasks import virtual_attention_record


@receiver(appointment_changed, dispatch_uid="attention_appointment_changed")
def appointment_changed_record(sender, appointment_id: int, action: str, **kwargs) -> None:
    virtual_attention_record.delay_on_commit(appointment_id, action)
