"""On a database other than PostgreSQL (the demo portal's SQLite, `./scripts/run`) the reports say so plainly, in the
page, the exports, the bulletin and the API: no 500, and no CSV that stops after its header line with a 200. A real
SQLite database stands in for it (the test profile's in-memory `sqlite` alias)."""

import datetime as dt

import pytest
from django.db import DatabaseError
from rest_framework.test import APIClient

from centers.constants import StaffRole
from centers.tests.factories import staff_user_create
from conftest import verified_client
from reports.errors import ReportsUnavailable
from reports.exports import attentions_csv
from reports.registry import TABLES
from reports.selectors import ReportFilters

pytestmark = pytest.mark.django_db(databases=["default", "sqlite"])

YEAR = "start=2016-01-01&end=2016-12-31"
MESSAGE = "Los reportes necesitan PostgreSQL"


@pytest.fixture
def on_sqlite(world, settings):
    settings.REPORTS_DATABASE = "sqlite"
    return world


def test_the_page_exports_and_bulletin_say_the_reports_need_postgresql(on_sqlite):
    client = verified_client(staff_user_create(role=StaffRole.ANALYST))
    paths = [
        "/reportes/",
        "/reportes/centers.csv",
        "/reportes/waits-center.xlsx",
        "/reportes/atenciones.csv",
        f"/reportes/boletin/{on_sqlite.north.slug}/2016/",
        f"/reportes/boletin/{on_sqlite.north.slug}/2016/pdf/",
    ]
    for path in paths:
        response = client.get(f"{path}?{YEAR}")
        assert response.status_code == 503, path
        assert response["Content-Type"].startswith("text/html"), path
        assert MESSAGE in response.content.decode(), path


def test_the_api_answers_in_the_one_error_shape(on_sqlite):
    client = APIClient()
    client.cookies = verified_client(staff_user_create(role=StaffRole.ANALYST)).cookies
    assert client.get("/api/v1/reports/").status_code == 200  # the list of tables needs no database
    response = client.get("/api/v1/reports/waits-center/", {"start": "2016-01-01", "end": "2016-12-31"})
    assert response.status_code == 503
    assert response.json()["code"] == "reports_unavailable"
    assert response.json()["detail"].startswith(MESSAGE)


def test_no_table_reaches_the_database_with_postgresqls_sql(on_sqlite):
    """Every registered table either answers or refuses with ReportsUnavailable: none fails inside SQLite."""
    filters = ReportFilters(start=dt.date(2016, 1, 1), end=dt.date(2016, 12, 31), center_ids=[on_sqlite.north.pk])
    refused = []
    for slug, table in TABLES.items():
        try:
            table.rows(filters)
        except ReportsUnavailable:
            refused.append(slug)
        except DatabaseError as exc:  # pragma: no cover - the failure this test is here to catch
            pytest.fail(f"{slug}: {exc}")
    assert {"centers", "over-time", "companies", "waits-procedure", "waits-center", "appointments"} <= set(refused)
    with pytest.raises(ReportsUnavailable):
        next(attentions_csv(filters=filters))
