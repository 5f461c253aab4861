from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttentionConfig(AppConfig):
    name = "attention"
    verbose_name = _("Attention")

    def ready(self) -> None:
        from . import handlers  # noqa: F401 - records the virtual channel's service acts
        from .roles import register

        register()  # the attention permissions of the staff roles (centers.roles)
