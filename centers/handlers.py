"""Cache invalidation of the catalog pages (procedures.handlers does the same for the procedures' own models):
the pages show where and when each procedure is offered, so any saved or deleted service point, offering, opening
hours, closure, counter or language, and any change of a center's procedures, leaves them behind after commit."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from procedures.services import catalog_changed

from .models import Center, Closure, Counter, Language, Offering, OpeningHours


def catalog_row_changed(sender, **kwargs) -> None:
    catalog_changed()


for model in (Center, Offering, OpeningHours, Closure, Counter, Language):
    post_save.connect(catalog_row_changed, sender=model, dispatch_uid=f"centers_catalog_saved_{model.__name__}")
    post_delete.connect(catalog_row_changed, sender=model, dispatch_uid=f"centers_catalog_deleted_{model.__name__}")
for field in (*Center._meta.many_to_many, *Counter._meta.many_to_many):
    m2m_changed.connect(
        catalog_row_changed,
        sender=field.remote_field.through,
        dispatch_uid=f"centers_catalog_m2m_{field.model.__name__}_{field.name}",
    )
