import io

import pytest
from django.core.management import CommandError, call_command

from attention.models import Attention
from reports.errors import ImportRejected
from reports.services import attentions_import

from .utils import lima

HEADER = "center_code,procedure_code,channel,issued_at,called_at,started_at,finished_at,outcome\n"
GOOD = (
    "MAC-LIMA-NORTE,RENIEC-001,presencial,2016-12-31T23:30:00-05:00,2016-12-31T23:40:00-05:00,"
    "2016-12-31T23:41:00-05:00,2016-12-31T23:50:00-05:00,resuelto\n"
    "MAC-CALLAO,SUNARP-010,presencial,2016-03-01T09:00:00-05:00,2016-03-01T09:20:00-05:00,"
    "2016-03-01T09:21:00-05:00,2016-03-01T10:00:00-05:00,resuelto\n"
    "MAC-CALLAO,PJ-001,telefonico,2016-03-01T14:00:00Z,,,,abandono\n"
)
BAD = (
    "MAC-NOWHERE,RENIEC-001,presencial,2016-03-01T09:00:00-05:00,2016-03-01T09:20:00-05:00,"
    "2016-03-01T09:21:00-05:00,2016-03-01T10:00:00-05:00,resuelto\n"
    "MAC-CALLAO,PJ-001,presencial,2016-03-01 09:00,,,,abandono\n"
    "MAC-CALLAO,PJ-001,presencial,2016-03-01T09:00:00-05:00,2016-03-01T08:00:00-05:00,"
    "2016-03-01T09:21:00-05:00,2016-03-01T10:00:00-05:00,resuelto\n"
    "MAC-CALLAO,PJ-001,presencial,2016-03-01T09:00:00-05:00,,,,resuelto\n"
    "MAC-CALLAO,PJ-001,fax,2016-03-01T09:00:00-05:00,,,,abandono\n"
    "MAC-CALLAO,PJ-001\n"
)


def test_valid_file_imports_every_row_with_lima_service_days_and_intents(world):
    result = attentions_import(source=io.StringIO(HEADER + GOOD))
    assert (result.rows, result.imported, result.duplicates, result.rejected) == (3, 3, 0, 0)
    late = Attention.objects.get(center=world.north)
    assert late.service_day.isoformat() == "2016-12-31"  # 04:30 UTC on 1 January
    assert late.issued_at == lima(2016, 12, 31, 23, 30)
    company = Attention.objects.get(procedure=world.company)
    assert (company.intent, company.outcome) == ("empresa", "resolved")
    abandoned = Attention.objects.get(channel="telefonico")
    assert abandoned.outcome == "abandoned" and abandoned.called_at is None
    assert abandoned.finished_at == abandoned.issued_at  # closes at its last known time
    assert abandoned.service_day.isoformat() == "2016-03-01"


def test_reimport_adds_nothing(world):
    attentions_import(source=io.StringIO(HEADER + GOOD))
    again = attentions_import(source=io.StringIO(HEADER + GOOD))
    assert (again.imported, again.duplicates) == (0, 3)
    assert Attention.objects.count() == 3


def test_a_bad_row_imports_nothing_and_names_each_line(world):
    with pytest.raises(ImportRejected) as caught:
        attentions_import(source=io.StringIO(HEADER + GOOD + BAD))
    assert Attention.objects.count() == 0
    errors = dict(caught.value.errors)
    assert caught.value.total == 6
    assert set(errors) == {5, 6, 7, 8, 9, 10}
    assert "MAC-NOWHERE" in errors[5]
    assert "sin desfase" in errors[6] or "UTC" in errors[6]
    assert "called_at" in errors[7]
    assert "called_at" in errors[8]
    assert "fax" in errors[9]
    assert "8" in errors[10]


def test_skip_invalid_imports_good_rows_and_writes_rejects(world):
    rejects = io.StringIO()
    result = attentions_import(source=io.StringIO(HEADER + GOOD + BAD), skip_invalid=True, rejects=rejects)
    assert (result.imported, result.rejected) == (3, 6)
    lines = rejects.getvalue().splitlines()
    assert lines[0].startswith("line,reason,center_code")
    assert [line.split(",")[0] for line in lines[1:]] == ["5", "6", "7", "8", "9", "10"]


def test_wrong_header_is_refused(world):
    with pytest.raises(ImportRejected) as caught:
        attentions_import(source=io.StringIO("a,b,c\n1,2,3\n"))
    assert caught.value.errors[0][0] == 1


def test_command_reports_lines_and_skip_invalid_writes_rejects_file(world, tmp_path):
    path = tmp_path / "historic.csv"
    path.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="6"):
        call_command("import_attentions", str(path), stderr=err)
    assert "line 5:" in err.getvalue() and Attention.objects.count() == 0
    out = io.StringIO()
    call_command("import_attentions", str(path), "--skip-invalid", stdout=out)
    assert "3 imported" in out.getvalue()
    assert (tmp_path / "historic.csv.rejects.csv").read_text(encoding="utf-8").count("\n") == 7


def test_import_refreshes_the_daily_summary(world):
    from reports.models import DailyCount

    attentions_import(source=io.StringIO(HEADER + GOOD))
    rows = {
        (r.service_day.isoformat(), r.center_id, r.channel): (r.attentions, r.companies)
        for r in DailyCount.objects.all()
    }
    assert rows == {
        ("2016-12-31", world.north.pk, "presencial"): (1, 0),
        ("2016-03-01", world.callao.pk, "presencial"): (1, 1),
        ("2016-03-01", world.callao.pk, "telefonico"): (1, 0),
    }
