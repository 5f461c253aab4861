"""`manage.py load_demo`: a believable MAC, loaded idempotently, that the catalog's search and hours can use."""

import datetime as dt
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from appointments.models import Schedule
from centers.models import Center, Closure, Counter, Offering, OpeningHours
from centers.selectors import center_get, center_status, national_holiday
from centers.services import HoursRange, opening_hours_validate
from centers.tests.factories import CenterFactory, OfferingFactory
from mac_portal.demo.loader import demo_load, schedules_load
from procedures.constants import AppointmentPolicy, Channel, CitizenIntent
from procedures.models import Entity, Procedure, Requirement
from procedures.selectors import procedure_list, procedure_most_demanded
from procedures.tests.factories import ProcedureFactory

LIMA = ZoneInfo("America/Lima")
# A Thursday; Tuesday 8 December 2026 is a national holiday, so Monday the 7th is the bridge day.
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=LIMA)
SEED_CENTERS = ["MAC-LIMA-NORTE", "MAC-CALLAO", "MAC-VENTANILLA", "MAC-PIURA", "MAC-LIMA-ESTE"]
BRIDGE_REASON = "Día no laborable para el sector público (decretado por el Gobierno)"


@pytest.fixture
def demo(db):
    with time_machine.travel(NOW, tick=False):
        yield demo_load()


def snapshot() -> dict:
    """Every row the demo writes, with primary keys and timestamps, to prove a second run writes nothing."""
    counters = Counter.objects.order_by("pk").prefetch_related("procedures", "languages")
    return {
        "entities": list(Entity.objects.order_by("pk").values()),
        "procedures": list(Procedure.objects.order_by("pk").values()),
        "requirements": list(Requirement.objects.order_by("pk").values()),
        "centers": list(Center.objects.order_by("pk").values()),
        "offerings": list(Offering.objects.order_by("pk").values()),
        "hours": list(OpeningHours.objects.order_by("pk").values()),
        "closures": list(Closure.objects.order_by("pk").values()),
        "counters": [
            (
                c.pk,
                c.center_id,
                c.label,
                c.entity_id,
                c.is_active,
                sorted(p.pk for p in c.procedures.all()),
                sorted(lang.code for lang in c.languages.all()),
            )
            for c in counters
        ],
    }


def ranges_of(hours) -> list[HoursRange]:
    return [HoursRange(h.weekday, h.opens, h.closes) for h in hours]


def test_command_loads_the_seed_centers_entities_and_procedures(db):
    out = StringIO()
    call_command("load_demo", stdout=out)

    assert "75 procedures" in out.getvalue()
    in_person = Center.objects.filter(channel=Channel.IN_PERSON)
    assert set(in_person.values_list("code", flat=True)) >= set(SEED_CENTERS)
    assert Center.objects.get(channel=Channel.PHONE).phone == "1800"
    assert Center.objects.get(channel=Channel.VIRTUAL).always_open
    lima_norte = Center.objects.get(code="MAC-LIMA-NORTE")
    assert (lima_norte.district, lima_norte.ubigeo, lima_norte.opened_on.year) == ("Independencia", "150112", 2010)
    lima_este = Center.objects.get(code="MAC-LIMA-ESTE")
    assert (lima_este.district, lima_este.ubigeo, lima_este.opened_on.year) == ("Santa Anita", "150137", 2017)
    assert dict(
        in_person.filter(code__in=["MAC-CALLAO", "MAC-VENTANILLA", "MAC-PIURA"]).values_list("code", "ubigeo")
    ) == {
        "MAC-CALLAO": "070101",
        "MAC-VENTANILLA": "070106",
        "MAC-PIURA": "200101",
    }
    assert Entity.objects.count() >= 15
    acronyms = set(Entity.objects.values_list("acronym", flat=True))
    assert acronyms >= {"BN", "MININTER", "RENIEC", "PJ", "SUNARP", "SUNAT", "MIGRACIONES", "ESSALUD", "INDECOPI"}
    assert Entity.objects.filter(level="local").exists()
    assert Procedure.objects.count() >= 60


