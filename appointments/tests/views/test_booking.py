"""The booking wizard as a citizen uses it, without JavaScript: procedure → center → day → time → data → review →
confirmation, each step's junk input, a time taken meanwhile, double submission, limits and the confirmation's
privacy. Every form is read from the page and sent as a browser would (appointments.tests.pages)."""

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from appointments.constants import AppointmentStatus
from appointments.limits import center_day_read, center_day_sign
from appointments.models import Appointment
from appointments.selectors import availability_by_day
from appointments.services import appointment_cancel
from appointments.tests.factories import appointment_create
from appointments.tests.pages import (
    BOOK_URL,
    CITIZEN_INPUT,
    DETAILS_URL,
    MANAGE_URL,
    NEW_URL,
    details_page,
    fill,
    followed,
    form_to,
    forms_in,
    lock_taken,
    request_of,
    review_page,
    step_url,
)
from appointments.tests.utils import TUESDAY, slot_at
from appointments.views.drafts import draft_state, draft_unlock
from centers.tests.factories import CenterFactory, OfferingFactory
from common.tests.utils import DEAD_REDIS_CACHES, new_address
from procedures.constants import AppointmentPolicy
from procedures.tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

# --- The whole path ------------------------------------------------------------------------------------------


@pytest.mark.postgresql
def test_a_citizen_books_through_every_step_without_javascript(
    client, schedule, procedure, center, mailoutbox, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    # The catalog's "Reservar cita" link lands on the center step.
    with django_assert_max_num_queries(6):
        page = client.get(step_url(procedure))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Paso 2 de 6" in html and "¿A dónde quiere ir?" in html
    assert "Centro MAC Lima Norte" in html
    assert "Primer día libre: <strong>martes 24 de noviembre de 2026</strong>" in html
    center_link = f"{step_url(procedure, center=center.slug, month='2026-11')}".replace("&", "&amp;")
    assert f'href="{center_link}"' in html

    # The month calendar: free places per day, plain links, next month by a link.
    with django_assert_max_num_queries(7):
        page = client.get(NEW_URL, {"procedure": procedure.slug, "center": center.slug, "month": "2026-11"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<caption>Noviembre de 2026</caption>" in html
    assert "martes 24 de noviembre de 2026:</span>" in html and "8 libres" in html
    next_month = step_url(procedure, center=center.slug, month="2026-12").replace("&", "&amp;")
    assert f'href="{next_month}" rel="next"' in html
    page = client.get(NEW_URL, {"procedure": procedure.slug, "center": center.slug, "month": "2026-12"})
    day_link = step_url(procedure, center=center.slug, day="2026-12-01").replace("&", "&amp;")
    assert f'href="{day_link}"' in page.content.decode()

    # The day's times, each a radio button of a GET form to the data step.
    with django_assert_max_num_queries(6):
        page = client.get(NEW_URL, {"procedure": procedure.slug, "center": center.slug, "day": "2026-12-01"})
    html = page.content.decode()
    assert "Horarios del martes 1 de diciembre de 2026 (hora de Lima)" in html
    assert "08:30–09:00" in html and "10:00–10:30" in html and "2 cupos libres" in html
    slot_form = form_to(page, DETAILS_URL)
    assert slot_form.method == "get"
    eight_thirty = slot_at(schedule, 2026, 12, 1, 8, 30)
    assert (str(eight_thirty.pk), False) in slot_form.radios["slot"]

    # The citizen's data.
    with django_assert_max_num_queries(7):
        page = slot_form.submit(client, slot=str(eight_thirty.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sus datos" in html and "Paso 5 de 6" in html
    assert "Leer las condiciones de tratamiento de datos personales (versión 2026-02)" in html
    assert "Ley 29733" in html and "D.S. 016-2024-JUS" in html
    data_form = form_to(page, DETAILS_URL)
    assert data_form.method == "post"

    # The data's POST stores a draft and redirects (303) to the review, a GET: Back and reload resend nothing.
    # The day's times and the language chosen: the procedure and the center were read by the earlier steps (kept a
    # minute per process), the draft is kept in the cache for the browser (its signed cookie, no session).
    with django_assert_max_num_queries(2):
        posted = data_form.submit(client, **CITIZEN_INPUT)
    assert posted.status_code == 303 and posted["Location"].startswith("/citas/nueva/revisar/")
    assert "10117410" not in posted["Location"]  # personal data never travels in the URL
    # The review shows everything before booking (the draft comes from the cache).
    with django_assert_max_num_queries(7):
        page = client.get(posted["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Revise su cita antes de reservarla" in html
    for text in ["Duplicado de DNI", "Centro MAC Lima Norte", "Martes 1 de diciembre de 2026", "08:30", "S/ 5.40",
                 "DNI 10117410", "Rosa María Quispe Mamani", "rosa@example.pe", "987 654 321", "Quechua",
                 "Aceptadas (versión 2026-02)"]:  # fmt: skip
        assert text in html, text
    assert Appointment.objects.count() == 0

    # Booking: a redirect (303) to the confirmation.
    review_form = form_to(page, BOOK_URL)
    # No personal data: the draft's token, and its center and day signed (the center-day limit is counted with the
    # others).
    assert [name for name, _value in review_form.fields] == ["csrfmiddlewaretoken", "borrador", "centro_dia"]
    # The booking: language, slot (one query with its procedure check), quota upsert (creates and locks), active
    # appointments, one statement that claims the place and inserts the appointment and its messages; plus the
    # SAVEPOINT and RELEASE of the atomic block nested in the test's transaction (in production: BEGIN and COMMIT).
    # The grant goes to the cache with the draft's outcome; there is no session.
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(7):
        response = review_form.submit(client, button="Confirmar y reservar")
    appointment = Appointment.objects.get()
    confirmation_url = reverse("appointments:confirmation", kwargs={"code": appointment.code})
    assert response.status_code == 303 and response["Location"] == confirmation_url
    assert appointment.status == AppointmentStatus.BOOKED and appointment.slot == eight_thirty
    assert appointment.preferred_language.code == "qu" and appointment.phone == "+51987654321"

    with django_assert_max_num_queries(8):
        page = client.get(confirmation_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Su cita está reservada" in html
    assert appointment.code_display in html
    assert "<svg" in html and 'role="img"' in html  # the QR code, inline
    assert "Martes 1 de diciembre de 2026, 08:30" in html and "hora de Lima" in html
    assert "Centro MAC Lima Norte" in html and "Av. Alfredo Mendiola 1400, Independencia" in html
    assert "Comprobante de pago de la tasa" in html and "Foto a color" in html
    assert "S/ 5.40" in html
    assert reverse("appointments:ics", kwargs={"code": appointment.code}) in html
    assert reverse("appointments:qr", kwargs={"code": appointment.code}) in html
    assert reverse("appointments:manage_detail", kwargs={"code": appointment.code}) in html
    assert "no-store" in page["Cache-Control"]

    # The e-mail went out after the commit, with the calendar file at 08:30 Lima.
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["rosa@example.pe"] and appointment.code_display in email.subject
    ics = next(attachment for attachment in email.attachments if attachment.filename.endswith(".ics"))
    ics_text = ics.content.decode() if isinstance(ics.content, bytes) else ics.content
    assert "DTSTART;TZID=America/Lima:20261201T083000" in ics_text

    # The downloads of the same browser.
    ics_response = client.get(reverse("appointments:ics", kwargs={"code": appointment.code}))
    assert ics_response.status_code == 200
    assert ics_response["Content-Type"].startswith("text/calendar")
    assert ics_response["Content-Disposition"] == f'attachment; filename="cita-{appointment.code}.ics"'
    assert b"DTSTART;TZID=America/Lima:20261201T083000" in ics_response.content
    png = client.get(reverse("appointments:qr", kwargs={"code": appointment.code}))
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")


def test_a_time_taken_meanwhile_sends_the_citizen_back_to_the_times_with_the_data_kept(
    client, schedule, procedure, center
):
    eight_thirty = slot_at(schedule, 2026, 12, 1, 8, 30)
    review = review_page(client, procedure, center, eight_thirty)
    fill(eight_thirty)  # two other citizens book it first

    response = form_to(review, BOOK_URL).submit(client, button="Confirmar y reservar")

    html = response.content.decode()
    assert response.status_code == 409
    assert "Ese horario ya no está disponible. Elija otro, por favor." in html
    assert "Sus datos se conservan" in html
    slot_form = form_to(response, DETAILS_URL)
    assert (str(eight_thirty.pk), True) in slot_form.radios["slot"]  # fresh: now shown full, disabled
    # The data is kept server-side: the form carries only the draft's token, no personal data.
    assert slot_form.method == "post" and "borrador" in dict(slot_form.fields)
    assert "Rosa María" not in str(slot_form.fields)
    assert Appointment.objects.filter(document_number="10117410").count() == 0

    nine = slot_at(schedule, 2026, 12, 1, 9, 0)
    posted = slot_form.submit(client, slot=str(nine.pk))
    assert posted.status_code == 303
    review = followed(client, posted)
    assert review.status_code == 200 and "Revise su cita" in review.content.decode()
    assert "Rosa María Quispe Mamani" in review.content.decode()
    assert "09:00" in review.content.decode()
    booked = form_to(review, BOOK_URL).submit(client, button="Confirmar y reservar")
    assert booked.status_code == 303
    assert Appointment.objects.get(document_number="10117410").slot == nine


def test_pressing_book_twice_books_once_and_shows_the_same_confirmation(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    review_form = form_to(review_page(client, procedure, center, slot), BOOK_URL)

    first = review_form.submit(client, button="Confirmar y reservar")
    second = review_form.submit(client, button="Confirmar y reservar")

    assert first.status_code == 303 and second.status_code in (302, 303)
    assert first["Location"] == second["Location"]
    assert Appointment.objects.count() == 1
    slot.refresh_from_db()
    assert slot.booked == 1


def test_a_repeated_final_post_gives_back_the_lock_it_took(client, schedule, procedure, center):
    """The final POST takes the draft's lock with its reads (drafts.draft_lock_claim): a repeat once the booking's lock
    has expired takes it too, finds the booking, and gives it back."""
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    review_form = form_to(review_page(client, procedure, center, slot), BOOK_URL)
    token = review_form.data()["borrador"]
    review_form.submit(client, button="Confirmar y reservar")
    draft_unlock(token)  # the booking's lock has expired (LOCK_SECONDS)

    again = review_form.submit(client, button="Confirmar y reservar")

    assert again.status_code == 303 and again["Location"].startswith("/citas/confirmacion/")
    assert not draft_state(request_of(client), token).in_flight
    assert client.get(reverse("appointments:review", kwargs={"token": token}))["Location"] == again["Location"]


def test_a_final_post_while_another_books_the_draft_waits_on_the_review(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    review_form = form_to(review_page(client, procedure, center, slot), BOOK_URL)
    token = review_form.data()["borrador"]
    state, locked = lock_taken(client, token)  # another request of this browser books it
    assert locked and state.draft is not None and state.booked is None and not state.in_flight

    response = review_form.submit(client, button="Confirmar y reservar")

    assert response.status_code == 303 and response["Location"] == reverse("appointments:review", args=[token])
    assert draft_state(request_of(client), token).in_flight  # the other request's lock is left alone
    assert client.get(response["Location"]).status_code == 202  # "we are booking it", refreshing itself
    assert not Appointment.objects.exists()


def test_a_final_post_of_another_browsers_draft_books_nothing_and_keeps_no_lock(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    review_form = form_to(review_page(client, procedure, center, slot), BOOK_URL)
    token = review_form.data()["borrador"]

    response = review_form.submit(Client(), button="Confirmar y reservar")

    assert response.status_code == 302  # "start again": no draft of its own (the test client skips CSRF checks)
    assert not Appointment.objects.exists() and not draft_state(request_of(client), token).in_flight


def test_a_second_review_of_the_same_booking_gets_the_duplicate_message(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    other_tab = form_to(review_page(client, procedure, center, slot), BOOK_URL)
    form_to(review_page(client, procedure, center, slot), BOOK_URL).submit(client, button="Confirmar y reservar")

    response = other_tab.submit(client, button="Confirmar y reservar")

    html = response.content.decode()
    assert response.status_code == 409
    assert "Ya tiene una cita para este trámite" in html
    assert f'href="{MANAGE_URL}"' in html
    assert Appointment.objects.count() == 1


def test_during_a_rush_the_final_step_asks_to_wait_and_keeps_everything(
    client, rush, frozen, schedule, procedure, center
):
    """Without JavaScript: the interstitial carries the citizen's data; after the wait, Continue books."""
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)

    page = form_to(review_page(client, procedure, center, slot), BOOK_URL).submit(client, button="Confirmar y reservar")

    assert page.status_code == 429 and page["Retry-After"] == "15"
    html = page.content.decode()
    assert "<altcha-widget" in html and "Espere 15 segundos" in html
    assert not Appointment.objects.exists()
    too_soon = form_to(page, BOOK_URL).submit(client)
    assert too_soon.status_code == 429 and "demasiado corta" in too_soon.content.decode()
    assert not Appointment.objects.exists()

    frozen.shift(16)
    done = form_to(too_soon, BOOK_URL).submit(client)
    assert done.status_code == 303
    appointment = Appointment.objects.get()
    assert appointment.full_name == CITIZEN_INPUT["full_name"] and appointment.slot == slot


def test_the_booking_rate_limit_gives_a_friendly_429_with_retry_after(client, settings, schedule, procedure, center):
    settings.RATE_LIMITS = {"book": (1, 3600), "lookup": (30, 600)}
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    form_to(review_page(client, procedure, center, slot), BOOK_URL).submit(client, button="Confirmar y reservar")

    response = form_to(review_page(client, procedure, center, slot, document_number="40000001"), BOOK_URL).submit(
        client, button="Confirmar y reservar"
    )

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Demasiados intentos desde su conexión" in html
    # One booking an hour, sliding: the first booking slides out of the window an hour after the next one starts.
    assert "Puede intentarlo de nuevo en 120 minutos." in html
    assert "No pudimos reservar la cita" in html and "<h1" in html


def test_one_network_takes_at_most_the_center_day_limit_and_a_repeat_still_gets_its_confirmation(
    settings, schedule, procedure, center
):
    """Anti-hoarding on the final POST: the places of one center-day one network may take. Over a limit, a repeat of
    a POST that booked (a double tap arriving late) still lands on its confirmation, not on the refusal."""
    settings.RATE_LIMITS = {"book_center_day": (1, 86400)}
    browser = Client(REMOTE_ADDR="203.0.113.10")
    first = form_to(review_page(browser, procedure, center, slot_at(schedule, 2026, 12, 1, 8, 30)), BOOK_URL)
    booked = first.submit(browser, button="Confirmar y reservar")
    assert booked.status_code == 303 and booked["Location"].startswith("/citas/confirmacion/")
    neighbour = Client(REMOTE_ADDR="203.0.113.11")  # the same network

    refused = form_to(
        review_page(neighbour, procedure, center, slot_at(schedule, 2026, 12, 1, 9, 0), document_number="40000001"),
        BOOK_URL,
    ).submit(neighbour, button="Confirmar y reservar")

    assert refused.status_code == 429 and "Demasiados intentos desde su conexión" in refused.content.decode()
    assert Appointment.objects.count() == 1
    settings.RATE_LIMITS = {"book_center_day": (1, 86400), "book": (1, 3600)}  # over both limits now
    again = first.submit(browser, button="Confirmar y reservar")
    assert again.status_code == 303 and again["Location"] == booked["Location"]
    other_network = Client(REMOTE_ADDR="198.51.100.7")
    elsewhere = form_to(
        review_page(other_network, procedure, center, slot_at(schedule, 2026, 12, 1, 9, 0), document_number="40000002"),
        BOOK_URL,
    ).submit(other_network, button="Confirmar y reservar")
    assert elsewhere.status_code == 303
    assert Appointment.objects.count() == 2


def test_the_final_posts_center_day_counts_as_signed_and_cannot_be_dodged(settings, schedule, procedure, center):
    """The review's form sends its draft's center and day signed, and the final POST counts them in its first round
    trip. A pair that is missing, forged or another draft's counts nothing at once (made-up pairs add no counters)
    and the draft's own is counted after all: the limit cannot be dodged."""
    settings.RATE_LIMITS = {"book_center_day": (1, 86400)}
    browser = Client(REMOTE_ADDR="203.0.113.20")
    first = form_to(review_page(browser, procedure, center, slot_at(schedule, 2026, 12, 1, 8, 30)), BOOK_URL)
    assert center_day_read(first.data()["centro_dia"]) == {"center": center.slug, "day": "2026-12-01"}
    assert first.submit(browser, button="Confirmar y reservar").status_code == 303
    neighbour = Client(REMOTE_ADDR="203.0.113.21")  # the same network
    form = form_to(
        review_page(neighbour, procedure, center, slot_at(schedule, 2026, 12, 1, 9, 0), document_number="40000001"),
        BOOK_URL,
    )
    forged = form.data()["centro_dia"].replace("2026-12-01", "2026-12-02")
    assert center_day_read(forged) == {}

    def refused(value):
        response = form.submit(neighbour, button="Confirmar y reservar", centro_dia=value)
        return response.status_code == 429 and "Demasiados intentos desde su conexión" in response.content.decode()

    assert refused(forged) and refused(None)
    # The forged pair counted nothing for 2 December: that network still takes its one place there.
    later = form_to(
        review_page(neighbour, procedure, center, slot_at(schedule, 2026, 12, 2, 8, 30), document_number="40000002"),
        BOOK_URL,
    ).submit(neighbour, button="Confirmar y reservar")
    assert later.status_code == 303
    assert refused(center_day_sign(center.slug, "2026-12-03"))  # another draft's pair, signed: its own still counts
    assert Appointment.objects.count() == 2  # the first booking and the later one


def test_rebooking_right_after_cancelling_waits_for_the_cooldown(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    appointment_cancel(appointment=appointment_create(slot=slot, document_number="10117410"))

    response = form_to(review_page(client, procedure, center, slot), BOOK_URL).submit(
        client, button="Confirmar y reservar"
    )

    assert response.status_code == 429
    assert "Podrá reservar otra vez en 30 minutos" in response.content.decode()


def test_the_active_appointments_limit_is_explained(client, settings, schedule, procedure, center):
    settings.APPOINTMENTS_MAX_ACTIVE_PER_DOCUMENT = 1
    other = ProcedureFactory(name="Rectificación de datos", appointment_policy=AppointmentPolicy.OPTIONAL)
    OfferingFactory(center=center, procedure=other)
    schedule.procedures.add(other)
    appointment_create(slot=slot_at(schedule, 2026, 12, 2, 8, 30), procedure=other, document_number="10117410")
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)

    response = form_to(review_page(client, procedure, center, slot), BOOK_URL).submit(
        client, button="Confirmar y reservar"
    )

    assert response.status_code == 429
    assert "Alcanzó el máximo de citas activas" in response.content.decode()


# --- The first steps -----------------------------------------------------------------------------------------


def test_the_first_step_finds_bookable_procedures_by_search_or_list(
    client, schedule, procedure, center, django_assert_max_num_queries
):
    walk_in = ProcedureFactory(name="Pago de tasas duplicado", appointment_policy=AppointmentPolicy.WALK_IN)
    OfferingFactory(center=center, procedure=walk_in)
    ProcedureFactory(name="Duplicado sin centro")  # no center offers it

    with django_assert_max_num_queries(3):
        page = client.get(NEW_URL)
    html = page.content.decode()
    assert page.status_code == 200 and "Paso 1 de 6" in html
    select = form_to(page, NEW_URL)
    assert 'name="procedure"' in html and f'<option value="{procedure.slug}">Duplicado de DNI</option>' in html
    assert walk_in.slug not in html and "Duplicado sin centro" not in html
    assert select.method == "get"

    with django_assert_max_num_queries(4):
        found = client.get(NEW_URL, {"q": "duplicado dni"}).content.decode()
    assert f'href="{NEW_URL}?procedure={procedure.slug}"' in found
    assert "Pago de tasas duplicado" not in found

    nothing = client.get(NEW_URL, {"q": "xyzzy"})
    assert nothing.status_code == 200
    assert "Ningún trámite con cita coincide con «xyzzy»" in nothing.content.decode()


def test_a_walk_in_procedure_says_no_appointment_is_needed(client, frozen):
    walk_in = ProcedureFactory(name="Pago de tasas", appointment_policy=AppointmentPolicy.WALK_IN)
    response = client.get(NEW_URL, {"procedure": walk_in.slug})
    assert response.status_code == 400
    html = response.content.decode()
    assert "«Pago de tasas» no necesita cita" in html
    assert walk_in.get_absolute_url() in html


def test_searching_a_walk_in_procedure_says_where_and_when_to_go(client, frozen, schedule, procedure, center):
    """Problem 7: "antecedentes policiales" is served without appointment; the search says so, with where and when."""
    from centers.tests.factories import OpeningHoursFactory

    police = ProcedureFactory(
        name="Certificado de antecedentes policiales",
        keywords="record policial",
        appointment_policy=AppointmentPolicy.WALK_IN,
    )
    OfferingFactory(center=center, procedure=police)
    OpeningHoursFactory(center=center, weekday=1, opens=dt.time(8, 30), closes=dt.time(20, 30))
    from procedures.services import procedure_refresh_search_documents

    procedure_refresh_search_documents()

    html = client.get(NEW_URL, {"q": "antecedentes policiales"}).content.decode()

    assert "Certificado de antecedentes policiales" in html
    assert "No necesita cita." in html and "saque su turno en la entrada" in html
    assert center.name in html and center.get_absolute_url() in html  # where
    assert "08:30–20:30" in html  # when
    assert "pero los de arriba no necesitan cita" in html
    assert "Ningún trámite con cita coincide con «antecedentes policiales». Pruebe" not in html


def test_centers_without_free_places_are_listed_without_a_link(client, schedule, procedure):
    empty = CenterFactory(name="Centro MAC Piura")
    OfferingFactory(center=empty, procedure=procedure)
    html = client.get(step_url(procedure)).content.decode()
    assert html.index("Centro MAC Lima Norte") < html.index("Centro MAC Piura")
    assert "No hay horarios libres por ahora" in html
    assert f"center={empty.slug}" not in html


def test_the_calendar_marks_full_days_and_days_without_appointments(client, schedule, procedure, center):
    for hour, minute in [(8, 30), (9, 0), (9, 30), (10, 0)]:
        fill(slot_at(schedule, 2026, 12, 2, hour, minute), n=100 + 10 * hour + minute)

    page = client.get(NEW_URL, {"procedure": procedure.slug, "center": center.slug, "month": "2026-12"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "<caption>Diciembre de 2026</caption>" in html
    assert '<abbr title="lunes">lun</abbr>' in html
    # Wednesday 2: full, not a link. Tuesday 8: a holiday. Saturday 5 and Wednesday 30 (beyond the window): none.
    assert "miércoles 2 de diciembre de 2026:</span>" in html
    for day in ["2026-12-02", "2026-12-08", "2026-12-05", "2026-12-30"]:
        assert f"day={day}" not in html, day
    assert "day=2026-12-01" in html and "day=2026-12-23" in html
    assert '<td class="cal-full">' in html and "Lleno" in html
    assert "martes 8 de diciembre de 2026: sin citas" in html
    assert 'rel="prev"' in html and 'rel="next"' not in html  # the window ends on 23 December
    november = client.get(NEW_URL, {"procedure": procedure.slug, "center": center.slug, "month": "2026-11"})
    assert 'rel="prev"' not in november.content.decode()


def test_full_times_are_shown_disabled(client, schedule, procedure, center):
    fill(slot_at(schedule, 2026, 12, 1, 9, 0))
    page = client.get(NEW_URL, {"procedure": procedure.slug, "center": center.slug, "day": "2026-12-01"})
    radios = dict(form_to(page, DETAILS_URL).radios["slot"])
    assert radios[str(slot_at(schedule, 2026, 12, 1, 9, 0).pk)] is True
    assert radios[str(slot_at(schedule, 2026, 12, 1, 8, 30).pk)] is False
    assert "Lleno" in page.content.decode()


def test_the_kept_summary_and_times_show_a_renamed_procedure_and_a_taken_place_at_once(
    client, schedule, procedure, center
):
    """The summary of the choices and each listed time are kept per process ({% memo %}, slot_options): a
    procedure renamed in the admin and a place taken meanwhile show on the next page all the same."""
    params = {"procedure": procedure.slug, "center": center.slug, "day": "2026-12-01"}
    nine = slot_at(schedule, 2026, 12, 1, 9, 0)
    page = client.get(NEW_URL, params).content.decode()
    assert "Duplicado de DNI" in page
    label = f'for="slot-{nine.pk}"><span class="slot-time">09:00–09:30</span><span class="slot-free">'
    assert f"{label}2 cupos libres<" in page

    procedure.name = "Duplicado del DNI electrónico"
    procedure.save()
    fill(nine)
    page = client.get(NEW_URL, params).content.decode()
    assert "Duplicado del DNI electrónico" in page and "Duplicado de DNI " not in page
    assert f"{label}Lleno<" in page


# --- The confirmation's privacy ------------------------------------------------------------------------------


def test_the_confirmation_shows_personal_data_only_to_the_browser_that_booked(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    form_to(review_page(client, procedure, center, slot), BOOK_URL).submit(client, button="Confirmar y reservar")
    appointment = Appointment.objects.get()
    url = reverse("appointments:confirmation", kwargs={"code": appointment.code})

    stranger = Client(REMOTE_ADDR=new_address())
    page = stranger.get(url)
    unknown = stranger.get(reverse("appointments:confirmation", kwargs={"code": "ZZZZZZZZZZ"}))

    html = page.content.decode()
    assert page.status_code == unknown.status_code == 200
    for private in ["Rosa María", "08:30", "Centro MAC Lima Norte", "Duplicado de DNI", "<svg"]:
        assert private not in html
    assert "escriba el número de documento" in html.lower()
    assert form_to(page, MANAGE_URL).method == "post"
    assert dict(form_to(page, MANAGE_URL).fields)["code"] == appointment.code_display
    assert stranger.get(reverse("appointments:ics", kwargs={"code": appointment.code})).status_code == 302
    assert stranger.get(reverse("appointments:qr", kwargs={"code": appointment.code})).status_code == 302


def test_the_confirmation_access_expires_after_30_minutes(client, frozen, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    form_to(review_page(client, procedure, center, slot), BOOK_URL).submit(client, button="Confirmar y reservar")
    url = reverse("appointments:confirmation", kwargs={"code": Appointment.objects.get().code})
    assert "Rosa María" in client.get(url).content.decode()
    frozen.shift(dt.timedelta(minutes=31))
    assert "Rosa María" not in client.get(url).content.decode()


def test_cancelling_frees_the_place_in_the_calendar(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    appointment = appointment_create(slot=slot)
    before = availability_by_day(procedure_id=procedure.pk, center_id=center.pk, date_from=TUESDAY, date_to=TUESDAY)[
        TUESDAY
    ]
    appointment_cancel(appointment=appointment)
    page = client.get(NEW_URL, {"procedure": procedure.slug, "center": center.slug, "month": "2026-12"})
    assert before == 7
    assert "8 libres" in page.content.decode()


def test_forms_are_plain_html(client, schedule, procedure, center):
    """No step needs JavaScript: every form has a method and an action; scripts only enhance, from static files
    (no inline script or style: the Content-Security-Policy forbids them)."""
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    pages = [
        client.get(NEW_URL),
        client.get(step_url(procedure)),
        client.get(NEW_URL, {"procedure": procedure.slug, "center": center.slug, "day": "2026-12-01"}),
        details_page(client, procedure, center, slot),
        review_page(client, procedure, center, slot),
    ]
    for page in pages:
        html = page.content.decode()
        assert re.findall(r"<script[^>]*>", html) in ([], ['<script src="/static/appointments/booking.js" defer>'])
        assert "<style" not in html and " style=" not in html
        for form in forms_in(page):
            assert form.method in ("get", "post") and form.action


@override_settings(CACHES=DEAD_REDIS_CACHES)
def test_the_final_step_books_while_redis_is_down(client, schedule, procedure, center):
    caches.close_all()
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    review = review_page(client, procedure, center, slot)
    booked = form_to(review, BOOK_URL).submit(client, button="Confirmar y reservar")
    assert booked.status_code == 303
    again = form_to(review, BOOK_URL).submit(client, button="Confirmar y reservar")  # the double-submit guard holds
    assert again.status_code in (302, 303) and Appointment.objects.count() == 1
    assert client.get(booked["Location"]).status_code == 200
