from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _staff_groups_sync(sender, **kwargs) -> None:
    from .services import staff_groups_sync

    staff_groups_sync()


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = _("Service points")

    def ready(self) -> None:
        from . import (
            handlers,  # noqa: F401 - connects the catalog cache invalidation
            roles,  # noqa: F401 - registers this app's role permissions
        )

        # The role groups follow the registered permissions after every migrate (and every test flush).
        post_migrate.connect(_staff_groups_sync, sender=self, dispatch_uid="centers_staff_groups_sync")
