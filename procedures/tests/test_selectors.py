import pytest

from procedures.models import Procedure
from procedures.selectors import procedure_list, procedure_search_substring, search_terms
from procedures.tests.factories import EntityFactory, ProcedureFactory


@pytest.fixture
def catalog(db):
    mininter = EntityFactory(name="Ministerio del Interior", acronym="MININTER")
    police = ProcedureFactory(
        entity=mininter, name="Certificado de antecedentes policiales", demand_rank=2, requirements=["DNI vigente"]
    )
    orientation = ProcedureFactory(entity=mininter, name="Orientación sobre servicios policiales digitales")
    dni = ProcedureFactory(
        name="Duplicado de DNI", demand_rank=1, summary="Si perdió su DNI, denuncia policial opcional."
    )
    return {"police": police, "orientation": orientation, "dni": dni}


@pytest.mark.parametrize("query", ["antecedentes policiales", "ANTECEDENTES", "policia", "Policía"])
def test_full_text_search_forgives_case_accents_and_word_forms(catalog, query):
    assert list(procedure_list(filters={"q": query}))[0] == catalog["police"]


def test_full_text_search_puts_name_matches_first_then_the_most_demanded(catalog):
    assert list(procedure_list(filters={"q": "policia"})) == [catalog["police"], catalog["orientation"], catalog["dni"]]


@pytest.mark.parametrize("query", ["antecedentes policiales", "ANTECEDENTES", "policia", "Policía"])
def test_substring_fallback_finds_the_same(catalog, query):
    found = procedure_search_substring(queryset=Procedure.objects.all(), terms=search_terms(query))
    assert found[0] == catalog["police"]


def test_substring_fallback_ranks_name_matches_before_demand(catalog):
    found = procedure_search_substring(queryset=Procedure.objects.all(), terms=search_terms("policia"))
    assert list(found) == [catalog["police"], catalog["orientation"], catalog["dni"]]


def test_search_terms_are_bounded_and_normalized():
    assert search_terms("  ¿Dónde pago la TASA?  ") == ["donde", "pago", "la", "tasa"]
    assert len(search_terms("palabra " * 100)) == 8