def test_the_seeds_most_demanded_services_come_first_with_their_fees(demo):
    top = list(procedure_most_demanded(limit=5))

    assert [p.code for p in top] == ["BN-001", "MININTER-001", "PJ-001", "RENIEC-001", "PRODUCE-001"]
    fee_payment, police, criminal, dni, company = top
    assert fee_payment.entity.name == "Banco de la Nación"
    assert fee_payment.is_free
    assert police.name == "Certificado de antecedentes policiales"
    assert police.fee == Decimal("5.40")
    assert "08116" in police.payment_instructions
    assert criminal.entity.acronym == "PJ"
    assert criminal.fee > 0
    assert dni.entity.acronym == "RENIEC"
    assert dni.fee > 0
    assert company.name == "Constitución de empresa"
    assert company.intent == CitizenIntent.COMPANY
    assert Procedure.objects.get(code="MIGRACIONES-001").appointment_policy == AppointmentPolicy.REQUIRED
    assert Procedure.objects.filter(intent=CitizenIntent.ORIENTATION).count() >= 10


def test_running_it_twice_writes_nothing(demo):
    before = snapshot()

    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        again = demo_load()

    assert (again["created"], again["updated"], again["removed"]) == (0, 0, 0)
    assert {k: v for k, v in again.items() if k not in {"created", "updated", "removed"}} == {
        k: v for k, v in demo.items() if k not in {"created", "updated", "removed"}
    }
    assert snapshot() == before


def test_running_it_again_repairs_edited_demo_data(demo):
    police = Procedure.objects.get(code="MININTER-001")
    Procedure.objects.filter(pk=police.pk).update(fee=Decimal("99.00"), is_active=False)
    police.requirements.first().delete()
    lima_norte = Center.objects.get(code="MAC-LIMA-NORTE")
    lima_norte.opening_hours.filter(offering__isnull=True, weekday=0).delete()
    Counter.objects.filter(center=lima_norte, label="V-02").update(is_active=False)

    with time_machine.travel(NOW, tick=False):
        again = demo_load()

    police.refresh_from_db()
    assert (police.fee, police.is_active) == (Decimal("5.40"), True)
    assert police.requirements.count() == 4
    assert lima_norte.opening_hours.filter(offering__isnull=True, weekday=0).count() == 1
    assert Counter.objects.get(center=lima_norte, label="V-02").is_active
    assert again["updated"] >= 4
    assert again["procedures"] == demo["procedures"]


@pytest.mark.parametrize("query", ["antecedentes policiales", "ANTECEDENTES", "policia", "Policía"])
def test_search_finds_the_police_record_certificate(demo, query):
    codes = list(procedure_list(filters={"q": query}).values_list("code", flat=True))

    assert "MININTER-001" in codes


def test_search_ranks_the_best_match_first(demo):
    assert procedure_list(filters={"q": "antecedentes policiales"}).first().code == "MININTER-001"
    assert procedure_list(filters={"q": "constitucion de empresa"}).first().code == "PRODUCE-001"
    assert procedure_list(filters={"q": "duplicado dni"}).first().code == "RENIEC-001"


def test_every_procedure_has_ordered_requirements_and_is_offered_somewhere(demo):
    for procedure in Procedure.objects.prefetch_related("requirements", "offerings"):
        positions = [r.position for r in procedure.requirements.all()]
        assert 2 <= len(positions) <= 6, procedure.code
        assert positions == list(range(1, len(positions) + 1)), procedure.code
        assert any(o.is_active for o in procedure.offerings.all()), procedure.code


def test_each_channel_offers_what_can_be_started_on_it(demo):
    phone = Center.objects.get(channel=Channel.PHONE)
    web = Center.objects.get(channel=Channel.VIRTUAL)

    assert set(phone.procedures.values_list("pk", flat=True)) == set(
        Procedure.objects.filter(via_phone=True).values_list("pk", flat=True)
    )
    assert not Procedure.objects.filter(intent=CitizenIntent.ORIENTATION).exclude(centers=phone).exists()
    assert set(web.procedures.values_list("pk", flat=True)) == set(
        Procedure.objects.filter(via_virtual=True).values_list("pk", flat=True)
    )
    assert not Offering.objects.filter(center__channel=Channel.IN_PERSON, procedure__via_in_person=False).exists()
    offered = {code: Offering.objects.filter(center__code=code, is_active=True).count() for code in SEED_CENTERS}
    assert offered["MAC-LIMA-NORTE"] == max(offered.values())
    assert offered["MAC-LIMA-NORTE"] >= 60
    assert min(offered.values()) >= 20


