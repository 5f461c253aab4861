"""A booking confirmed on the data page (booking.js shows the review there): the data step's POST with `elegido`, a
random value the script chose, books in that one request, with the final POST's limits, rush challenge and
idempotency. The forms are read from the page and sent as the script sends them (the page's form plus `elegido`);
the script itself is tested in tests/browser/test_booking_pages.py."""

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from appointments.models import Appointment
from appointments.tests.pages import (
    BOOK_URL,
    CITIZEN_INPUT,
    DETAILS_URL,
    details_page,
    fill,
    form_to,
    forms_in,
    lock_taken,
    request_of,
    review_page,
)
from appointments.tests.utils import slot_at
from appointments.views.drafts import chosen_token, draft_state
from common.tests.utils import DEAD_REDIS_CACHES, new_address

pytestmark = pytest.mark.django_db

CHOSEN = "0123456789abcdef0123456789abcdef"


def confirmed(client, procedure, center, slot, *, chosen: str = CHOSEN, **citizen):
    """The data page's form sent as its review's "Confirm and book" sends it."""
    page = details_page(client, procedure, center, slot)
    return form_to(page, DETAILS_URL).submit(client, **{**CITIZEN_INPUT, **citizen, "elegido": chosen})


def test_the_data_page_holds_the_review_for_its_script(client, schedule, procedure, center):
    page = details_page(client, procedure, center, slot_at(schedule, 2026, 12, 1, 8, 30))

    html = page.content.decode()
    review = html[html.index('<div id="review-step" hidden') :]
    assert "Revise su cita antes de reservarla" in review and "Confirmar y reservar" in review
    assert "S/ 5.40" in review  # the fee, as on the review page
    assert 'data-review="document_type document_number"' in review
    # Outside the form: a browser without JavaScript sends the form to the review page, as before.
    assert [form.action for form in forms_in(page) if "elegido" in dict(form.fields)] == []


def test_a_booking_confirmed_on_the_data_page_books_in_one_request(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)

    booked = confirmed(client, procedure, center, slot)

    assert booked.status_code == 303 and booked["Location"].startswith("/citas/confirmacion/")
    appointment = Appointment.objects.get()
    assert appointment.slot == slot and appointment.full_name == CITIZEN_INPUT["full_name"]
    assert appointment.preferred_language.code == "qu"
    page = client.get(booked["Location"])
    assert page.status_code == 200 and "Su cita está reservada" in page.content.decode()
    # Back after booking: the script left `elegido` in the data page's address, which now shows the confirmation.
    back = client.get(
        DETAILS_URL,
        {**dict(form_to(details_page(client, procedure, center, slot), DETAILS_URL).fields), "elegido": CHOSEN},
    )
    assert back.status_code in (302, 303) and back["Location"] == booked["Location"]


def test_a_booking_confirmed_on_the_page_records_what_the_review_page_would(client, schedule, procedure, center):
    """The data step's check of the citizen (services.citizen_clean) and of the time are handed on to the booking
    service, not done twice: every field comes out as the two-request booking records it."""
    typed = {
        "full_name": "  rosa maría   QUISPE mamani ",
        "email": "Rosa@Example.PE",
        "phone": "987 654 321",
        "preferred_language": "qu",
        "priority_need": "older_adult",
        "survey_consent": "on",
        "segmentation_consent": "on",
        "age_band": "60+",
        "gender": "female",
    }
    one = confirmed(client, procedure, center, slot_at(schedule, 2026, 12, 1, 8, 30), **typed)
    browser = Client(REMOTE_ADDR=new_address())
    review = review_page(
        browser, procedure, center, slot_at(schedule, 2026, 12, 1, 9, 0), **typed, document_number="40000001"
    )
    two = form_to(review, BOOK_URL).submit(browser, button="Confirmar y reservar")
    assert one.status_code == two.status_code == 303

    def recorded(appointment):
        skipped = {"id", "code", "slot", "document_number", "created_at", "updated_at", "consent_at", "unannounced"}
        return {
            f.attname: getattr(appointment, f.attname)
            for f in Appointment._meta.concrete_fields
            if f.name not in skipped
        }

    first, second = Appointment.objects.order_by("slot__starts_at")
    assert recorded(first) == recorded(second)
    assert (first.survey_consent, first.age_band, first.priority_need) == (True, "60+", "older_adult")
    assert first.preferred_language.code == "qu" and first.phone == "+51987654321"


