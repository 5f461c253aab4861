"""The back-office for entities and procedures: pages load with bounded queries, saves reach the search."""

from decimal import Decimal

import pytest
from django.urls import reverse

from procedures.models import Procedure
from procedures.selectors import procedure_list
from procedures.tests.factories import EntityFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


def form_data(response) -> dict:
    """The POST a browser would send for the admin form rendered in `response` (main form and inlines)."""
    data: dict = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(item) for item in value]
            else:
                data[form.add_prefix(name)] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


@pytest.fixture
def reniec():
    return EntityFactory(name="Registro Nacional de Identificación y Estado Civil", acronym="RENIEC", slug="reniec")


@pytest.fixture
def procedures(reniec):
    return [
        ProcedureFactory(entity=reniec, name="Duplicado de DNI", requirements=["Pago de la tasa", "Foto"]),
        ProcedureFactory(entity=reniec, name="Rectificación de datos del DNI", requirements=["Partida"]),
        ProcedureFactory(name="Certificado de antecedentes policiales", via_virtual=True, requirements=["DNI"]),
    ]


@pytest.mark.parametrize("model", ["entity", "procedure"])
def test_changelist_and_add_pages_load(admin_client, procedures, model, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse(f"admin:procedures_{model}_changelist"))
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse(f"admin:procedures_{model}_add"))
    assert response.status_code == 200


def test_procedure_changelist_queries_do_not_grow_with_rows(admin_client, procedures, django_assert_max_num_queries):
    for _ in range(30):
        ProcedureFactory()
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:procedures_procedure_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 33


def test_procedure_changelist_search_and_filters(admin_client, procedures):
    url = reverse("admin:procedures_procedure_changelist")
    found = admin_client.get(url, {"q": "RENIEC"}).context["cl"].result_list
    assert {procedure.name for procedure in found} == {"Duplicado de DNI", "Rectificación de datos del DNI"}
    found = admin_client.get(url, {"channel": "virtual"}).context["cl"].result_list
    assert [procedure.name for procedure in found] == ["Certificado de antecedentes policiales"]


def test_change_pages_load(admin_client, procedures, reniec, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:procedures_procedure_change", args=[procedures[0].pk]))
    assert response.status_code == 200
    assert "Pago de la tasa" in response.content.decode()  # the requirements inline
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:procedures_entity_change", args=[reniec.pk]))
    assert response.status_code == 200


def test_entity_autocomplete_for_procedures(admin_client, reniec):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "procedures", "model_name": "procedure", "field_name": "entity", "term": "reni"},
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [str(reniec.pk)]


def test_a_procedure_added_in_the_admin_is_found_by_search(admin_client, reniec):
    response = admin_client.get(reverse("admin:procedures_procedure_add"))
    data = form_data(response)
    data.update(
        {
            "entity": str(reniec.pk),
            "code": "RENIEC-099",
            "name": "Inscripción de nacimiento",
            "slug": "inscripcion-nacimiento",
            "summary": "Registro del recién nacido.",
            "fee": "0.00",
            "requirements-TOTAL_FORMS": "2",
            "requirements-0-position": "1",
            "requirements-0-text": "Certificado de nacido vivo",
            "requirements-1-position": "2",
            "requirements-1-text": "Documento de identidad de los padres",
        }
    )
    response = admin_client.post(reverse("admin:procedures_procedure_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    procedure = Procedure.objects.get(code="RENIEC-099")
    assert [r.text for r in procedure.requirements.all()] == [
        "Certificado de nacido vivo",
        "Documento de identidad de los padres",
    ]
    # Found by its name, its entity and a requirement (the search document was rebuilt after the inline).
    for query in ["inscripcion nacimiento", "reniec", "nacido vivo"]:
        assert procedure in procedure_list(filters={"q": query}), query


def test_changing_a_procedure_and_its_requirements_updates_search(admin_client, procedures):
    procedure = procedures[0]
    url = reverse("admin:procedures_procedure_change", args=[procedure.pk])
    data = form_data(admin_client.get(url))
    data["keywords"] = "reposicion perdida robo"
    data["fee"] = "16.00"
    data["requirements-0-text"] = "Constancia de denuncia policial"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.fee == Decimal("16.00")
    assert procedure in procedure_list(filters={"q": "robo"})
    assert procedure in procedure_list(filters={"q": "denuncia"})
    assert procedure not in procedure_list(filters={"q": "pago tasa"})


def test_renaming_an_entity_updates_its_procedures_search(admin_client, procedures, reniec):
    url = reverse("admin:procedures_entity_change", args=[reniec.pk])
    data = form_data(admin_client.get(url))
    data["acronym"] = "IDENTIDAD"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    found = list(procedure_list(filters={"q": "identidad"}))
    assert set(found) >= {procedures[0], procedures[1]}


def test_an_invalid_procedure_shows_errors_and_saves_nothing(admin_client, reniec):
    data = form_data(admin_client.get(reverse("admin:procedures_procedure_add")))
    data.update({"entity": str(reniec.pk), "code": "X-1", "name": "X", "slug": "x", "summary": "x", "fee": "-1"})
    response = admin_client.post(reverse("admin:procedures_procedure_add"), data)
    assert response.status_code == 200
    assert "fee" in response.context["adminform"].form.errors
    assert not Procedure.objects.filter(code="X-1").exists()