def test_hours_are_valid_and_a_desk_can_close_for_lunch(demo):
    for center in Center.objects.filter(channel=Channel.IN_PERSON).prefetch_related("opening_hours"):
        hours = list(center.opening_hours.all())
        center_hours = [h for h in hours if h.offering_id is None]
        assert {h.weekday for h in center_hours} == {0, 1, 2, 3, 4, 5}, center.code
        opening_hours_validate(ranges=ranges_of(center_hours))
        for offering_id in {h.offering_id for h in hours} - {None}:
            opening_hours_validate(ranges=ranges_of(h for h in hours if h.offering_id == offering_id))

    desk = Offering.objects.get(center__code="MAC-LIMA-NORTE", procedure__code="BN-001")
    monday = desk.opening_hours.filter(weekday=0).order_by("opens")
    assert [(h.opens, h.closes) for h in monday] == [
        (dt.time(8, 30), dt.time(13, 0)),
        (dt.time(14, 0), dt.time(17, 30)),
    ]
    phone_monday = OpeningHours.objects.get(center__channel=Channel.PHONE, weekday=0)
    assert (phone_monday.opens, phone_monday.closes) == (dt.time(8, 0), dt.time(20, 0))


def test_counters_serve_their_entitys_offered_procedures_in_several_languages(demo):
    counters = Counter.objects.select_related("center").prefetch_related("procedures", "languages")
    for counter in counters:
        offered = set(counter.center.offerings.filter(is_active=True).values_list("procedure_id", flat=True))
        procedures = list(counter.procedures.all())
        assert procedures, str(counter)
        assert {p.entity_id for p in procedures} == {counter.entity_id}, str(counter)
        assert {p.pk for p in procedures} <= offered, str(counter)
        assert "es" in {lang.code for lang in counter.languages.all()}

    assert Counter.objects.filter(center__code="MAC-LIMA-NORTE", languages__code="qu").exists()
    assert Counter.objects.filter(center__code="MAC-LIMA-ESTE", languages__code="qu").exists()
    assert Counter.objects.filter(languages__code="lsp").exists()
    assert Counter.objects.filter(center__channel=Channel.IN_PERSON).values("center").distinct().count() == 5


def test_closures_fall_on_an_upcoming_bridge_day_and_close_the_center(demo):
    bridge = dt.date(2026, 12, 7)
    for code in SEED_CENTERS:
        assert Closure.objects.filter(center__code=code, date=bridge, reason=BRIDGE_REASON).exists(), code
    for closure in Closure.objects.all():
        assert closure.date > NOW.date()
        assert closure.date.weekday() < 6
        assert national_holiday(closure.date) is None

    with time_machine.travel(dt.datetime(2026, 12, 7, 10, 0, tzinfo=LIMA), tick=False):
        status = center_status(center=center_get(slug="mac-lima-norte"))
    assert not status.is_open
    assert status.closed_reason == BRIDGE_REASON
    assert status.next_opening == dt.datetime(2026, 12, 10, 8, 30, tzinfo=LIMA)  # 8 and 9 Dec are holidays


def test_closures_move_with_the_calendar_instead_of_piling_up(demo):
    with time_machine.travel(dt.datetime(2027, 5, 10, 10, 0, tzinfo=LIMA), tick=False):
        demo_load()
        demo_load()

    # Tuesday 29 June 2027 is a holiday: the bridge is Monday the 28th.
    assert Closure.objects.filter(date=dt.date(2027, 6, 28), reason=BRIDGE_REASON).count() == 5
    upcoming = Closure.objects.filter(date__gt=dt.date(2027, 5, 10))
    assert upcoming.count() == 7
    # The 2026 closures stay as history.
    assert Closure.objects.filter(date=dt.date(2026, 12, 7)).count() == 5


def test_a_failure_leaves_nothing_half_loaded(db, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("search index unavailable")

    monkeypatch.setattr("mac_portal.demo.loader.procedure_refresh_search_documents", fail)

    with pytest.raises(RuntimeError):
        demo_load()

    assert not Entity.objects.exists()
    assert not Procedure.objects.exists()
    assert not Center.objects.exists()


@time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("America/Lima")), tick=False)
def test_demo_schedules_follow_the_center_hours(db):
    center = CenterFactory(hours=True)  # Mon–Fri 08:30–20:30, Sat 08:30–13:30
    bookable = ProcedureFactory()
    walk_in = ProcedureFactory(appointment_policy="walk_in")
    OfferingFactory(center=center, procedure=bookable)
    OfferingFactory(center=center, procedure=walk_in)
    assert schedules_load(capacity=2, slot_minutes=30) == 1
    [schedule] = Schedule.objects.all()
    assert list(schedule.procedures.all()) == [bookable]
    assert schedule.rules.count() == 6
    assert schedule.slots.filter(starts_at__date=dt.date(2026, 11, 28)).count() == 10  # Saturday 08:30–13:30
    assert schedules_load() == 0  # idempotent
