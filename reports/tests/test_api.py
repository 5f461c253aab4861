import datetime as dt

import pytest
from rest_framework.test import APIClient

from centers.constants import StaffRole
from centers.tests.factories import staff_user_create
from complaints.tests.factories import ComplaintFactory
from conftest import verified_client

from .utils import attention_create, lima, summary_refresh

YEAR = {"start": "2016-01-01", "end": "2016-12-31"}


@pytest.fixture
def data(world):
    attention_create(center=world.north, procedure=world.dni, issued=lima(2016, 3, 1, 9), wait=10)
    attention_create(center=world.north, procedure=world.company, issued=lima(2016, 5, 1, 10), wait=5)
    attention_create(center=world.callao, procedure=world.record, issued=lima(2016, 7, 2, 10), wait=12)
    summary_refresh()
    return world


def _api(role, center=None):
    client = APIClient()
    client.cookies = verified_client(staff_user_create(role=role, center=center)).cookies
    return client


def test_list_and_table_for_an_analyst(data):
    client = _api(StaffRole.ANALYST)
    listing = client.get("/api/v1/reports/").json()
    assert {"centers", "waits-procedure", "appointments", "segments"} <= {t["slug"] for t in listing}
    body = client.get("/api/v1/reports/centers/", YEAR).json()
    assert body["columns"][3] == {"key": "attentions", "header": "Atenciones presenciales", "kind": "int"}
    rows = {row["center"]: row for row in body["rows"]}
    assert rows["Centro MAC Lima Norte"] == {
        "center": "Centro MAC Lima Norte",
        "entities": 2,
        "services": 2,
        "attentions": 2,
        "companies": 1,
    }
    share = client.get("/api/v1/reports/entities/", YEAR).json()["rows"][0]["share"]
    assert share == pytest.approx(1 / 3, abs=1e-4)


def test_supervisor_gets_only_their_center_and_400_for_another(data):
    client = _api(StaffRole.SUPERVISOR, data.callao)
    rows = client.get("/api/v1/reports/centers/", YEAR).json()["rows"]
    assert [row["center"] for row in rows] == ["Centro MAC Callao"]
    response = client.get("/api/v1/reports/centers/", {**YEAR, "center": data.north.pk})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "center" in response.json()["errors"]


def test_errors_in_the_one_shape(data):
    assert APIClient().get("/api/v1/reports/centers/").json()["code"] == "not_authenticated"
    greeter = _api(StaffRole.GREETER, data.north)
    response = greeter.get("/api/v1/reports/centers/")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    analyst = _api(StaffRole.ANALYST)
    assert analyst.get("/api/v1/reports/nothing/").json()["code"] == "not_found"
    bad = analyst.get("/api/v1/reports/centers/", {"start": "2016-12-31", "end": "2016-01-01"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"end"}


def test_complaints_by_category_in_the_reports(data):
    """The complaints book's table: counted by the Lima day of filing, on-time rate of those answered, and the
    overdue ones still open after their last day."""
    lima_tz = lima(2016, 1, 1, 0).tzinfo
    make = ComplaintFactory
    answered = {"status": "answered", "answer": "Respuesta de la entidad al ciudadano."}
    # Two waiting-time complaints at Lima Norte: one answered on time, one answered late.
    make(
        center=data.north,
        category="waiting",
        filed_at=lima(2016, 3, 1, 9),
        due_on=dt.date(2016, 4, 12),
        answered_at=dt.datetime(2016, 4, 12, 23, 30, tzinfo=lima_tz),  # 04:30 UTC the next day: still on time
        **answered,
    )
    make(
        center=data.north,
        category="waiting",
        filed_at=lima(2016, 3, 2, 9),
        due_on=dt.date(2016, 4, 13),
        answered_at=lima(2016, 4, 20, 9),
        **answered,
    )
    # One about information at Callao, never answered: overdue at the end of the year.
    make(center=data.callao, category="information", filed_at=lima(2016, 6, 1, 9), due_on=dt.date(2016, 7, 13))
    # Filed at 23:30 Lima on 31 December 2016 (2017 in UTC): it belongs to 2016; one of 2017 does not.
    make(center=data.north, category="access", filed_at=lima(2016, 12, 31, 23, 30), due_on=dt.date(2017, 2, 14))
    make(center=data.north, category="access", filed_at=lima(2017, 1, 1, 0, 30), due_on=dt.date(2017, 2, 15))

    body = _api(StaffRole.ANALYST).get("/api/v1/reports/complaints/", YEAR).json()
    rows = {row["category_label"]: row for row in body["rows"]}
    assert rows["Tiempo de espera"] == {
        "category_label": "Tiempo de espera",
        "filed": 2,
        "answered": 2,
        "answered_on_time": 1,
        "on_time_rate": 0.5,
        "overdue": 0,
    }
    assert (rows["Información"]["filed"], rows["Información"]["overdue"], rows["Información"]["on_time_rate"]) == (
        1,
        1,
        None,
    )
    assert rows["Acceso"]["filed"] == 1 and rows["Acceso"]["overdue"] == 0

    # A supervisor of Callao sees only Callao's complaints.
    callao = _api(StaffRole.SUPERVISOR, data.callao).get("/api/v1/reports/complaints/", YEAR).json()
    assert sum(row["filed"] for row in callao["rows"]) == 1
