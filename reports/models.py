"""Reports own no table: a proxy of the Attention record carries their permissions and the admin's import screen."""

from django.utils.translation import gettext_lazy as _

from attention.models import Attention


class Report(Attention):
    """Admin entry point of the historic-attentions import; holds the reports' permissions."""

    class Meta:
        proxy = True
        verbose_name = _("historic attentions import")
        verbose_name_plural = _("historic attentions import")
        default_permissions = ()
        permissions = [
            ("view_indicators", _("Can read indicators and exports")),
            ("import_attentions", _("Can import historic attentions")),
        ]
