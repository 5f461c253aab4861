"""/reportes/ and its exports: who may read what, filters, spreadsheets that open with Spanish headers."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from centers.constants import StaffRole
from centers.tests.factories import staff_user_create
from conftest import verified_client

from .utils import attention_create, lima, summary_refresh

YEAR = "start=2016-01-01&end=2016-12-31"


@pytest.fixture
def data(world):
    attention_create(center=world.north, procedure=world.dni, issued=lima(2016, 3, 1, 9), wait=10, service=5)
    attention_create(center=world.north, procedure=world.company, issued=lima(2016, 5, 1, 10), wait=5)
    attention_create(center=world.callao, procedure=world.record, issued=lima(2016, 7, 2, 10), wait=12)
    summary_refresh()
    return world


def _client(role, center=None) -> Client:
    return verified_client(staff_user_create(role=role, center=center))


def test_anonymous_goes_to_login(data):
    response = Client().get(f"/reportes/?{YEAR}")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_unverified_staff_go_through_two_step_verification(data):
    client = Client()
    client.force_login(staff_user_create(role=StaffRole.ANALYST))
    response = client.get(f"/reportes/?{YEAR}")
    assert response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.parametrize("role", [StaffRole.GREETER, StaffRole.COUNTER_AGENT, StaffRole.PHONE_OPERATOR])
def test_other_roles_are_refused(data, role):
    client = _client(role, data.north)
    for path in ("/reportes/", "/reportes/centers.csv", "/reportes/centers.xlsx", "/reportes/atenciones.csv"):
        assert client.get(f"{path}?{YEAR}").status_code == 403


def test_analyst_reads_every_center(data):
    response = _client(StaffRole.ANALYST).get(f"/reportes/?{YEAR}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Centro MAC Callao" in page and "Centro MAC Lima Norte" in page
    assert "<svg" in page and 'role="img"' in page  # charts, each labelled by its table's caption
    assert 'aria-labelledby="caption-centers"' in page


def test_supervisor_reads_only_their_center(data):
    client = _client(StaffRole.SUPERVISOR, data.north)
    response = client.get(f"/reportes/?{YEAR}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Centro MAC Lima Norte" in page and "Centro MAC Callao" not in page
    # asking for another center is an invalid choice: 400 with a message, never its data
    foreign = client.get(f"/reportes/?{YEAR}&center={data.callao.pk}")
    assert foreign.status_code == 400 and "Centro MAC Callao" not in foreign.content.decode()
    rows = list(csv.reader(io.StringIO(client.get(f"/reportes/centers.csv?{YEAR}").getvalue().decode()), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["Centro MAC Lima Norte"]
    assert client.get(f"/reportes/atenciones.csv?{YEAR}&center={data.callao.pk}").status_code == 400
    export = client.get(f"/reportes/atenciones.csv?{YEAR}").getvalue().decode()
    assert "MAC-CALLAO" not in export and "MAC-LIMA-NORTE" in export


def test_bad_filters_answer_400_with_a_spanish_message(data):
    response = _client(StaffRole.ANALYST).get("/reportes/?start=2016-12-31&end=2016-01-01")
    assert response.status_code == 400
    assert "La fecha final es anterior a la inicial." in response.content.decode()
    assert _client(StaffRole.ANALYST).get("/reportes/?start=nonsense").status_code == 400


def test_unknown_table_is_404(data):
    assert _client(StaffRole.ANALYST).get(f"/reportes/nothing.csv?{YEAR}").status_code == 404


def test_csv_export_has_spanish_headers_and_numbers(data):
    response = _client(StaffRole.ANALYST).get(f"/reportes/entities.csv?{YEAR}")
    assert response["Content-Type"].startswith("text/csv")
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Entidad", "Atenciones", "Participación (%)"]
    assert sorted(rows[1:]) == sorted(
        [["RENIEC", "1", "33,33"], ["SUNARP", "1", "33,33"], ["Poder Judicial", "1", "33,33"]]
    )


def test_xlsx_export_opens_with_headers_and_number_formats(data):
    response = _client(StaffRole.ANALYST).get(f"/reportes/waits-center.xlsx?{YEAR}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:3] == ("Centro", "Atendidas", "Espera media (min)")
    callao = next(row for row in rows[3:] if row[0] == "Centro MAC Callao")
    assert callao[1] == 1 and callao[2] == 12.0
    cells = list(sheet.iter_rows(min_row=4, max_row=4))[0]
    assert cells[1].number_format == "#,##0" and cells[5].number_format == "0.0%"


def test_attentions_csv_is_pseudonymised(data):
    text = _client(StaffRole.ANALYST).get(f"/reportes/atenciones.csv?{YEAR}").getvalue().decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["pseudonym", "center_code", "entity"]
    assert len(rows) == 4
    first = next(row for row in rows[1:] if row[3] == "RENIEC-001")
    assert first[7] == "2016-03-01T09:00:00-05:00" and first[11] == "10,0" and first[13] == "resolved"
    assert len(first[0]) == 16 and first[0] not in {str(pk) for pk in range(1, 10_000)}
