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
    # waits 10, 20, 40 (whole minutes): mean 23.33; median: rank ceil(0.5 × 3) = 2nd = 20; p90: rank
    # ceil(0.9 × 3) = 3rd = 40; within 30: 2 of 3. The 40 is the attention of 23:30 Lima on 31 December.
    assert dni["served"] == 3
    assert float(dni["wait_mean"]) == pytest.approx(70 / 3)
    assert (dni["wait_median"], dni["wait_p90"]) == (20, 40)
    assert float(dni["wait_within"]) == pytest.approx(2 / 3)
    # service 5, 10, 30: median 10, p90 30; within 20: 2 of 3
    assert float(dni["service_mean"]) == pytest.approx(15)
    assert (dni["service_median"], dni["service_p90"]) == (10, 30)
    assert float(dni["service_within"]) == pytest.approx(2 / 3)
    centers = {row["center"]: row for row in ind.waits_by_center(**YEAR_2016)}
    # Callao: waits 8 and 12 against a standard of 10 (the abandoned one in Lima Norte has no wait)
    assert centers["Centro MAC Callao"]["served"] == 2
    assert float(centers["Centro MAC Callao"]["wait_within"]) == pytest.approx(0.5)
    assert centers["Centro MAC Lima Norte"]["served"] == 5


@pytest.fixture
def seconds_waits(world):
    """Ten record attentions in Lima Norte with waits given in seconds (standard: 10 minutes), all of consenting
    women (so that the gender filter reads the attentions themselves), the last at 23:30 Lima on 31 December 2016;
    and one at 00:10 Lima on 1 January 2017 that 2016 never counts."""
    waits = [30, 599.4, 600, 601, 180, 1500, 420, 480, 720, 3600]  # whole minutes up: 1 10 10 11 3 25 7 8 12 60
    days = [lima(2016, 4, day, 9) for day in range(1, 10)] + [lima(2016, 12, 31, 23, 30)]
    for issued, seconds in zip(days, waits, strict=True):
        attention_create(center=world.north, procedure=world.record, issued=issued, wait=seconds / 60, gender="female")
    attention_create(
        center=world.north, procedure=world.record, issued=lima(2017, 1, 1, 0, 10), wait=1, gender="female"
    )
    summary_refresh()
    return world


def test_waits_are_percentiles_of_whole_minutes_rounded_up(seconds_waits):
    (row,) = ind.waits_by_procedure(**YEAR_2016)
    # sorted minutes 1 3 7 8 10 10 11 12 25 60: median rank 5 = 10, p90 rank 9 = 25
    assert row["served"] == 10
    assert (row["wait_median"], row["wait_p90"]) == (10, 25)
    # within 10 minutes: 30 s, 3, 7, 8 min, 9:59.4 and 10:00 exactly; not 10:01
    assert float(row["wait_within"]) == pytest.approx(0.6)
    # the mean is exact: 8730.4 s / 10 / 60
    assert float(row["wait_mean"]) == pytest.approx(8730.4 / 600)
    assert (row["service_median"], row["service_p90"], float(row["service_within"])) == (5, 5, 1.0)
    (last_day,) = ind.waits_by_procedure(start=dt.date(2016, 12, 31), end=dt.date(2016, 12, 31))
    assert (last_day["served"], last_day["wait_median"]) == (1, 60)
    (new_year,) = ind.waits_by_procedure(start=dt.date(2017, 1, 1), end=dt.date(2017, 1, 1))
    assert (new_year["served"], new_year["wait_median"]) == (1, 1)


def test_summary_and_attentions_paths_agree_exactly(seconds_waits, data):
    # no segment filter: the minute buckets; a gender filter (every record attention here is a woman's): the rows
    north = {"center_ids": [data.north.pk], "procedure_id": data.record.pk, **YEAR_2016}
    summary = ind.waits_by_procedure(**north)
    rows = ind.waits_by_procedure(gender="female", **north)
    assert summary == rows
    assert summary[0]["served"] == 10
    # a period of whole months and partial ones: month buckets for May–December, day buckets for 3–30 April
    partial = {**north, "start": dt.date(2016, 4, 3), "end": dt.date(2016, 12, 31)}
    months_and_days = ind.waits_by_procedure(**partial)
    assert months_and_days == ind.waits_by_procedure(gender="female", **partial)
    # 3–9 April: 1500, 420, 480, 720 s… (7 of them) and 23:30 on 31 December
    assert months_and_days[0]["served"] == 8
    # December alone (a whole month) against its days
    december = {**north, "start": dt.date(2016, 12, 1), "end": dt.date(2016, 12, 31)}
    assert ind.waits_by_procedure(**december) == ind.waits_by_procedure(gender="female", **december)
    assert ind.waits_by_procedure(**december)[0]["wait_median"] == 60
    by_center = ind.waits_by_center(center_ids=[data.north.pk], entity_id=data.record.entity_id, **YEAR_2016)
    assert by_center == ind.waits_by_center(
        center_ids=[data.north.pk], entity_id=data.record.entity_id, gender="female", **YEAR_2016
    )


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
