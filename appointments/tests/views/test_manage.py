"""Self-service (/citas/gestionar/) as a citizen uses it: look-up by code + document, the same answer for a wrong
document and an unknown code, the look-up rate limit, cancel (the place comes back), reschedule (and a failed one
leaves everything as it was), downloads, and that nothing works with a code alone."""

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import reverse

from appointments.constants import AppointmentStatus
from appointments.models import Appointment
from appointments.selectors import availability_by_day
from appointments.services import slots_generate
from appointments.tests.factories import ScheduleFactory, appointment_create, lima
from appointments.tests.pages import MANAGE_URL, form_to
from appointments.tests.utils import TUESDAY, WEDNESDAY, slot_at
from appointments.views.access import access_grants
from appointments.views.browser import BROWSER_COOKIE
from centers.tests.factories import CenterFactory
from common.tests.utils import new_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(schedule):
    """Booked for DNI 40000007 on Tuesday 1 December 2026 at 08:30 Lima."""
    return appointment_create(slot=slot_at(schedule, 2026, 12, 1, 8, 30), n=7)


def detail_url(appointment) -> str:
    return reverse("appointments:manage_detail", kwargs={"code": appointment.code})


def look_up(client, code: str, document_number: str):
    return client.post(MANAGE_URL, {"code": code, "document_number": document_number})


def grants_of(client) -> dict:
    """The grants this browser holds, read as the pages read them."""
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return access_grants(request)


def signed_in(client, appointment):
    response = look_up(client, appointment.code, appointment.document_number)
    assert response.status_code == 303, response.content.decode()[:500]
    return client


def free_on(procedure, center, day) -> int:
    return availability_by_day(procedure_id=procedure.pk, center_id=center.pk, date_from=day, date_to=day)[day]


# --- Look-up -------------------------------------------------------------------------------------------------


def test_code_and_document_show_the_appointment_in_lima_time(client, appointment, django_assert_max_num_queries):
    page = client.get(MANAGE_URL, {"codigo": appointment.code})
    assert page.status_code == 200
    form = form_to(page, MANAGE_URL)
    assert form.method == "post" and dict(form.fields)["code"] == appointment.code_display

    # Typed as people do: lower case, spaces, the check character of the DNI.
    typed = appointment.code.lower()[:5] + " " + appointment.code.lower()[5:]
    response = form.submit(client, code=typed, document_number="40000007")
    assert response.status_code == 303 and response["Location"] == detail_url(appointment)

    with django_assert_max_num_queries(8):
        page = client.get(detail_url(appointment))
    html = page.content.decode()
    assert page.status_code == 200
    assert appointment.code_display in html
    assert "Martes 1 de diciembre de 2026, 08:30" in html and "hora de Lima" in html
    assert "Duplicado de DNI" in html and "Centro MAC Lima Norte" in html and "S/ 5.40" in html
    assert "Comprobante de pago de la tasa" in html
    assert "Reservada" in html
    assert reverse("appointments:cancel", kwargs={"code": appointment.code}) in html
    assert reverse("appointments:reschedule", kwargs={"code": appointment.code}) in html
    assert "no-store" in page["Cache-Control"]

    ics = client.get(reverse("appointments:ics", kwargs={"code": appointment.code}))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert "attachment" in ics["Content-Disposition"]
    assert b"DTSTART;TZID=America/Lima:20261201T083000" in ics.content


def test_a_wrong_document_and_an_unknown_code_get_the_same_answer(client, appointment):
    wrong_document = look_up(client, appointment.code, "40000008")
    unknown_code = look_up(client, "ZZZZZ-ZZZZZ", "40000007")

    assert wrong_document.status_code == unknown_code.status_code == 404
    message = "No encontramos una cita con ese código y número de documento."

    def visible(response) -> str:
        html = response.content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return re.sub(r'value="[^"]*"', "", html)  # what was typed differs, of course

    assert message in wrong_document.content.decode()
    assert visible(wrong_document) == visible(unknown_code)
    assert client.get(detail_url(appointment)).status_code == 302  # no access was granted


@pytest.mark.parametrize(
    ("code", "document", "message"),
    [
        ("", "40000007", "Ingrese su código de cita."),
        ("ABC", "40000007", "El código de cita tiene 10 letras y números"),
        ("<script>", "40000007", "El código de cita tiene 10 letras y números"),
        ("7KQ4M2XH9P", "", "Ingrese su número de documento."),
        ("7KQ4M2XH9P" * 10, "40000007", "Escriba como máximo 30 caracteres (escribió 100)"),
    ],
)
def test_junk_look_ups_get_a_message_next_to_the_field(client, frozen, code, document, message):
    response = look_up(client, code, document)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'id="form-errors"' in html


