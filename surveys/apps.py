from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from . import handlers  # noqa: F401 - invitations after attentions, page hooks
        from .roles import register

        register()  # the surveys permissions of the staff roles (centers.roles)
