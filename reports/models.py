"""Reports: a proxy of the Attention record carries their permissions and the import screen; one summary table."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from attention.models import Attention
from centers.models import Center
from procedures.models import Procedure


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


class DailyCount(models.Model):
    """Attentions per Lima day, center, procedure, channel and intent (with companies formed): the summary the
    volume tables read when no segment filter is set, refreshed by reports.services.daily_counts_refresh."""

    service_day = models.DateField()
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=12)
    intent = models.CharField(max_length=12)
    attentions = models.PositiveIntegerField()
    companies = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service_day", "center", "procedure", "channel", "intent"], name="daily_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_day:%Y-%m-%d} {self.center_id}/{self.procedure_id}/{self.channel}: {self.attentions}"
