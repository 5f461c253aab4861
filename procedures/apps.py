from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("Procedures catalog")

    def ready(self) -> None:
        from . import handlers  # noqa: F401 - connects the catalog cache invalidation
