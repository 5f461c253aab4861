from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Phone line")

    def ready(self) -> None:
        from .roles import register

        register()  # the phone line's permissions of the staff roles (centers.roles)
