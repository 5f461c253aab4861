from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        from . import handlers  # noqa: F401 - connects the closure hook
        from .roles import register

        register()  # the appointments permissions of the staff roles (centers.roles)
