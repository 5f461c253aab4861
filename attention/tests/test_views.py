"""Public device pages (kiosk, waiting-room screen) and the ticket's printout and status page."""

import pytest
from django.urls import reverse

from ..constants import DeviceKind, TicketStatus
from ..links import ticket_print_path, ticket_status_path
from ..models import Ticket
from ..services import device_token_create, ticket_call_next, ticket_recall
from .conftest import at
from .factories import floor_create, session_open, ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def kiosk_client(client, floor):
    _device, token = device_token_create(center=floor.center, kind=DeviceKind.KIOSK, name="Entrada 1")
    response = client.get(reverse("attention:kiosk", args=[floor.center.slug]), {"token": token})
    assert response.status_code == 302 and "token" not in response.url  # kept in the session, not in the address
    return client


def test_the_kiosk_needs_its_centers_kiosk_token(client, floor):
    url = reverse("attention:kiosk", args=[floor.center.slug])
    assert client.get(url).status_code == 403
    _screen, screen_token = device_token_create(center=floor.center, kind=DeviceKind.SCREEN, name="TV")
    assert client.get(url, {"token": screen_token}).status_code == 403
    other = floor_create(name="Centro MAC Piura")
    _kiosk, other_token = device_token_create(center=other.center, kind=DeviceKind.KIOSK, name="Piura")
    assert client.get(url, {"token": other_token}).status_code == 403
    assert client.post(url, {"procedure": floor.dni.pk}).status_code == 403
    assert not Ticket.objects.exists()


def test_a_walk_in_takes_a_ticket_at_the_kiosk(kiosk_client, floor, frozen):
    url = reverse("attention:kiosk", args=[floor.center.slug])
    content = kiosk_client.get(url).content.decode()
    assert "¿Qué trámite viene a realizar?" in content and "Duplicado de DNI" in content
    content = kiosk_client.get(url, {"procedure": floor.dni.pk}).content.decode()
    assert "¿Le corresponde atención preferente?" in content
    response = kiosk_client.post(url, {"procedure": floor.dni.pk, "preferential_reason": "older_adult"})
    ticket = Ticket.objects.get()
    assert ticket.preferential_reason == "older_adult" and ticket.issued_by is None
    printout = kiosk_client.get(response.url).content.decode()
    assert ticket.code in printout and "Duplicado de DNI" in printout and "qr.svg" in printout
    assert "0 personas antes que usted" in printout


def test_the_ticket_link_shows_its_live_status_and_a_qr(client, floor, frozen):
    ticket = ticket_create(center=floor.center, procedure=floor.dni, at=at(9))
    ticket_create(center=floor.center, procedure=floor.dni, at=at(9, 1))
    status_url = ticket_status_path(ticket)
    assert "1 persona" not in client.get(status_url).content.decode()
    session = session_open(counter=floor.reniec_counter)
    ticket_call_next(session=session)
    assert "Acérquese a la ventanilla V-01" in client.get(status_url).content.decode()
    qr = client.get(ticket_print_path(ticket).replace("imprimir/", "qr.svg"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert client.get(reverse("attention:ticket_status", args=[f"{ticket.pk}"])).status_code == 404  # unsigned


def test_the_screen_shows_the_latest_call_and_answers_304_until_something_changes(client, floor, frozen):
    _device, token = device_token_create(center=floor.center, kind=DeviceKind.SCREEN, name="TV sala")
    url = reverse("attention:screen", args=[floor.center.slug])
    assert client.get(url).status_code == 403
    client.get(url, {"token": token})
    a = ticket_create(center=floor.center, procedure=floor.dni, at=at(9), preferential_reason="pregnant")
    ticket_create(center=floor.center, procedure=floor.record, at=at(9, 1))
    session = session_open(counter=floor.reniec_counter)
    ticket_call_next(session=session)
    content = client.get(url).content.decode()
    assert 'aria-live="assertive"' in content and a.code in content and "Preferente" in content
    assert "htmx.min.js" in content and 'http-equiv="refresh"' in content

    rows_url = reverse("attention:screen_rows", args=[floor.center.slug])
    first = client.get(rows_url)
    assert first.status_code == 200 and first.has_header("ETag")
    assert client.get(rows_url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    ticket_recall(ticket=Ticket.objects.get(pk=a.pk), session=session, now=at(10, 1))
    changed = client.get(rows_url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "llamado 2" in changed.content.decode()  # a recall is shown (and so announced) anew
    assert Ticket.objects.get(pk=a.pk).status == TicketStatus.CALLED
