"""Hooks from lower apps: centers cannot depend on appointments, so appointments listens to closures.

A Closure saved or deleted (admin, centers.services.closure_add, demo loader) regenerates that center's
slots after the transaction commits: no slots on a closed day, and appointments already booked on it are
kept and listed as conflicts for staff (never dropped).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from centers.models import Closure

from .tasks import center_slots_regenerate


@receiver(post_save, sender=Closure, dispatch_uid="appointments_closure_saved")
@receiver(post_delete, sender=Closure, dispatch_uid="appointments_closure_deleted")
def closure_changed(sender, instance: Closure, **kwargs) -> None:
    center_slots_regenerate.delay_on_commit(instance.center_id)