def test_look_ups_are_rate_limited_with_a_friendly_429(client, settings, appointment):
    settings.RATE_LIMITS = {"book": (20, 3600), "lookup": (3, 600)}
    for _attempt in range(3):
        assert look_up(client, "ZZZZZZZZZZ", "40000007").status_code == 404

    response = look_up(client, appointment.code, appointment.document_number)  # even the right pair, now

    assert response.status_code == 429
    assert int(response["Retry-After"]) == 600 + 200  # sliding: 3 look-ups slide out to 2 a third into the next
    html = response.content.decode()
    assert "Demasiados intentos desde su conexión" in html
    assert "Puede intentarlo de nuevo en 14 minutos." in html
    assert "<h1" in html and form_to(response, MANAGE_URL)  # the same page, to try later


def test_the_lookup_prefills_the_code_of_the_email_link(client, frozen):
    page = client.get(MANAGE_URL, {"codigo": "7kq4m2xh9p"})
    assert dict(form_to(page, MANAGE_URL).fields)["code"] == "7KQ4M-2XH9P"
    junk = client.get(MANAGE_URL, {"codigo": "<b>x</b>" * 20})
    assert junk.status_code == 200 and "<b>x" not in junk.content.decode()


# --- A code alone is never enough ----------------------------------------------------------------------------


def test_every_page_of_an_appointment_needs_the_document_too(client, appointment):
    names = ["manage_detail", "cancel", "reschedule", "ics", "qr", "confirmation"]
    for name in names:
        url = reverse(f"appointments:{name}", kwargs={"code": appointment.code})
        response = client.get(url)
        if name == "confirmation":
            assert response.status_code == 200 and "Martes" not in response.content.decode()
        else:
            assert response.status_code == 302, name
            assert response["Location"] == f"{MANAGE_URL}?codigo={appointment.code}", name
    cancel = client.post(reverse("appointments:cancel", kwargs={"code": appointment.code}), {"reason": "x"})
    move = client.post(
        reverse("appointments:reschedule", kwargs={"code": appointment.code}),
        {"center": appointment.center.slug, "day": "2026-12-02", "slot": "1"},
    )
    assert cancel.status_code == move.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED and appointment.version == 0


def test_access_to_one_appointment_opens_no_other(client, schedule, appointment):
    other = appointment_create(slot=slot_at(schedule, 2026, 12, 2, 8, 30), n=8)
    signed_in(client, appointment)
    assert client.get(detail_url(appointment)).status_code == 200
    assert client.get(detail_url(other)).status_code == 302


@pytest.mark.parametrize("code", ["ZZZZZZZZZZ", "abc", "%00", "x" * 300])
def test_junk_codes_in_addresses_never_break(client, frozen, code):
    for name in ["manage_detail", "cancel", "reschedule", "ics", "qr", "confirmation"]:
        response = client.get(reverse(f"appointments:{name}", kwargs={"code": code}))
        assert response.status_code in (200, 302), (name, code)


# --- Cancel --------------------------------------------------------------------------------------------------


