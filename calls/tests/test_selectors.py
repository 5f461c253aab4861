"""Today's totals of the phone line, per operator and for the line, against figures worked out by hand."""

import pytest

from centers.constants import Channel
from centers.models import Language
from centers.tests.factories import CenterFactory

from ..constants import CallOutcome
from ..selectors import calls_today_totals, procedure_info, procedure_typeahead
from ..services import call_start
from .conftest import at
from .factories import call_logged, operator_create

pytestmark = pytest.mark.django_db


def test_today_s_totals_per_operator_and_line(phone):
    ana = operator_create(phone.line, username="ana")
    ana.first_name, ana.last_name = "Ana", "Quispe"
    ana.save()
    beto = operator_create(phone.line, username="beto")
    spanish, quechua = Language.objects.get(code="es"), Language.objects.get(code="qu")
    log = {"line": phone.line, "procedure": phone.procedure}
    call_logged(operator=ana, start=at(8, 10), seconds=60, language=spanish, **log)
    call_logged(operator=ana, start=at(9, 0), seconds=185, language=quechua, **log)
    call_logged(
        operator=beto,
        start=at(9, 30),
        seconds=300,
        language=spanish,
        outcome=CallOutcome.REFERRED,
        referred_to="SUNARP",
        **log,
    )
    call_logged(operator=beto, start=at(0, 0, 5), seconds=40, language=spanish, **log)  # just after midnight
    # Not today's, not logged, or another line's: not counted.
    call_logged(operator=beto, start=at(0, 0, 0).replace(day=30, month=11, hour=23, minute=59), seconds=90, **log)
    other = CenterFactory(code="MAC-TEL-2", name="Otra línea", channel=Channel.PHONE)
    call_logged(operator=operator_create(other), start=at(9), seconds=999, line=other, procedure=phone.procedure)
    call_start(line=phone.line, operator=ana, now=at(10))

    totals = calls_today_totals(line=phone.line, day=at(12).date())

    assert (totals.line.calls, totals.line.seconds, totals.line.average_seconds) == (4, 585, 146)  # 585 / 4 = 146.25
    assert totals.line.average_display == "2:26"
    assert dict(totals.line.outcome_rows) == {
        "Informado": 3,
        "Cita reservada": 0,
        "Derivado a una entidad o centro": 1,
        "Reclamo registrado": 0,
    }
    assert totals.line.language_rows == [("Español", 3), ("Quechua", 1)]
    (name_a, row_a), (name_b, row_b) = totals.operators
    assert (name_a, row_a.calls, row_a.average_display, row_a.language_rows) == (
        "Ana Quispe",
        2,
        "2:02",  # (60 + 185) / 2 = 122.5, rounded to even
        [("Español", 1), ("Quechua", 1)],
    )
    assert (
        name_b,
        row_b.calls,
        row_b.average_seconds,
        dict(row_b.outcome_rows)["Derivado a una entidad o centro"],
    ) == (
        "beto",
        2,
        170,
        1,
    )


def test_the_catalog_search_and_a_procedure_s_full_information(phone):
    assert procedure_typeahead(query="record policial") == [phone.procedure]
    assert procedure_typeahead(query="   ") == []
    info = procedure_info(procedure_id=phone.procedure.pk, at=at(10))
    assert [r.text for r in info.procedure.requirements.all()] == ["DNI vigente", "Pago de la tasa"]
    places = {place.offering.center: place.status.is_open for place in info.places}
    assert places == {phone.line: True, phone.center: True}
    sunday = procedure_info(procedure_id=phone.procedure.pk, at=at(10).replace(day=6))
    assert not any(place.status.is_open for place in sunday.places)
