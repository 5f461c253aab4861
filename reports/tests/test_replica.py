"""With a replica configured, every report reads it, not the primary (a second database on the same server)."""

import datetime as dt

import pytest

from attention.models import Attention
from centers.models import Center
from procedures.models import Entity, Procedure
from reports.exports import attentions_csv
from reports.registry import TABLES
from reports.selectors import ReportFilters

from .utils import attention_create, lima, summary_refresh

pytestmark = pytest.mark.django_db(databases=["default", "replica"])


def _copy_catalog(world) -> None:
    """The replica holds what the primary holds (here: copied by hand, as replication would)."""
    for model in (Entity, Procedure, Center):
        for row in model.objects.using("default").all():
            row.save(using="replica", force_insert=True)


def test_reports_read_the_replica(world, settings):
    attention_create(center=world.north, procedure=world.dni, issued=lima(2016, 3, 1, 9))  # primary only
    _copy_catalog(world)
    for day in (1, 2):
        Attention.objects.using("replica").create(
            center_id=world.callao.pk,
            procedure_id=world.record.pk,
            service_day=dt.date(2016, 4, day),
            issued_at=lima(2016, 4, day, 9),
            called_at=lima(2016, 4, day, 9, 5),
            finished_at=lima(2016, 4, day, 9, 9),
            outcome="resolved",
        )
    summary_refresh()
    summary_refresh(using="replica")
    filters = ReportFilters(start=dt.date(2016, 1, 1), end=dt.date(2016, 12, 31))
    primary = {row["center"]: row["attentions"] for row in TABLES["centers"].rows(filters)}
    assert primary == {"Centro MAC Callao": 0, "Centro MAC Lima Norte": 1}
    settings.REPORTS_DATABASE = "replica"
    replica = {row["center"]: row["attentions"] for row in TABLES["centers"].rows(filters)}
    assert replica == {"Centro MAC Callao": 2, "Centro MAC Lima Norte": 0}
    assert len("".join(attentions_csv(filters=filters)).splitlines()) == 3  # header and the replica's two
