"""The statements a booking costs over HTTP, pinned (benchmarks/README.md, "booking over HTTP"): the data step's POST
and the final POST of a browser that has booked before (it has its cookie), as in a booking rush. Each statement is a
round trip; a new one here needs a reason."""

import pytest
from django.urls import reverse

from appointments.models import Appointment
from appointments.tests.pages import BOOK_URL, CITIZEN_INPUT, DETAILS_URL, details_page, form_to, review_page
from appointments.tests.utils import slot_at

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


def test_a_booking_over_http_costs_nine_statements(client, schedule, procedure, center, django_assert_num_queries):
    review_page(client, procedure, center, slot_at(schedule, 2026, 12, 1, 9, 0))  # the browser has its cookie
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    data_form = form_to(details_page(client, procedure, center, slot), DETAILS_URL)

    # The chosen time with the booking service's checks (compiled once: common.prepared), the language chosen
    # (Quechua). The procedure, the center and the languages offered were read by the earlier steps and are kept a
    # minute per process (procedures.services.CATALOG_MEMO: the booking service checks them again); the draft is
    # stored in the cache for the browser (its signed cookie, views/browser.py): no session is read or written.
    with django_assert_num_queries(2):
        posted = data_form.submit(client, **CITIZEN_INPUT)
    assert posted.status_code == 303
    review_form = form_to(client.get(posted["Location"]), BOOK_URL)

    # The language (Quechua was chosen), the slot with its checks; then the transaction (SAVEPOINT and RELEASE
    # here, BEGIN and COMMIT in production): quota upsert, active appointments, and one statement that claims the
    # place, inserts the appointment and its message rows. The grant goes to the cache, with the draft's outcome.
    with django_assert_num_queries(7):
        booked = review_form.submit(client, button="Confirmar y reservar")
    assert booked.status_code == 303 and booked["Location"].startswith("/citas/confirmacion/")
    assert Appointment.objects.get(slot=slot).document_number == CITIZEN_INPUT["document_number"]


def test_the_review_costs_one_redis_round_trip_the_final_post_two(client, schedule, procedure, center, monkeypatch):
    """A browser that has booked before (it has grants): the booking limit with the rush's pressure, the center-day
    limit (for the center and day the review's form sends, signed) and the draft's lock, taken with the draft, its
    outcome and the browser's grants read (drafts.draft_lock_claim); the new grant stored with the draft's outcome.
    Each a script call, none a pipeline."""
    first = form_to(review_page(client, procedure, center, slot_at(schedule, 2026, 12, 1, 9, 0)), BOOK_URL)
    first.submit(client, button="Confirmar y reservar")  # grants for the browser; every script loaded
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    review_form = form_to(review_page(client, procedure, center, slot, document_number="40000001"), BOOK_URL)
    commands = redis_commands(monkeypatch)

    review = client.get(reverse("appointments:review", args=[review_form.data()["borrador"]]))
    assert review.status_code == 200 and commands == ["MGET"]  # the draft, its booking and its lock
    commands.clear()

    booked = review_form.submit(client, button="Confirmar y reservar")

    assert booked.status_code == 303 and booked["Location"].startswith("/citas/confirmacion/")
    assert commands == ["EVALSHA"] * 2


def test_a_booking_confirmed_on_the_data_page_costs_one_request(
    client, schedule, procedure, center, django_assert_num_queries, monkeypatch
):
    """booking.js's review: the data step's POST with `elegido` books. The statements of both requests but two: the
    data step's checks of the time and of the citizen (the chosen language's look-up) are handed on to the booking
    service, which neither reads nor checks them again. Two Redis round trips: the limits with the rush's pressure,
    the center-day limit (the draft is known before them) and the draft's lock with its reads; the grant with the
    draft and its outcome."""
    review_page(client, procedure, center, slot_at(schedule, 2026, 12, 1, 9, 0))  # the browser has its cookie
    form_to(
        review_page(client, procedure, center, slot_at(schedule, 2026, 12, 1, 10, 0), document_number="40000001"),
        BOOK_URL,
    ).submit(client, button="Confirmar y reservar")  # grants for the browser; every script loaded
    data_form = form_to(details_page(client, procedure, center, slot_at(schedule, 2026, 12, 1, 8, 30)), DETAILS_URL)
    commands = redis_commands(monkeypatch)

    with django_assert_num_queries(7):
        booked = data_form.submit(client, **CITIZEN_INPUT, elegido="0123456789abcdef0123456789abcdef")

    assert booked.status_code == 303 and booked["Location"].startswith("/citas/confirmacion/")
    assert commands == ["EVALSHA"] * 2


def redis_commands(monkeypatch) -> list[str]:
    """The Redis commands sent from now on, in order (a pipeline fails the test: each call must be one command)."""
    import redis.client

    commands: list[str] = []
    original = redis.client.Redis.execute_command

    def counted(self, *args, **kwargs):
        commands.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Redis, "execute_command", counted)
    monkeypatch.setattr(redis.client.Pipeline, "execute", lambda *args, **kwargs: pytest.fail("a pipeline"))
    return commands
