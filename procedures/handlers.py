"""Cache invalidation of the catalog pages: any saved or deleted entity, procedure or requirement (admin, services,
demo loader) leaves the cached pages behind after commit (services.catalog_changed). Writes that bypass these
signals (bulk updates) call catalog_changed themselves."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Entity, Procedure, Requirement
from .services import catalog_changed


@receiver(post_save, sender=Entity, dispatch_uid="procedures_entity_saved")
@receiver(post_delete, sender=Entity, dispatch_uid="procedures_entity_deleted")
@receiver(post_save, sender=Procedure, dispatch_uid="procedures_procedure_saved")
@receiver(post_delete, sender=Procedure, dispatch_uid="procedures_procedure_deleted")
@receiver(post_save, sender=Requirement, dispatch_uid="procedures_requirement_saved")
@receiver(post_delete, sender=Requirement, dispatch_uid="procedures_requirement_deleted")
def catalog_row_changed(sender, **kwargs) -> None:
    catalog_changed()
