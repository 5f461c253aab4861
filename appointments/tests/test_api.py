import datetime as dt

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from appointments.api.serializers import ProcedureSlugField
from appointments.constants import CONSENT_VERSION, AppointmentStatus
from appointments.models import Appointment, Slot
from appointments.services import slots_generate
from appointments.tests.factories import ScheduleFactory, appointment_create, lima, slot_create
from appointments.tests.utils import SLOT_START
from common.tests.utils import new_address
from procedures.constants import AppointmentPolicy
from procedures.models import Procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient(REMOTE_ADDR=new_address())


@pytest.fixture
def schedule(db, procedure):
    return ScheduleFactory(procedures=[procedure], capacity=2, rules=[(d, "08:30", "10:30") for d in range(5)])


def booking(slot, n=1, **overrides):
    body = {
        "procedure": slot.schedule.procedures.get().slug,
        "slot": slot.pk,
        "document_type": "dni",
        "document_number": f"{40000000 + n}",
        "full_name": "Rosa María Quispe",
        "email": f"rosa{n}@example.pe",
        "phone": "987654321",
        "consent_version": CONSENT_VERSION,
    }
    body.update(overrides)
    return body


def test_availability_per_day(frozen, api, schedule, procedure, django_assert_max_num_queries):
    slots_generate(schedule=schedule)
    params = {
        "procedure": procedure.slug,
        "center": schedule.center.slug,
        "date_from": "2026-12-01",
        "date_to": "2026-12-09",
    }
    with django_assert_max_num_queries(3):  # procedure, center, availability
        response = api.get("/api/v1/appointments/availability/", params)
    assert response.status_code == 200
    days = {day["date"]: day["free"] for day in response.json()["days"]}
    assert days["2026-12-01"] == 8
    assert "2026-12-05" not in days and "2026-12-08" not in days  # Saturday, holiday


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"procedure": "no-existe"}, "procedure"),
        ({"date_from": "2026-12-01", "date_to": "2027-03-01"}, "date_to"),
        ({"date_from": "2026-12-10", "date_to": "2026-12-01"}, "date_to"),
        ({"date_from": "ayer"}, "date_from"),
        ({"date_from": "9999-12-31"}, "date_from"),  # the last representable day: no date arithmetic error
        ({"date_from": "0001-01-01", "date_to": "0001-01-02"}, "date_from"),
    ],
)
def test_availability_bad_parameters_are_400(frozen, api, schedule, procedure, params, field):
    query = {"procedure": procedure.slug, "center": schedule.center.slug, **params}
    response = api.get("/api/v1/appointments/availability/", query)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]


