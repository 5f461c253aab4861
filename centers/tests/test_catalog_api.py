"""The read-only catalog API: entities and procedures (search, filters, detail, bad input)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from centers.constants import Channel
from centers.tests.factories import CenterFactory, OfferingFactory
from procedures.constants import CitizenIntent
from procedures.tests.factories import (
    POLICE_CERTIFICATE_REQUIREMENTS,
    EntityFactory,
    PoliceCertificateFactory,
    ProcedureFactory,
)

LIMA = ZoneInfo("America/Lima")
WEDNESDAY_9AM = dt.datetime(2026, 11, 25, 9, 0, tzinfo=LIMA)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    mininter = EntityFactory(name="Ministerio del Interior", acronym="MININTER", slug="mininter")
    reniec = EntityFactory(name="Registro Nacional de Identificación y Estado Civil", acronym="RENIEC", slug="reniec")
    sunarp = EntityFactory(name="Superintendencia Nacional de los Registros Públicos", acronym="SUNARP", slug="sunarp")
    police = PoliceCertificateFactory(
        entity=mininter, slug="certificado-antecedentes-policiales", requirements=POLICE_CERTIFICATE_REQUIREMENTS
    )
    dni = ProcedureFactory(
        entity=reniec, code="RENIEC-002", name="Duplicado de DNI", slug="duplicado-dni", fee=Decimal("16.00")
    )
    company = ProcedureFactory(
        entity=sunarp,
        code="SUNARP-010",
        name="Constitución de empresa en línea",
        slug="constitucion-empresa",
        intent=CitizenIntent.COMPANY,
    )
    lima_norte = CenterFactory(code="MAC-LN", name="MAC Lima Norte", slug="lima-norte", hours=True)
    OfferingFactory(center=lima_norte, procedure=police)
    OfferingFactory(center=lima_norte, procedure=dni, hours=[(weekday, "09:00", "13:00") for weekday in range(5)])
    return {"police": police, "dni": dni, "company": company, "lima_norte": lima_norte}


def slugs(response):
    return [item["slug"] for item in response.json()["results"]]


def test_procedure_list_shows_fee_as_decimal_string_in_soles(client, catalog):
    response = client.get("/api/v1/procedures/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    police = next(item for item in body["results"] if item["code"] == "MININTER-001")
    assert police["fee"] == "5.40"
    assert police["currency"] == "PEN"
    assert police["is_free"] is False
    assert police["entity"]["acronym"] == "MININTER"
    assert police["channels"] == ["presencial", "virtual"]
    assert police["service_standard"] == {"max_wait_minutes": 30, "max_service_minutes": 20}
    assert police["url"].endswith("/api/v1/procedures/certificado-antecedentes-policiales/")
    assert police["page_url"].endswith("/tramites/certificado-antecedentes-policiales/")


@pytest.mark.parametrize("query", ["policia", "ANTECEDENTES", "antecedentes policiales", "Policía"])
def test_search_finds_the_police_record_certificate(client, catalog, query):
    response = client.get("/api/v1/procedures/", {"q": query})
    assert response.status_code == 200
    assert slugs(response)[0] == "certificado-antecedentes-policiales"


def test_search_with_no_match_is_an_empty_page_not_an_error(client, catalog):
    response = client.get("/api/v1/procedures/", {"q": "pasaporte diplomático"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"entity": "reniec"}, ["duplicado-dni"]),
        ({"center": "lima-norte"}, ["certificado-antecedentes-policiales", "duplicado-dni"]),
        ({"channel": Channel.VIRTUAL}, ["certificado-antecedentes-policiales"]),
        ({"intent": CitizenIntent.COMPANY}, ["constitucion-empresa"]),
        ({"center": "lima-norte", "q": "duplicado"}, ["duplicado-dni"]),
        (
            {"entity": "", "channel": ""},
            ["certificado-antecedentes-policiales", "constitucion-empresa", "duplicado-dni"],
        ),
    ],
)
def test_procedure_filters(client, catalog, params, expected):
    response = client.get("/api/v1/procedures/", params)
    assert response.status_code == 200
    assert slugs(response) == expected


def test_inactive_procedures_are_not_listed(client, catalog):
    catalog["company"].is_active = False
    catalog["company"].save()
    response = client.get("/api/v1/procedures/")
    assert "constitucion-empresa" not in slugs(response)
    assert client.get("/api/v1/procedures/constitucion-empresa/").status_code == 404


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"entity": "no-such-entity"}, "entity"),
        ({"entity": "bad slug!"}, "entity"),
        ({"center": "no-such-center"}, "center"),
        ({"channel": "fax"}, "channel"),
        ({"intent": "complain"}, "intent"),
        ({"q": "a" * 201}, "q"),
        ({"q": "antecedentes\x00"}, "q"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "1e3"}, "page"),
        ({"page_size": "many"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_invalid_query_parameters_are_a_400_naming_the_parameter(client, catalog, params, parameter):
    response = client.get("/api/v1/procedures/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    assert list(body["errors"]) == [parameter]
    assert body["errors"][parameter][0]  # a message the caller can read


def test_page_past_the_last_is_a_json_404(client, catalog):
    response = client.get("/api/v1/procedures/", {"page": "9"})
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("page", ["99999999999999999999", "9" * 5000])
def test_a_huge_page_number_is_past_the_last_page(client, catalog, page):
    response = client.get("/api/v1/procedures/", {"page": page})
    assert response.status_code == 404
    assert response.json()["detail"]


def test_page_size_is_honoured_and_capped(client, catalog):
    body = client.get("/api/v1/procedures/", {"page_size": "2"}).json()
    assert len(body["results"]) == 2
    assert body["next"]
    for huge in ["100000", "9" * 5000]:
        body = client.get("/api/v1/procedures/", {"page_size": huge}).json()
        assert len(body["results"]) == 3


@time_machine.travel(WEDNESDAY_9AM, tick=False)
def test_procedure_detail_has_requirements_and_where_it_is_offered(client, catalog):
    response = client.get("/api/v1/procedures/certificado-antecedentes-policiales/")
    assert response.status_code == 200
    body = response.json()
    assert body["fee"] == "5.40"
    assert body["currency"] == "PEN"
    assert [item["text"] for item in body["requirements"]] == ["DNI vigente", "Comprobante de pago de la tasa"]
    (place,) = body["offered_at"]
    assert place["center"]["slug"] == "lima-norte"
    assert place["is_open_now"] is True
    assert place["closes_at"] == "2026-11-25T20:30:00-05:00"
    assert place["has_own_hours"] is False
    monday = place["weekly_hours"][0]
    assert monday["weekday"] == 0
    assert monday["ranges"] == [{"opens": "08:30", "closes": "20:30"}]
    assert place["weekly_hours"][6]["ranges"] == []


@time_machine.travel(dt.datetime(2026, 11, 25, 14, 0, tzinfo=LIMA), tick=False)
def test_a_desk_with_its_own_hours_is_closed_when_the_center_is_open(client, catalog):
    body = client.get("/api/v1/procedures/duplicado-dni/").json()
    (place,) = body["offered_at"]
    assert place["has_own_hours"] is True
    assert place["is_open_now"] is False
    assert place["next_opening"] == "2026-11-26T09:00:00-05:00"
    assert place["weekly_hours"][0]["ranges"] == [{"opens": "09:00", "closes": "13:00"}]


def test_unknown_procedure_slug_is_a_json_404(client, catalog):
    response = client.get("/api/v1/procedures/no-such-procedure/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_procedure_list_queries_do_not_grow_with_the_page(client, catalog, django_assert_max_num_queries):
    entities = EntityFactory.create_batch(5)
    for index in range(40):
        ProcedureFactory(entity=entities[index % 5], requirements=["DNI"])
    with django_assert_max_num_queries(3):  # count + page (entity joined)
        response = client.get("/api/v1/procedures/", {"page_size": "50"})
    assert len(response.json()["results"]) == 43
    with django_assert_max_num_queries(5):  # + entity and center checks
        response = client.get(
            "/api/v1/procedures/", {"q": "tramite", "entity": entities[0].slug, "center": "lima-norte"}
        )
    assert response.status_code == 200


def test_procedure_detail_queries_are_bounded(client, catalog, django_assert_max_num_queries):
    for index in range(8):
        OfferingFactory(procedure=catalog["police"], center=CenterFactory(hours=True, code=f"X-{index}"))
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/procedures/certificado-antecedentes-policiales/")
    assert len(response.json()["offered_at"]) == 9


def test_entity_list_and_detail(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/entities/")
    assert response.status_code == 200
    assert [item["slug"] for item in response.json()["results"]] == ["mininter", "reniec", "sunarp"]

    body = client.get("/api/v1/entities/reniec/").json()
    assert body["acronym"] == "RENIEC"
    assert body["level"] == "national"
    assert body["procedures_url"].endswith("/api/v1/procedures/?entity=reniec")
    # The advertised link works and lists that entity's procedures.
    assert slugs(client.get(body["procedures_url"])) == ["duplicado-dni"]


def test_unknown_entity_slug_is_a_json_404(client, catalog):
    response = client.get("/api/v1/entities/nadie/")
    assert response.status_code == 404
    assert response.json()["detail"]
