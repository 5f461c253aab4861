"""The generator reproduces its targets exactly (the seed's table at scale 1; here a small scale), and replaces
its own rows when run again."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from attention.models import Attention
from reports.selectors import indicators as ind
from reports.services import SEED_2016, attentions_generate

YEAR = {"start": dt.date(2016, 1, 1), "end": dt.date(2016, 12, 31)}


def test_generated_year_reproduces_the_targets_in_the_report(world):
    targets = {"MAC-LIMA-NORTE": (1_211_669, 4_063), "MAC-CALLAO": (854_777, 992)}
    attentions_generate(year=2016, targets=targets, scale=0.002)
    rows = {row["center"]: (row["attentions"], row["companies"]) for row in ind.centers_table(**YEAR)}
    assert rows == {"Centro MAC Lima Norte": (2423, 8), "Centro MAC Callao": (1710, 2)}
    assert (
        not Attention.objects.filter(service_day__year=2016)
        .exclude(service_day__week_day=1)
        .filter(issued_at__hour__lt=8)
        .exists()
    )  # nobody before opening (08:30 Lima) and nobody on Sundays
    assert Attention.objects.filter(service_day__week_day=1).count() == 0
    # a second run replaces the year's generated rows
    attentions_generate(year=2016, targets=targets, scale=0.002, seed=7)
    assert Attention.objects.count() == 2423 + 1710


def test_seed_table_is_the_articles():
    assert sum(attentions for attentions, _companies in SEED_2016.values()) == 3_132_583
    assert SEED_2016["MAC-LIMA-NORTE"] == (1_211_669, 4_063)


def test_command_needs_the_centers(db):
    with pytest.raises(CommandError, match="load_demo"):
        call_command("generate_attentions", "--year", "2016", "--scale", "0.001", stdout=io.StringIO())