def test_slots_of_a_day_in_lima_time(frozen, api, schedule, procedure):
    slots_generate(schedule=schedule)
    response = api.get(
        "/api/v1/appointments/slots/",
        {"procedure": procedure.slug, "center": schedule.center.slug, "date": "2026-12-01"},
    )
    assert response.status_code == 200
    first = response.json()[0]
    assert first["starts_at"] == "2026-12-01T08:30:00-05:00"
    assert first["free"] == 2


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2028-01-01"])
def test_slots_of_a_day_far_from_today_are_400(frozen, api, schedule, procedure, day):
    response = api.get(
        "/api/v1/appointments/slots/", {"procedure": procedure.slug, "center": schedule.center.slug, "date": day}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["date"] == ["Elija un día dentro de un año a partir de hoy."]


def test_book_returns_the_code_and_the_details(frozen, api, slot):
    response = api.post("/api/v1/appointments/", booking(slot), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    appointment = Appointment.objects.get()
    assert body["code"] == appointment.code_display
    assert body["starts_at"] == "2026-12-01T08:30:00-05:00"
    assert body["requirements"] == ["Pago de la tasa", "Foto"]
    assert body["fee_display"] == "Gratuito"
    assert "document_number" not in body and "email" not in body  # no personal data echoed
    assert appointment.channel == "virtual"


@pytest.mark.postgresql
def test_the_booking_answers_as_a_lookup_of_it_would_without_reading_it_back(
    frozen, api, slot, procedure, django_assert_num_queries
):
    procedure.requirements.filter(text="Foto").update(position=0)
    procedure.requirements.filter(text="Pago de la tasa").update(position=1)
    # The procedure with its requirement texts, the slot with its checks (and the center's slug, name and address:
    # the anti-hoarding limit's center-day comes from it); then the transaction (SAVEPOINT and RELEASE here, BEGIN
    # and COMMIT in production): quota upsert, active appointments, one statement that claims the place and inserts
    # the appointment and its message rows. Nothing is read back for the answer.
    body = booking(slot)
    with django_assert_num_queries(7):
        booked = api.post("/api/v1/appointments/", body, format="json")
    assert booked.status_code == 201, booked.json()
    appointment = Appointment.objects.get()
    looked_up = api.post(
        "/api/v1/appointments/lookup/",
        {"code": appointment.code, "document_number": appointment.document_number},
        format="json",
    )
    assert looked_up.status_code == 200
    assert booked.content == looked_up.content  # byte for byte
    assert booked.json()["requirements"] == ["Foto", "Pago de la tasa"]


@pytest.mark.postgresql
def test_the_procedure_is_read_once_a_minute_and_the_service_still_has_the_last_word(
    frozen, api, slot, procedure, django_assert_num_queries
):
    """The procedure's row is kept a minute per process (procedures.services.CATALOG_MEMO). Another process that
    makes it walk-in-only does not tell this one: the booking's own statement refuses it all the same."""
    first, second, third = (booking(slot, n) for n in (1, 2, 3))
    assert api.post("/api/v1/appointments/", first, format="json").status_code == 201
    with django_assert_num_queries(6):  # the procedure is not read again
        booked = api.post("/api/v1/appointments/", second, format="json")
    assert booked.status_code == 201, booked.json()

    Procedure.objects.filter(pk=procedure.pk).update(appointment_policy=AppointmentPolicy.WALK_IN)  # elsewhere
    refused = api.post("/api/v1/appointments/", third, format="json")

    assert refused.status_code == 400 and refused.json()["code"] == "invalid", refused.json()
    assert Appointment.objects.count() == 2


@pytest.mark.parametrize("value", ["no-existe", "", 5, 5.5, True, ["x"], {"a": 1}, "a\x00b"])
def test_the_booking_procedure_field_answers_as_drfs_slug_field(procedure, value):
    def answer(field):
        try:
            return field.to_internal_value(value).pk
        except serializers.ValidationError as exc:
            return exc.detail

    drf = serializers.SlugRelatedField(slug_field="slug", queryset=Procedure.objects.all())
    assert answer(ProcedureSlugField()) == answer(drf)
    found = ProcedureSlugField().to_internal_value(procedure.slug)
    assert (found.pk, found.requirement_texts) == (procedure.pk, ["Pago de la tasa", "Foto"])


def test_book_errors_have_codes_and_statuses(frozen, api, schedule, settings):
    settings.APPOINTMENTS_MAX_ACTIVE_PER_DOCUMENT = 1
    full = slot_create(schedule=schedule, starts_at=SLOT_START, capacity=1)
    assert api.post("/api/v1/appointments/", booking(full, 1), format="json").status_code == 201

    response = api.post("/api/v1/appointments/", booking(full, 2), format="json")
    assert (response.status_code, response.json()["code"]) == (409, "slot_full")
    assert response.json()["detail"] == "Ese horario ya no está disponible. Elija otro, por favor."

    other = slot_create(schedule=schedule, starts_at=SLOT_START + dt.timedelta(hours=1))
    response = api.post("/api/v1/appointments/", booking(other, 1), format="json")
    assert (response.status_code, response.json()["code"]) == (409, "duplicate")

    second = ScheduleFactory(capacity=5)
    elsewhere = slot_create(schedule=second, starts_at=SLOT_START)
    response = api.post("/api/v1/appointments/", booking(elsewhere, 1), format="json")
    assert (response.status_code, response.json()["code"]) == (429, "limit_reached")

    response = api.post(
        "/api/v1/appointments/", booking(other, 3, document_number="123", phone="(01) 200-1000"), format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert set(response.json()["errors"]) == {"document_number", "phone"}

    soon = slot_create(schedule=schedule, starts_at=lima(2026, 11, 23, 11, 0))
    response = api.post("/api/v1/appointments/", booking(soon, 4), format="json")
    assert (response.status_code, response.json()["code"]) == (400, "window_closed")

    response = api.post("/api/v1/appointments/", {"slot": "x"}, format="json")
    assert response.status_code == 400 and "procedure" in response.json()["errors"]


def test_book_rate_limit_is_429_with_retry_after(frozen, api, schedule, settings):
    settings.RATE_LIMITS = {"book": (2, 3600), "lookup": (30, 600)}
    slot = slot_create(schedule=schedule, starts_at=SLOT_START, capacity=10)
    for n in (1, 2):
        assert api.post("/api/v1/appointments/", booking(slot, n), format="json").status_code == 201
    response = api.post("/api/v1/appointments/", booking(slot, 3), format="json")
    assert (response.status_code, response.json()["code"]) == (429, "rate_limited")
    assert int(response["Retry-After"]) > 0
    other_client = APIClient(REMOTE_ADDR=new_address())
    assert other_client.post("/api/v1/appointments/", booking(slot, 3), format="json").status_code == 201


def test_invalid_bookings_count_toward_the_rate_limit(frozen, api, schedule, settings):
    settings.RATE_LIMITS = {"book": (3, 3600), "lookup": (30, 600)}
    slot = slot_create(schedule=schedule, starts_at=SLOT_START, capacity=10)
    assert api.post("/api/v1/appointments/", booking(slot, 1, document_number="12"), format="json").status_code == 400
    assert api.post("/api/v1/appointments/", "{", content_type="application/json").status_code == 400
    no_such_slot = api.post("/api/v1/appointments/", {**booking(slot, 1), "slot": slot.pk + 1000}, format="json")
    assert (no_such_slot.status_code, no_such_slot.json()["code"]) == (400, "invalid")  # refused by the service
    response = api.post("/api/v1/appointments/", booking(slot, 1), format="json")
    assert (response.status_code, response.json()["code"]) == (429, "rate_limited")


def test_a_booking_counts_its_limits_and_the_rush_in_one_round_trip(frozen, api, schedule, settings, monkeypatch):
    """The address, its network, the center-day of the slot and the challenge's two counts: one script call."""
    import redis.client

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "book": (20, 3600), "book_network": (120, 3600)}
    slot = slot_create(schedule=schedule, starts_at=SLOT_START, capacity=10)
    assert api.post("/api/v1/appointments/", booking(slot, 1), format="json").status_code == 201  # loads the script
    commands = []
    original = redis.client.Redis.execute_command

    def counted(self, *args, **kwargs):
        commands.append((args[0], args[2] if args[0] == "EVALSHA" else None))  # EVALSHA sha numkeys keys… args…
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Redis, "execute_command", counted)
    monkeypatch.setattr(redis.client.Pipeline, "execute", lambda *args, **kwargs: pytest.fail("a pipeline"))
    assert api.post("/api/v1/appointments/", booking(slot, 2), format="json").status_code == 201
    assert commands == [("EVALSHA", 10)]  # five windows: the current and the previous key of each


def test_lookup_cancel_and_reschedule_need_code_and_document(frozen, api, schedule):
    old = slot_create(schedule=schedule, starts_at=SLOT_START)
    new = slot_create(schedule=schedule, starts_at=SLOT_START + dt.timedelta(days=1))
    appointment = appointment_create(slot=old, n=1)
    auth = {"code": appointment.code_display.lower(), "document_number": appointment.document_number}

    response = api.post("/api/v1/appointments/lookup/", auth, format="json")
    assert response.status_code == 200 and response.json()["code"] == appointment.code_display

    wrong_document = api.post("/api/v1/appointments/lookup/", {**auth, "document_number": "40000009"}, format="json")
    unknown_code = api.post("/api/v1/appointments/lookup/", {**auth, "code": "0000000000"}, format="json")
    assert wrong_document.status_code == unknown_code.status_code == 404
    assert wrong_document.json() == unknown_code.json()

    response = api.post("/api/v1/appointments/reschedule/", {**auth, "slot": new.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["starts_at"] == "2026-12-02T08:30:00-05:00"
    assert response.json()["code"] == appointment.code_display
    assert (Slot.objects.get(pk=old.pk).booked, Slot.objects.get(pk=new.pk).booked) == (0, 1)

    response = api.post("/api/v1/appointments/cancel/", {**auth, "reason": "Viaje"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == AppointmentStatus.CANCELLED
    assert Slot.objects.get(pk=new.pk).booked == 0

    response = api.post("/api/v1/appointments/cancel/", auth, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "window_closed")


def test_reschedule_to_a_full_slot_is_409_and_keeps_the_old_time(frozen, api, schedule):
    old = slot_create(schedule=schedule, starts_at=SLOT_START)
    full = slot_create(schedule=schedule, starts_at=SLOT_START + dt.timedelta(days=1), capacity=1)
    appointment = appointment_create(slot=old, n=1)
    appointment_create(slot=full, n=2)
    response = api.post(
        "/api/v1/appointments/reschedule/",
        {"code": appointment.code, "document_number": appointment.document_number, "slot": full.pk},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (409, "slot_full")
    appointment.refresh_from_db()
    assert appointment.slot_id == old.pk


def test_lookup_rate_limit(frozen, api, settings):
    settings.RATE_LIMITS = {"book": (20, 3600), "lookup": (2, 600)}
    body = {"code": "0000000000", "document_number": "40000001"}
    assert [api.post("/api/v1/appointments/lookup/", body, format="json").status_code for _i in range(3)] == [
        404,
        404,
        429,
    ]


def test_the_schema_documents_the_error_codes(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    book = schema["paths"]["/api/v1/appointments/"]["post"]["responses"]
    assert {"201", "400", "409", "429"} <= set(book)
    reschedule = schema["paths"]["/api/v1/appointments/reschedule/"]["post"]["responses"]
    assert {"200", "400", "404", "409", "429"} <= set(reschedule)
    assert "/api/v1/appointments/availability/" in schema["paths"]
