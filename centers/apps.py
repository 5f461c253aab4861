from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = _("Service points")

    def ready(self) -> None:
        from . import handlers  # noqa: F401 - connects the catalog cache invalidation
