"""The satisfaction table (surveys.selectors.satisfaction_by_dimension) through the reports page, exports and API,
against hand-computed values."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from centers.constants import StaffRole
from centers.tests.factories import staff_user_create
from conftest import verified_client
from surveys.constants import Delivery, Dimension
from surveys.models import Answer, Invitation, Response
from surveys.services import survey_defaults_create

from .utils import attention_create, lima

YEAR = {"start": "2016-01-01", "end": "2016-12-31"}
AGENT, RESULT = Dimension.AGENT_COURTESY.value, Dimension.RESULT.value


def _surveyed(surveys, *, answers=None, **attention):
    """An attention with a survey invitation and, given `answers` ({dimension: (expectation, perception)}), its
    response."""
    made = attention_create(**attention)
    survey = surveys[made.channel]
    invitation = Invitation.objects.create(
        attention=made, survey=survey, nonce=f"n{made.pk}", delivery=Delivery.ONSITE, expires_at=made.issued_at
    )
    if answers:
        response = Response.objects.create(
            invitation=invitation, survey=survey, attention=made, submitted_at=made.finished_at
        )
        for dimension, (expectation, perception) in answers.items():
            Answer.objects.create(
                response=response,
                question=survey.questions.filter(dimension=dimension).first(),
                dimension=dimension,
                expectation=expectation,
                perception=perception,
            )


@pytest.fixture
def data(world):
    """2016 (Lima days):
    1 Lima Norte DNI    in person, 23:30 Lima on 31 December: agent (6, 5), result (7, 7)
    2 Lima Norte record in person: agent (4, 6)
    3 Lima Norte DNI    in person: not answered
    4 Callao     DNI    in person: agent (2, 3)
    5 Lima Norte DNI    by phone: result (3, 2)
    and 00:10 Lima on 1 January 2017 (another year): agent (1, 1)."""
    surveys = {survey.channel: survey for survey in survey_defaults_create()}
    w = world
    _surveyed(
        surveys,
        center=w.north,
        procedure=w.dni,
        issued=lima(2016, 12, 31, 23, 30),
        answers={AGENT: (6, 5), RESULT: (7, 7)},
    )
    _surveyed(surveys, center=w.north, procedure=w.record, issued=lima(2016, 3, 1, 9), answers={AGENT: (4, 6)})
    _surveyed(surveys, center=w.north, procedure=w.dni, issued=lima(2016, 3, 2, 9))
    _surveyed(surveys, center=w.callao, procedure=w.dni, issued=lima(2016, 3, 3, 9), answers={AGENT: (2, 3)})
    _surveyed(
        surveys,
        center=w.north,
        procedure=w.dni,
        issued=lima(2016, 3, 4, 9),
        channel="telefonico",
        answers={RESULT: (3, 2)},
    )
    _surveyed(surveys, center=w.north, procedure=w.dni, issued=lima(2017, 1, 1, 0, 10), answers={AGENT: (1, 1)})
    return w


def _api(role, center=None) -> APIClient:
    client = APIClient()
    client.cookies = verified_client(staff_user_create(role=role, center=center)).cookies
    return client


def _rows(body) -> dict[str, dict]:
    return {row["dimension_label"]: row for row in body["rows"]}


def test_api_satisfaction_per_dimension_for_an_analyst(data):
    body = _api(StaffRole.ANALYST).get("/api/v1/reports/satisfaction/", YEAR).json()
    assert [column["header"] for column in body["columns"]][:4] == [
        "Dimensión",
        "Encuestas ofrecidas",
        "Respuestas",
        "Tasa de respuesta",
    ]
    rows = _rows(body)
    assert len(rows) == len(Dimension)
    # five surveys offered in 2016; courtesy of the agent: (6,5) (4,6) (2,3): 3 responses of 5 = 0.6; expectation
    # 12/3 = 4.00, perception 14/3 = 4.67, gap 0.67; satisfied (perception ≥ expectation): 2 of 3 = 0.67
    assert rows["Amabilidad del asesor de ventanilla"] | {"dimension_label": ""} == {
        "dimension_label": "",
        "invitations": 5,
        "responses": 3,
        "response_rate": 0.6,
        "mean_expectation": 4.0,
        "mean_perception": 4.67,
        "gap": 0.67,
        "share_satisfied": 0.67,
    }
    # result: (7,7) (3,2): 2 of 5 = 0.4; expectation 5.00, perception 4.50, gap −0.50; satisfied 1 of 2
    result = next(row for row in body["rows"] if row["responses"] == 2)
    assert (result["mean_expectation"], result["mean_perception"], result["gap"]) == (5.0, 4.5, -0.5)
    assert (result["response_rate"], result["share_satisfied"]) == (0.4, 0.5)
    # a dimension nobody answered: no means
    assert sum(1 for row in body["rows"] if row["responses"] == 0 and row["gap"] is None) == len(Dimension) - 2


def test_procedure_and_channel_filters_and_the_last_day_of_the_year(data):
    client = _api(StaffRole.ANALYST)
    query = {**YEAR, "procedure": data.dni.pk, "channel": "presencial"}
    agent = _rows(client.get("/api/v1/reports/satisfaction/", query).json())["Amabilidad del asesor de ventanilla"]
    # DNI in person: surveys 1, 3 and 4; agent (6,5) (2,3): 2 of 3 = 0.67, expectation 4, perception 4, gap 0; 1 of 2
    assert (agent["invitations"], agent["responses"], agent["response_rate"]) == (3, 2, 0.67)
    assert (agent["gap"], agent["share_satisfied"]) == (0.0, 0.5)
    last_day = client.get("/api/v1/reports/satisfaction/", {"start": "2016-12-31", "end": "2016-12-31"}).json()
    assert _rows(last_day)["Amabilidad del asesor de ventanilla"]["responses"] == 1  # 23:30 Lima: still 2016
    new_year = client.get("/api/v1/reports/satisfaction/", {"start": "2017-01-01", "end": "2017-01-01"}).json()
    assert _rows(new_year)["Amabilidad del asesor de ventanilla"]["mean_perception"] == 1.0


def test_supervisor_sees_only_their_centers_surveys(data):
    client = _api(StaffRole.SUPERVISOR, data.callao)
    agent = _rows(client.get("/api/v1/reports/satisfaction/", YEAR).json())["Amabilidad del asesor de ventanilla"]
    assert (agent["invitations"], agent["responses"], agent["gap"], agent["share_satisfied"]) == (1, 1, 1.0, 1.0)
    assert client.get("/api/v1/reports/satisfaction/", {**YEAR, "center": data.north.pk}).status_code == 400


def test_page_and_csv_show_the_satisfaction_table_in_spanish(data):
    client = verified_client(staff_user_create(role=StaffRole.ANALYST))
    page = client.get("/reportes/?start=2016-01-01&end=2016-12-31").content.decode()
    assert "Satisfacción por dimensión" in page and 'aria-labelledby="caption-satisfaction"' in page
    assert "Amabilidad del asesor de ventanilla" in page
    text = client.get("/reportes/satisfaction.csv?start=2016-01-01&end=2016-12-31").getvalue().decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Dimensión"
    agent = next(row for row in rows[1:] if row[0] == "Amabilidad del asesor de ventanilla")
    assert agent[1:3] == ["5", "3"]
