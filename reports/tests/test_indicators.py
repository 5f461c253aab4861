"""Every indicator against figures computed by hand on a few attentions."""

import datetime as dt

import pytest
from django.utils import translation

from attention.constants import Outcome
from reports.registry import TABLES, display
from reports.selectors import ReportFilters
from reports.selectors import indicators as ind

from .utils import attention_create, lima, summary_refresh


@pytest.fixture(autouse=True)
def _spanish_labels():
    with translation.override("es-pe"):
        yield


YEAR_2016 = {"start": dt.date(2016, 1, 1), "end": dt.date(2016, 12, 31)}


@pytest.fixture
def data(world):
    w = world
    # Lima Norte: three DNI (waits 10, 20, 40; service 5, 10, 30), one company formed, one company not resolved,
    # one abandoned record; one at 23:30 Lima on 31 December 2016 (04:30 UTC on 1 January 2017).
    attention_create(center=w.north, procedure=w.dni, issued=lima(2016, 3, 1, 9), wait=10, service=5)
    attention_create(center=w.north, procedure=w.dni, issued=lima(2016, 3, 2, 9), wait=20, service=10)
    attention_create(
        center=w.north,
        procedure=w.dni,
        issued=lima(2016, 12, 31, 23, 30),
        wait=40,
        service=30,
        age_band="30-44",
        gender="female",
    )
    attention_create(center=w.north, procedure=w.company, issued=lima(2016, 5, 1, 10), wait=5, service=60)
    attention_create(center=w.north, procedure=w.company, issued=lima(2016, 5, 2, 10), outcome=Outcome.NOT_RESOLVED)
    attention_create(center=w.north, procedure=w.record, issued=lima(2016, 6, 1, 10), wait=None)
    # Callao: one record by phone, one in person; one in 2017 (just after midnight Lima) that 2016 never counts.
    attention_create(center=w.callao, procedure=w.record, issued=lima(2016, 7, 1, 10), wait=8, channel="telefonico")
    attention_create(center=w.callao, procedure=w.record, issued=lima(2016, 7, 2, 10), wait=12)
    attention_create(center=w.callao, procedure=w.record, issued=lima(2017, 1, 1, 0, 10), wait=12)
    summary_refresh()
    return w


def test_centers_table_is_the_seed_table_for_the_period(data):
    rows = {row["center"]: row for row in ind.centers_table(**YEAR_2016)}
    assert rows["Centro MAC Lima Norte"] == {
        "center": "Centro MAC Lima Norte",
        "entities": 3,
        "services": 3,
        "attentions": 6,
        "companies": 1,
    }
    # the phone attention is not in person; the 2017 one is another year
    assert rows["Centro MAC Callao"]["attentions"] == 1


def test_time_zone_boundary_23_30_lima_on_31_december_is_that_year(data):
    last_day = {"start": dt.date(2016, 12, 31), "end": dt.date(2016, 12, 31)}
    assert ind.centers_table(**last_day)[1]["attentions"] == 1  # Lima Norte (ordered by name: Callao first)
    new_year = {"start": dt.date(2017, 1, 1), "end": dt.date(2017, 12, 31)}
    counts = {row["center"]: row["attentions"] for row in ind.centers_table(**new_year)}
    assert counts == {"Centro MAC Callao": 1, "Centro MAC Lima Norte": 0}


def test_over_time_by_month_and_year(data):
    months = ind.attentions_over_time(granularity="month", center_ids=[data.north.pk], **YEAR_2016)
    assert [(row["period"].month, row["attentions"]) for row in months] == [(3, 2), (5, 2), (6, 1), (12, 1)]
    years = ind.attentions_over_time(granularity="year", **YEAR_2016)
    assert {(row["center"], row["attentions"]) for row in years} == {
        ("Centro MAC Lima Norte", 6),
        ("Centro MAC Callao", 2),
    }


def test_volume_by_entity_channel_procedure(data):
    entities = {
        row["entity"]: (row["attentions"], round(float(row["share"]), 4))
        for row in ind.attentions_by_entity(**YEAR_2016)
    }
    assert entities == {"RENIEC": (3, 0.375), "Poder Judicial": (3, 0.375), "SUNARP": (2, 0.25)}
    channels = {row["channel"]: row["attentions"] for row in ind.attentions_by_channel(**YEAR_2016)}
    assert channels == {"Presencial": 7, "Telefónico": 1}
    procedures = ind.attentions_by_procedure(channel="telefonico", **YEAR_2016)
    assert [(row["procedure"], row["attentions"]) for row in procedures] == [("Certificado de antecedentes penales", 1)]
    assert ind.attentions_by_entity(entity_id=data.dni.entity_id, **YEAR_2016)[0]["attentions"] == 3