def test_the_same_confirmation_sent_again_books_once(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)

    first = confirmed(client, procedure, center, slot)
    second = confirmed(client, procedure, center, slot)

    assert first.status_code == 303 and second.status_code == 303
    assert first["Location"] == second["Location"]
    assert Appointment.objects.count() == 1
    slot.refresh_from_db()
    assert slot.booked == 1
    state = draft_state(request_of(client), chosen_token(request_of(client), CHOSEN))
    assert state.booked == (Appointment.objects.get().pk, Appointment.objects.get().code)  # its idempotency record


def test_a_confirmation_sent_while_the_same_one_books_waits_on_the_review(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    details_page(client, procedure, center, slot)
    confirmed(client, procedure, center, slot_at(schedule, 2026, 12, 1, 9, 0), chosen="f" * 32)  # has its cookie
    token = chosen_token(request_of(client), CHOSEN)
    _state, locked = lock_taken(client, token)  # the first press is booking it
    assert locked

    response = confirmed(client, procedure, center, slot, document_number="40000001")

    assert response.status_code == 303 and response["Location"] == reverse("appointments:review", args=[token])
    waiting = client.get(response["Location"])
    assert waiting.status_code == 202 and "Estamos reservando su cita" in waiting.content.decode()
    assert not Appointment.objects.filter(document_number="40000001").exists()


def test_another_browser_sending_the_same_value_books_its_own(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    mine = confirmed(client, procedure, center, slot)
    other = Client(REMOTE_ADDR=new_address())

    theirs = confirmed(other, procedure, center, slot, document_number="40000001", full_name="Juan Pérez Soto")

    assert theirs.status_code == 303 and theirs["Location"] != mine["Location"]
    assert Appointment.objects.count() == 2
    assert "Rosa María" not in other.get(theirs["Location"]).content.decode()


def test_invalid_data_confirmed_on_the_page_books_nothing_and_shows_the_errors(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)

    response = confirmed(client, procedure, center, slot, document_number="123")

    assert response.status_code == 400
    assert 'id="form-errors"' in response.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("chosen", ["short", "x" * 65, "not a value!" * 3, "ñ" * 20])
def test_a_value_that_is_not_one_goes_to_the_review_page_as_without_javascript(
    client, schedule, procedure, center, chosen
):
    response = confirmed(client, procedure, center, slot_at(schedule, 2026, 12, 1, 8, 30), chosen=chosen)

    assert response.status_code == 303 and response["Location"].startswith("/citas/nueva/revisar/")
    assert not Appointment.objects.exists()


def test_a_failed_booking_keeps_the_data_for_the_page(client, schedule, procedure, center):
    """The service refuses (here: the citizen already holds an appointment for the procedure); the data is kept under
    the value's draft, so the page's address (Back, reload) shows the form filled in."""
    confirmed(client, procedure, center, slot_at(schedule, 2026, 12, 1, 8, 30))
    nine = slot_at(schedule, 2026, 12, 1, 9, 0)
    again = "a" * 32

    refused = confirmed(client, procedure, center, nine, chosen=again)

    assert refused.status_code == 409 and "Ya tiene una cita para este trámite" in refused.content.decode()
    assert Appointment.objects.count() == 1
    query = dict(form_to(details_page(client, procedure, center, nine), DETAILS_URL).fields)
    page = client.get(DETAILS_URL, {**query, "elegido": again})
    assert page.status_code == 200 and 'value="Rosa María Quispe Mamani"' in page.content.decode()
    assert not draft_state(request_of(client), chosen_token(request_of(client), again)).in_flight


def test_the_booking_rate_limit_counts_bookings_confirmed_on_the_page(client, settings, schedule, procedure, center):
    settings.RATE_LIMITS = {"book": (1, 3600), "lookup": (30, 600)}
    confirmed(client, procedure, center, slot_at(schedule, 2026, 12, 1, 8, 30))

    response = confirmed(
        client, procedure, center, slot_at(schedule, 2026, 12, 1, 9, 0), chosen="b" * 32, document_number="40000001"
    )

    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Demasiados intentos desde su conexión" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_the_center_day_limit_counts_bookings_confirmed_on_the_page(settings, schedule, procedure, center):
    """Counted with the booking limit and the rush's pressure (one round trip); over it nothing is booked, and a
    repeat of the POST that booked still lands on its confirmation."""
    settings.RATE_LIMITS = {"book_center_day": (1, 86400)}
    browser = Client(REMOTE_ADDR="203.0.113.20")
    eight = slot_at(schedule, 2026, 12, 1, 8, 30)
    booked = confirmed(browser, procedure, center, eight)
    assert booked.status_code == 303 and booked["Location"].startswith("/citas/confirmacion/")
    neighbour = Client(REMOTE_ADDR="203.0.113.21")  # the same network

    refused = confirmed(neighbour, procedure, center, slot_at(schedule, 2026, 12, 1, 9, 0), document_number="40000001")

    assert refused.status_code == 429 and "Demasiados intentos desde su conexión" in refused.content.decode()
    assert Appointment.objects.count() == 1
    again = confirmed(browser, procedure, center, eight)
    assert again.status_code == 303 and again["Location"] == booked["Location"]
    elsewhere = confirmed(
        Client(REMOTE_ADDR="198.51.100.8"), procedure, center, eight, chosen="c" * 32, document_number="40000002"
    )
    assert elsewhere.status_code == 303 and Appointment.objects.count() == 2


def test_a_crash_while_booking_gives_the_lock_back_and_keeps_the_data(client, schedule, procedure, center, monkeypatch):
    """The database fails in the middle (a 500): the citizen's retry books at once, with the data they typed."""
    from django.db import OperationalError

    from appointments import services

    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    original = services.appointment_book

    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "appointment_book", database_gone)
    client.raise_request_exception = False
    crashed = confirmed(client, procedure, center, slot)
    assert crashed.status_code == 500 and not Appointment.objects.exists()
    state = draft_state(request_of(client), chosen_token(request_of(client), CHOSEN))
    assert not state.in_flight and state.draft is not None and state.draft.slot_id == slot.pk

    monkeypatch.setattr(services, "appointment_book", original)
    retried = confirmed(client, procedure, center, slot)
    assert retried.status_code == 303 and retried["Location"].startswith("/citas/confirmacion/")
    assert Appointment.objects.get().full_name == CITIZEN_INPUT["full_name"]


@override_settings(CACHES=DEAD_REDIS_CACHES)
def test_a_booking_confirmed_on_the_page_books_once_while_redis_is_down(client, schedule, procedure, center):
    """The limits, the draft's lock and its outcome fall back to the process's own cache (common.cache): the citizen
    books, a repeat finds the same booking, and the confirmation opens."""
    caches.close_all()
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)

    booked = confirmed(client, procedure, center, slot)
    again = confirmed(client, procedure, center, slot)

    assert booked.status_code == 303 and booked["Location"].startswith("/citas/confirmacion/")
    assert again.status_code == 303 and again["Location"] == booked["Location"]
    assert Appointment.objects.count() == 1
    page = client.get(booked["Location"])
    assert page.status_code == 200 and "Su cita está reservada" in page.content.decode()


