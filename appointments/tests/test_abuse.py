"""What a script can no longer do (issue: honest limits): guess a code's document from many addresses, take a whole
center-day with made-up DNIs from one network, or break booking by taking Redis down."""

import altcha
import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from appointments.constants import CONSENT_VERSION
from appointments.documents import manage_url
from appointments.models import Appointment
from appointments.services import slots_generate
from appointments.tests.factories import ScheduleFactory, appointment_create
from appointments.tests.utils import slot_at
from common.tests.utils import DEAD_REDIS_CACHES, new_address

pytestmark = pytest.mark.django_db

MANAGE = reverse("appointments:manage")


@pytest.fixture
def schedule(frozen, procedure):
    """Weekdays 08:30–10:30, capacity 11 a slot: 44 places a day, like the center-day of the report."""
    schedule = ScheduleFactory(procedures=[procedure], capacity=11, rules=[(d, "08:30", "10:30") for d in range(5)])
    slots_generate(schedule=schedule)
    return schedule


@pytest.fixture
def appointment(schedule):
    return appointment_create(slot=slot_at(schedule, 2026, 12, 1, 8, 30), n=7)


def booking_body(slot, n: int) -> dict:
    return {
        "procedure": slot.schedule.procedures.get().slug,
        "slot": slot.pk,
        "document_type": "dni",
        "document_number": f"{41000000 + n}",
        "full_name": "Persona Inventada",
        "email": f"bot{n}@example.pe",
        "consent_version": CONSENT_VERSION,
    }


def test_a_code_is_locked_after_wrong_documents_from_any_address_but_its_link_still_opens_it(settings, appointment):
    settings.RATE_LIMITS = {"code_failures": (5, 3600)}
    for n in range(5):  # five addresses, one guess each: the per-address limit never sees them
        wrong = Client(REMOTE_ADDR=new_address()).post(MANAGE, {"code": appointment.code, "document_number": n + 1})
        assert wrong.status_code == 404

    owner = Client(REMOTE_ADDR=new_address())
    locked = owner.post(MANAGE, {"code": appointment.code, "document_number": appointment.document_number})
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert "Abra el enlace de su correo" in locked.content.decode()

    opened = owner.get(manage_url(appointment=appointment).removeprefix(settings.PORTAL_BASE_URL))
    assert opened.status_code == 303
    assert owner.get(opened["Location"]).status_code == 200  # the appointment's page, without the document


def test_a_tampered_or_foreign_link_opens_nothing(settings, appointment):
    link = manage_url(appointment=appointment).removeprefix(settings.PORTAL_BASE_URL)
    browser = Client(REMOTE_ADDR=new_address())
    response = browser.get(link[:-3] + "xyz", follow=True)
    assert response.redirect_chain[-1][0] == MANAGE
    assert appointment.full_name not in response.content.decode()
    detail = reverse("appointments:manage_detail", kwargs={"code": appointment.code})
    assert browser.get(detail).status_code == 302  # no access was granted


def test_the_api_answers_a_locked_code_with_429_locked(settings, appointment):
    settings.RATE_LIMITS = {"code_failures": (2, 3600)}
    body = {"code": appointment.code, "document_number": "12345678"}
    for _n in range(2):
        assert APIClient(REMOTE_ADDR=new_address()).post("/api/v1/appointments/lookup/", body).status_code == 404
    response = APIClient(REMOTE_ADDR=new_address()).post(
        "/api/v1/appointments/lookup/", {**body, "document_number": appointment.document_number}
    )
    assert response.status_code == 429
    assert response.json()["code"] == "locked" and response.json()["retry_after"] > 0


def test_a_scripted_burst_from_one_network_cannot_take_a_center_day(settings, schedule):
    """Made-up DNIs (any 8 digits pass), a new address per request, all in one /24: at most the center-day limit."""
    settings.RATE_LIMITS = {"book": (20, 3600), "book_network": (1000, 3600), "book_center_day": (10, 86400)}
    settings.CHALLENGE_NETWORK_THRESHOLD = 1000  # this test is about the center-day limit alone
    slots = [slot_at(schedule, 2026, 12, 1, hour, minute) for hour, minute in ((8, 30), (9, 0), (9, 30), (10, 0))]
    statuses = [
        APIClient(REMOTE_ADDR=f"203.0.113.{n + 1}")
        .post("/api/v1/appointments/", booking_body(slots[n % 4], n), format="json")
        .status_code
        for n in range(44)
    ]
    assert statuses.count(201) == 10
    assert set(statuses[10:]) == {429}
    assert Appointment.objects.count() == 10
    # Another network still books that day.
    other = APIClient(REMOTE_ADDR="198.51.100.7").post("/api/v1/appointments/", booking_body(slots[0], 99))
    assert other.status_code == 201


@override_settings(CACHES=DEAD_REDIS_CACHES)
def test_booking_and_look_up_work_while_redis_is_down(schedule, settings):
    caches.close_all()
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    api = APIClient(REMOTE_ADDR=new_address())

    booked = api.post("/api/v1/appointments/", booking_body(slot, 1), format="json")
    assert booked.status_code == 201, booked.content
    found = api.post(
        "/api/v1/appointments/lookup/",
        {"code": booked.json()["code"], "document_number": "41000001"},
        format="json",
    )
    assert found.status_code == 200

    browser = Client(REMOTE_ADDR=new_address())
    page = browser.post(MANAGE, {"code": booked.json()["code"], "document_number": "41000001"})
    assert page.status_code == 303


def test_a_rush_from_one_network_needs_the_proof_of_work_and_a_solution_serves_once(settings, schedule):
    settings.CHALLENGE_NETWORK_THRESHOLD = 3
    settings.CHALLENGE_COST = 10
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    api = APIClient(REMOTE_ADDR="203.0.113.50")
    assert [api.post("/api/v1/appointments/", booking_body(slot, n), format="json").status_code for n in (1, 2)] == [
        201,
        201,
    ]
    refused = api.post("/api/v1/appointments/", booking_body(slot, 3), format="json")
    assert refused.status_code == 429 and refused.json()["code"] == "challenge_required"

    challenge = api.get("/api/v1/appointments/challenge/").json()
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(challenge), timeout=30)
    payload = altcha.Payload(altcha.Challenge.from_dict(challenge), solution).to_base64()
    solved = api.post("/api/v1/appointments/", {**booking_body(slot, 3), "altcha": payload}, format="json")
    assert solved.status_code == 201
    replayed = api.post("/api/v1/appointments/", {**booking_body(slot, 4), "altcha": payload}, format="json")
    assert replayed.status_code == 429 and replayed.json()["code"] == "challenge_required"
    assert (
        APIClient(REMOTE_ADDR="198.51.100.8")
        .post(  # other networks are not asked
            "/api/v1/appointments/", booking_body(slot, 5), format="json"
        )
        .status_code
        == 201
    )
