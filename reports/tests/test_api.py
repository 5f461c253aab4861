import pytest
from rest_framework.test import APIClient

from centers.constants import StaffRole
from centers.tests.factories import staff_user_create
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