def test_during_a_rush_a_booking_confirmed_on_the_page_waits_and_keeps_everything(
    client, rush, frozen, schedule, procedure, center
):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)

    page = confirmed(client, procedure, center, slot)

    assert page.status_code == 429 and "<altcha-widget" in page.content.decode()
    carried = form_to(page, DETAILS_URL)
    assert dict(carried.fields)["elegido"] == CHOSEN
    assert not Appointment.objects.exists()
    frozen.shift(16)
    done = carried.submit(client)
    assert done.status_code == 303 and done["Location"].startswith("/citas/confirmacion/")
    assert Appointment.objects.get().slot == slot


# --- The day's times, kept whole (views.wizard.TIMES_PAGE_MEMO): the answer to a time taken meanwhile ----------


def _taken(client, procedure, center, slot):
    """The data step's POST for a time that is full (fill): the day's times, with the reason (409)."""
    page = details_page(client, procedure, center, slot_at_free(slot))
    return form_to(page, DETAILS_URL).submit(client, **CITIZEN_INPUT, slot=str(slot.pk), elegido=CHOSEN)


def slot_at_free(slot):
    """Another time of the same day that still has room (the data page of a full time is the times page)."""
    from appointments.models import Slot

    return Slot.objects.filter(schedule=slot.schedule, starts_at__date=slot.starts_at.date(), booked=0).first()