def test_companies_formed_per_month(data):
    rows = ind.companies_formed(**YEAR_2016)
    assert [(row["period"], row["center"], row["companies"]) for row in rows] == [
        (dt.date(2016, 5, 1), "Centro MAC Lima Norte", 1)
    ]


def test_waits_mean_median_p90_and_standard(data):
    (dni,) = ind.waits_by_procedure(procedure_id=data.dni.pk, **YEAR_2016)
    # waits 10, 20, 40: mean 23.33, median 20, p90 = 20 + 0.8 * 20 = 36; within 30: 2 of 3
    assert dni["served"] == 3
    assert float(dni["wait_mean"]) == pytest.approx(70 / 3)
    assert dni["wait_median"] == pytest.approx(20)
    assert dni["wait_p90"] == pytest.approx(36)
    assert float(dni["wait_within"]) == pytest.approx(2 / 3)
    # service 5, 10, 30: median 10, p90 = 10 + 0.8 * 20 = 26; within 20: 2 of 3
    assert dni["service_median"] == pytest.approx(10)
    assert dni["service_p90"] == pytest.approx(26)
    assert float(dni["service_within"]) == pytest.approx(2 / 3)
    centers = {row["center"]: row for row in ind.waits_by_center(**YEAR_2016)}
    # Callao: waits 8 and 12 against a standard of 10 (the abandoned one in Lima Norte has no wait)
    assert centers["Centro MAC Callao"]["served"] == 2
    assert float(centers["Centro MAC Callao"]["wait_within"]) == pytest.approx(0.5)
    assert centers["Centro MAC Lima Norte"]["served"] == 5


def test_segment_suppression_blanks_small_cells(data, settings):
    settings.REPORTS_MIN_CELL_SIZE = 2
    filters = ReportFilters(**YEAR_2016, gender="female")
    (row,) = TABLES["entities"].rows(filters)
    assert row == {"entity": "RENIEC", "attentions": None, "share": None, "suppressed": True}
    segments = TABLES["segments"].rows(ReportFilters(**YEAR_2016))
    by_value = {(row["dimension"], row["value"]): row["attentions"] for row in segments}
    assert by_value[("Rango de edad", "30 a 44 años")] is None  # one person: suppressed
    assert by_value[("Atención preferente", "Ninguno")] == 8
    settings.REPORTS_MIN_CELL_SIZE = 1
    assert TABLES["entities"].rows(filters)[0]["attentions"] == 1


def test_appointments_booked_cancelled_no_show_and_lead_time(world):
    import time_machine

    from appointments.models import Appointment
    from appointments.tests.factories import ScheduleFactory, appointment_create, slot_create

    schedule = ScheduleFactory(center=world.north, procedures=[world.dni])
    slot = slot_create(schedule=schedule, starts_at=lima(2026, 12, 3, 10), capacity=5)
    with time_machine.travel(lima(2026, 12, 1, 9), tick=False):
        made = [appointment_create(slot=slot, procedure=world.dni, n=n) for n in range(4)]
    Appointment.objects.filter(pk=made[0].pk).update(status="cancelled")
    Appointment.objects.filter(pk=made[1].pk).update(status="no_show")
    Appointment.objects.filter(pk=made[3].pk).update(channel="telefonico")
    rows = ind.appointments_by_center(start=dt.date(2026, 12, 3), end=dt.date(2026, 12, 3))
    online, phone = (next(r for r in rows if r["channel"] == label) for label in ("Virtual", "Telefónico"))
    # online: 3 booked, 1 cancelled, 1 no-show of the 2 not cancelled; lead 2 days and 1 hour
    assert (online["booked"], online["cancelled"], online["no_show"]) == (3, 1, 1)
    assert float(online["no_show_rate"]) == pytest.approx(0.5)
    assert float(online["lead_days"]) == pytest.approx(2 + 1 / 24)
    assert (phone["booked"], phone["no_show"]) == (1, 0)
    assert ind.appointments_by_center(start=dt.date(2026, 12, 4), end=dt.date(2026, 12, 31)) == []


def test_display_formats_spanish_numbers():
    assert display(1211669, "int") == "1\xa0211\xa0669"
    assert display(0.375, "percent") == "37,5 %"
    assert display(23.333, "decimal") == "23,3"
    assert display(None, "int") == "—"