def test_cancelling_asks_first_then_frees_the_place_at_once(
    client, appointment, procedure, center, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in(client, appointment)
    before = free_on(procedure, center, TUESDAY)
    cancel_url = reverse("appointments:cancel", kwargs={"code": appointment.code})

    page = client.get(cancel_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "¿Cancelar la cita?" in html and "martes 1 de diciembre de 2026, 08:30" in html
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED  # nothing happens on GET

    with django_capture_on_commit_callbacks(execute=True):
        response = form_to(page, cancel_url).submit(client, reason="Ya no lo necesito")

    assert response.status_code == 303 and response["Location"] == detail_url(appointment)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.cancel_reason == "Ya no lo necesito"
    assert free_on(procedure, center, TUESDAY) == before + 1
    page = client.get(detail_url(appointment))
    html = page.content.decode()
    assert "Su cita ha sido cancelada" in html and "Cancelada" in html
    assert reverse("appointments:cancel", kwargs={"code": appointment.code}) not in html
    assert mailoutbox[-1].subject == f"Su cita {appointment.code_display} ha sido cancelada"
    # Cancelling again is refused kindly.
    again = client.post(cancel_url, {"reason": ""})
    assert again.status_code == 302 and again["Location"] == detail_url(appointment)


def test_a_too_long_reason_is_an_error_not_a_500(client, appointment):
    signed_in(client, appointment)
    response = client.post(reverse("appointments:cancel", kwargs={"code": appointment.code}), {"reason": "x" * 300})
    assert response.status_code == 400
    assert "Escriba como máximo 250 caracteres (escribió 300)" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


# --- Reschedule ----------------------------------------------------------------------------------------------


def test_rescheduling_moves_the_appointment_through_the_same_pickers(
    client, schedule, appointment, procedure, center, django_assert_max_num_queries
):
    signed_in(client, appointment)
    url = reverse("appointments:reschedule", kwargs={"code": appointment.code})

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "su centro actual" in html and "Su cita ahora" in html
    with django_assert_max_num_queries(9):
        page = client.get(url, {"center": center.slug, "month": "2026-12"})
    assert "<caption>Diciembre de 2026</caption>" in page.content.decode()
    assert f"{url}?center={center.slug}&amp;day=2026-12-02" in page.content.decode()
    page = client.get(url, {"center": center.slug, "day": "2026-12-02"})
    form = form_to(page, url)
    assert form.method == "post"
    nine = slot_at(schedule, 2026, 12, 2, 9, 0)

    response = form.submit(client, slot=str(nine.pk))

    assert response.status_code == 303 and response["Location"] == detail_url(appointment)
    appointment.refresh_from_db()
    assert appointment.slot == nine and appointment.version == 1
    assert free_on(procedure, center, TUESDAY) == 8 and free_on(procedure, center, WEDNESDAY) == 7
    html = client.get(detail_url(appointment)).content.decode()
    assert "Listo: su cita ahora es el miércoles 2 de diciembre de 2026, 09:00." in html
    assert "Miércoles 2 de diciembre de 2026, 09:00" in html
    ics = client.get(reverse("appointments:ics", kwargs={"code": appointment.code})).content
    assert b"DTSTART;TZID=America/Lima:20261202T090000" in ics and b"SEQUENCE:1" in ics


def test_a_failed_reschedule_keeps_the_old_appointment_and_says_why(client, schedule, appointment, procedure, center):
    signed_in(client, appointment)
    url = reverse("appointments:reschedule", kwargs={"code": appointment.code})
    target = slot_at(schedule, 2026, 12, 2, 9, 0)
    page = client.get(url, {"center": center.slug, "day": "2026-12-02"})
    for n in (20, 21):  # two other citizens take the target meanwhile
        appointment_create(slot=target, n=n)

    response = form_to(page, url).submit(client, slot=str(target.pk))

    assert response.status_code == 409
    html = response.content.decode()
    assert "Ese horario ya no está disponible. Elija otro, por favor." in html
    assert (str(target.pk), True) in form_to(response, url).radios["slot"]  # fresh: shown full now
    appointment.refresh_from_db()
    assert appointment.slot == slot_at(schedule, 2026, 12, 1, 8, 30) and appointment.version == 0
    assert appointment.status == AppointmentStatus.BOOKED
    assert free_on(procedure, center, TUESDAY) == 7


def test_rescheduling_to_another_center(client, appointment, procedure):
    piura = CenterFactory(name="Centro MAC Piura")
    other = ScheduleFactory(center=piura, procedures=[procedure], capacity=1, rules=[(3, "09:00", "09:30")])
    slots_generate(schedule=other)
    signed_in(client, appointment)
    url = reverse("appointments:reschedule", kwargs={"code": appointment.code})
    assert "Centro MAC Piura" in client.get(url).content.decode()
    page = client.get(url, {"center": piura.slug, "day": "2026-12-03"})

    response = form_to(page, url).submit(client, slot=str(other.slots.get(starts_at=lima(2026, 12, 3, 9, 0)).pk))

    assert response.status_code == 303
    appointment.refresh_from_db()
    assert appointment.center == piura


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"center": "marte", "day": "2026-12-02", "slot": "1"}, 400, "Ese centro no ofrece citas"),
        ({"center": "{center}", "day": "ayer", "slot": "1"}, 400, "«ayer» no es una fecha"),
        ({"center": "{center}", "day": "2026-12-02", "slot": "abc"}, 400, "Ese horario no es uno de los de este día"),
        ({"center": "{center}", "day": "2026-12-01", "slot": "{same}"}, 400, "Su cita ya está en ese horario."),
    ],
)
def test_junk_reschedules_get_a_message_and_change_nothing(client, appointment, center, data, status, message):
    signed_in(client, appointment)
    url = reverse("appointments:reschedule", kwargs={"code": appointment.code})
    values = {key: value.format(center=center.slug, same=appointment.slot_id) for key, value in data.items()}

    response = client.post(url, values)

    assert response.status_code == status
    assert message in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.version == 0


