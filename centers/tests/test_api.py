"""The read-only service points API: hours, open-now (holidays and closures respected), filters, detail."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from centers.constants import Channel
from centers.tests.factories import CenterFactory, ClosureFactory, CounterFactory, OfferingFactory
from procedures.tests.factories import EntityFactory, ProcedureFactory

LIMA = ZoneInfo("America/Lima")

pytestmark = pytest.mark.django_db


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=LIMA), tick=False)


@pytest.fixture
def centers():
    return {
        "lima_norte": CenterFactory(code="MAC-LN", name="MAC Lima Norte", slug="lima-norte", hours=True),
        "callao": CenterFactory(
            code="MAC-CA", name="MAC Callao", slug="callao", region="Callao", hours=[(0, "08:00", "13:00")]
        ),
        "phone": CenterFactory(
            code="LINEA", name="Línea telefónica MAC", slug="linea", channel=Channel.PHONE, hours=True
        ),
        "web": CenterFactory(
            code="WEB", name="Portal web", slug="portal", channel=Channel.VIRTUAL, always_open=True, address=""
        ),
    }


def by_slug(response):
    return {item["slug"]: item for item in response.json()["results"]}


def test_center_list_has_hours_and_open_now(client, centers):
    with at(2026, 11, 25, 9, 0):  # a Wednesday morning
        response = client.get("/api/v1/centers/")
    assert response.status_code == 200
    items = by_slug(response)
    assert set(items) == {"lima-norte", "callao", "linea", "portal"}
    lima_norte = items["lima-norte"]
    assert lima_norte["is_open_now"] is True
    assert lima_norte["closes_at"] == "2026-11-25T20:30:00-05:00"
    assert lima_norte["next_opening"] is None
    assert lima_norte["weekly_hours"][5] == {
        "weekday": 5,
        "label": lima_norte["weekly_hours"][5]["label"],
        "ranges": [{"opens": "08:30", "closes": "13:30"}],
    }
    callao = items["callao"]  # opens on Mondays only
    assert callao["is_open_now"] is False
    assert callao["next_opening"] == "2026-11-30T08:00:00-05:00"
    assert items["portal"]["is_open_now"] is True  # always open


def test_saturday_afternoon_is_closed_until_monday(client, centers):
    with at(2026, 11, 28, 14, 0):
        item = by_slug(client.get("/api/v1/centers/"))["lima-norte"]
    assert item["is_open_now"] is False
    assert item["closes_at"] is None
    assert item["next_opening"] == "2026-11-30T08:30:00-05:00"


def test_holidays_and_closures_are_upcoming_closures_and_close_the_center(client, centers):
    ClosureFactory(center=centers["lima_norte"], date=dt.date(2026, 12, 2), reason="Fumigación")
    with at(2026, 12, 1, 10, 0):
        item = by_slug(client.get("/api/v1/centers/"))["lima-norte"]
    closures = {entry["date"]: entry["reason"] for entry in item["upcoming_closures"]}
    assert closures["2026-12-02"] == "Fumigación"
    assert "2026-12-08" in closures  # Inmaculada Concepción, a national holiday
    with at(2026, 12, 8, 10, 0):
        item = by_slug(client.get("/api/v1/centers/"))["lima-norte"]
    assert item["is_open_now"] is False
    assert item["closed_reason"]
    assert item["next_opening"] == "2026-12-10T08:30:00-05:00"  # 9 December is a holiday too


@pytest.mark.parametrize(
    ("channel", "expected"),
    [(Channel.IN_PERSON, {"lima-norte", "callao"}), (Channel.PHONE, {"linea"}), (Channel.VIRTUAL, {"portal"})],
)
def test_channel_filter(client, centers, channel, expected):
    response = client.get("/api/v1/centers/", {"channel": channel})
    assert response.status_code == 200
    assert set(by_slug(response)) == expected


def test_inactive_centers_are_hidden(client, centers):
    centers["callao"].is_active = False
    centers["callao"].save()
    assert "callao" not in by_slug(client.get("/api/v1/centers/"))
    assert client.get("/api/v1/centers/callao/").status_code == 404


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"channel": "fax"}, "channel"),
        ({"channel": "PRESENCIAL"}, "channel"),
        ({"page": "primera"}, "page"),
        ({"page_size": "-5"}, "page_size"),
    ],
)
def test_invalid_query_parameters_are_a_400_naming_the_parameter(client, centers, params, parameter):
    response = client.get("/api/v1/centers/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [parameter]


def test_center_detail_lists_entities_procedures_and_languages(client, centers):
    center = centers["lima_norte"]
    reniec = EntityFactory(name="RENIEC", acronym="RENIEC", slug="reniec")
    sunat = EntityFactory(name="SUNAT", acronym="SUNAT", slug="sunat")
    dni = ProcedureFactory(entity=reniec, name="Duplicado de DNI", slug="duplicado-dni")
    OfferingFactory(center=center, procedure=dni)
    OfferingFactory(center=centers["callao"], procedure=ProcedureFactory(entity=reniec, slug="solo-callao"))
    CounterFactory(center=center, entity=sunat, languages=["es", "qu"])
    with at(2026, 11, 25, 9, 0):
        response = client.get("/api/v1/centers/lima-norte/")
    assert response.status_code == 200
    body = response.json()
    assert body["is_open_now"] is True
    assert [entity["slug"] for entity in body["entities"]] == ["reniec", "sunat"]
    assert [procedure["slug"] for procedure in body["procedures"]] == ["duplicado-dni"]
    assert body["procedures"][0]["url"].endswith("/api/v1/procedures/duplicado-dni/")
    assert {language["code"] for language in body["languages"]} == {"es", "qu"}


def test_unknown_center_slug_is_a_json_404(client, centers):
    response = client.get("/api/v1/centers/atlantida/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_center_list_queries_do_not_grow_with_the_number_of_centers(client, centers, django_assert_max_num_queries):
    for index in range(15):
        center = CenterFactory(code=f"EXTRA-{index}", hours=True)
        ClosureFactory(center=center, date=dt.date(2026, 11, 26))
    with at(2026, 11, 25, 9, 0), django_assert_max_num_queries(4):  # count, centers, hours, closures
        response = client.get("/api/v1/centers/", {"page_size": "50"})
    assert response.json()["count"] == 19


def test_center_detail_queries_are_bounded(client, centers, django_assert_max_num_queries):
    center = centers["lima_norte"]
    for index in range(10):
        entity = EntityFactory()
        OfferingFactory(center=center, procedure=ProcedureFactory(entity=entity))
        CounterFactory(center=center, entity=entity, label=f"V-{index}", languages=["es"])
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/centers/lima-norte/")
    assert len(response.json()["procedures"]) == 10


def test_opening_times_are_documented_as_the_hours_and_minutes_they_are(client, centers):
    """The schema said OpenAPI's `time` (RFC 3339: with seconds) while the API has always sent "08:30"."""
    import re

    schema = client.get("/api/schema/", {"format": "json"}).json()
    for name in ("opens", "closes"):
        documented = schema["components"]["schemas"]["TimeRange"]["properties"][name]
        assert "format" not in documented
        sent = client.get("/api/v1/centers/lima-norte/").json()["weekly_hours"][0]["ranges"][0][name]
        assert re.fullmatch(documented["pattern"], sent), sent
