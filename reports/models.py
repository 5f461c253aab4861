"""Reports: a proxy of the Attention record carries their permissions and the import screen; two summary tables."""

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


class WaitBucketBase(models.Model):
    """Served attentions per center, procedure, channel, intent, measure (wait or service) and whole minutes rounded
    up (reports.measures), with the exact seconds summed. Percentiles need the distribution, not a mean: counts per
    minute bucket keep it exactly (in whole minutes), and the median or the 90th percentile is the first bucket whose
    running count reaches the rank."""

    service_day = models.DateField()
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=12)
    intent = models.CharField(max_length=12)
    measure = models.CharField(max_length=7)  # "wait" or "service"
    minutes = models.IntegerField()  # ceil(seconds / 60)
    attentions = models.PositiveIntegerField()
    seconds = models.DecimalField(max_digits=18, decimal_places=6)  # exact sum, for the means

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.service_day:%Y-%m-%d} {self.procedure_id} {self.measure} {self.minutes} min: {self.attentions}"


class WaitBucket(WaitBucketBase):
    """The buckets per Lima day: what the wait tables read for the days of a period outside whole months, and what
    the month buckets are summed from. 2016: 1.7 M narrow rows against 3.1 M attentions."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service_day", "center", "procedure", "channel", "intent", "measure", "minutes"],
                name="wait_bucket_unique",
            )
        ]


class WaitBucketMonth(WaitBucketBase):
    """The day buckets summed per calendar month (`service_day`: its first day): what the wait tables read for the
    whole months of a period, a tenth of the rows (2016: about 0.17 M), so a year's percentiles take a fraction of a
    second. Both refreshed with DailyCount, in the same transaction (reports.services.daily_counts_refresh)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service_day", "center", "procedure", "channel", "intent", "measure", "minutes"],
                name="wait_bucket_month_unique",
            )
        ]