def test_a_cancelled_appointment_cannot_be_rescheduled(client, appointment):
    signed_in(client, appointment)
    client.post(reverse("appointments:cancel", kwargs={"code": appointment.code}), {"reason": ""})
    response = client.get(reverse("appointments:reschedule", kwargs={"code": appointment.code}))
    assert response.status_code == 302
    assert "ya no se puede cambiar" in client.get(detail_url(appointment)).content.decode()


def test_the_grant_ends_after_30_minutes_without_use(client, frozen, appointment):
    signed_in(client, appointment)
    frozen.shift(dt.timedelta(minutes=29))
    assert client.get(detail_url(appointment)).status_code == 200  # each visit renews it
    frozen.shift(dt.timedelta(minutes=29))
    assert client.get(detail_url(appointment)).status_code == 200
    frozen.shift(dt.timedelta(minutes=31))
    assert client.get(detail_url(appointment)).status_code == 302


def test_another_browser_gets_nothing_from_the_grant(appointment):
    owner, stranger = Client(REMOTE_ADDR=new_address()), Client(REMOTE_ADDR=new_address())
    signed_in(owner, appointment)
    assert stranger.get(detail_url(appointment)).status_code == 302
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED


def test_a_browser_keeps_access_to_its_last_five_appointments_only(client, frozen, schedule):
    """A kiosk or a shared phone that looks up one citizen after another does not go on showing the earlier ones."""
    times = [(8, 30), (9, 0), (9, 30)]  # two places each
    appointments = [appointment_create(slot=slot_at(schedule, 2026, 12, 1, *times[n // 2]), n=n) for n in range(6)]
    for appointment in appointments:
        signed_in(client, appointment)
        frozen.shift(dt.timedelta(minutes=1))

    assert client.get(detail_url(appointments[0])).status_code == 302  # the oldest grant made room
    for appointment in appointments[1:]:
        assert client.get(detail_url(appointment)).status_code == 200
    assert len(grants_of(client)) == 5

    signed_in(client, appointments[0])  # looked up again: the oldest of the others makes room now
    assert client.get(detail_url(appointments[1])).status_code == 302
    assert client.get(detail_url(appointments[0])).status_code == 200


def test_a_grant_is_kept_for_the_browser_without_a_session(client, appointment):
    """The grant lives in the shared cache under the browser's signed cookie (views/browser.py): a look-up makes the
    cookie once and neither reads nor writes a session."""
    signed_in(client, appointment)
    cookie = client.cookies[BROWSER_COOKIE].value
    other = appointment_create(slot=appointment.slot, n=8)

    again = look_up(client, other.code, other.document_number)

    assert again.status_code == 303 and BROWSER_COOKIE not in again.cookies  # made once, kept by the browser
    assert client.cookies[BROWSER_COOKIE].value == cookie
    assert "sessionid" not in client.cookies and not Session.objects.exists()
    assert set(grants_of(client)) == {appointment.code, other.code}
    assert client.get(detail_url(appointment)).status_code == 200 and client.get(detail_url(other)).status_code == 200


@pytest.mark.parametrize("planted", ["made-up-value", "made-up-value:forged-signature", ""])
def test_a_browser_cookie_without_our_signature_is_not_adopted(appointment, planted):
    """A cookie value someone chose (or forged) is replaced by a new signed one, so the grant is never stored under
    a key that someone else knows."""
    citizen, planter = Client(REMOTE_ADDR=new_address()), Client(REMOTE_ADDR=new_address())
    citizen.cookies[BROWSER_COOKIE] = planted
    planter.cookies[BROWSER_COOKIE] = planted

    signed_in(citizen, appointment)

    assert citizen.cookies[BROWSER_COOKIE].value not in ("", planted)
    assert citizen.get(detail_url(appointment)).status_code == 200
    assert planter.get(detail_url(appointment)).status_code == 302