def test_the_kept_times_page_is_the_rendered_one_with_a_token_of_its_own(client, schedule, procedure, center):
    import re

    from django.middleware.csrf import _unmask_cipher_token

    from appointments.views.wizard import TIMES_PAGE_MEMO

    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    fill(slot)
    first = _taken(client, procedure, center, slot)
    other = Client(REMOTE_ADDR=new_address())
    second = _taken(other, procedure, center, slot)

    assert first.status_code == second.status_code == 409
    assert "Ese horario ya no está disponible" in second.content.decode()
    assert len(TIMES_PAGE_MEMO._values) == 1  # the second was the kept page
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.content.decode())[1] for r in (first, second)]
    assert tokens[0] != tokens[1] and "placeholder" not in second.content.decode()
    # Each token is the visitor's own: it unmasks to the secret of that visitor's CSRF cookie.
    for token, browser in zip(tokens, (client, other), strict=True):
        assert _unmask_cipher_token(token) == browser.cookies["csrftoken"].value
    normalize = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert normalize.sub("", first.content.decode()) == normalize.sub("", second.content.decode())


def test_the_kept_times_page_follows_the_places_of_the_day(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    nine = slot_at(schedule, 2026, 12, 1, 9, 0)
    fill(slot)
    before = form_to(_taken(client, procedure, center, slot), DETAILS_URL)
    assert (str(nine.pk), False) in before.radios["slot"]

    fill(nine, n=60)  # the next time fills too: the page has another key
    after = form_to(_taken(Client(REMOTE_ADDR=new_address()), procedure, center, slot), DETAILS_URL)

    assert (str(nine.pk), True) in after.radios["slot"]  # shown full, disabled


def test_a_times_page_with_a_message_or_the_citizens_data_is_not_kept(client, schedule, procedure, center):
    from appointments.views.wizard import TIMES_PAGE_MEMO

    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    fill(slot)
    data_form = form_to(details_page(client, procedure, center, slot_at_free(slot)), DETAILS_URL)
    gone = client.get(reverse("appointments:review", args=["x" * 22]))  # "start again": a message for the next page
    assert gone.status_code == 302
    shown = data_form.submit(client, **CITIZEN_INPUT, slot=str(slot.pk), elegido=CHOSEN)
    assert shown.status_code == 409
    assert "no guardamos sus datos" in shown.content.decode() and not TIMES_PAGE_MEMO._values
    # A time taken at the final POST: the times carry the draft's token, never kept.
    from appointments.tests.pages import BOOK_URL, review_page

    nine = slot_at(schedule, 2026, 12, 1, 9, 0)
    review = review_page(client, procedure, center, nine)
    fill(nine, n=60)
    carried = form_to(review, BOOK_URL).submit(client, button="Confirmar y reservar")
    assert carried.status_code == 409 and "borrador" in dict(form_to(carried, DETAILS_URL).fields)
    assert not TIMES_PAGE_MEMO._values
