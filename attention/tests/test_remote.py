"""Remote tickets: joining from a phone, the window around opening hours, the abuse limits, cancelling, the one
"near" message (message rows), contact data kept only while needed, and the pages (without JavaScript)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from appointments import sms
from appointments.sms import BaseSmsBackend, SmsError
from appointments.tests.conftest import _sms_locmem  # noqa: F401 - autouse: SMS kept in sms.outbox
from centers.tests.factories import ClosureFactory
from procedures.models import Procedure

from ..constants import Outcome, TicketStatus
from ..errors import InvalidInput, RemoteClosed, RemoteNotAllowed, RemoteTicketOpen, TicketStateConflict
from ..links import ticket_status_path, ticket_token_id
from ..models import Attention, Ticket, TicketMessage
from ..services import (
    attention_finish,
    attention_start,
    remote_tickets_scan,
    ticket_call_next,
    ticket_cancel,
    ticket_no_show,
    ticket_recall,
)
from ..tasks import remote_tickets_scan as remote_tickets_scan_task
from .conftest import at
from .factories import DNIS, floor_create, remote_enable, remote_join, session_open, ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def remote(floor):
    remote_enable(center=floor.center, procedure=floor.dni)
    return floor


class FailingBackend(BaseSmsBackend):
    def send_messages(self, messages):
        raise SmsError("gateway down for +51987650000")


def test_join_called_and_served_like_any_ticket_and_the_contact_data_goes(remote, frozen):
    ticket = remote_join(center=remote.center, procedure=remote.dni, at=at(10))
    assert ticket.joined_remotely and ticket.status == TicketStatus.WAITING and ticket.arrived_at == at(10)
    assert ticket.contact_phone == "+51987650000" and ticket.contact_email == "persona0@example.com"
    assert ticket.document_digest and DNIS[0] not in ticket.document_digest  # a keyed digest, never the number
    session = session_open(counter=remote.reniec_counter, at=at(9))
    assert ticket_call_next(session=session, now=at(10, 5)).pk == ticket.pk
    attention_start(ticket=ticket, session=session, now=at(10, 8))
    attention_finish(ticket=ticket, session=session, outcome=Outcome.RESOLVED, now=at(10, 20))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.FINISHED
    assert Attention.objects.get(ticket=ticket).outcome == Outcome.RESOLVED
    assert remote_tickets_scan(now=at(10, 21))["purged"] == 1
    ticket.refresh_from_db()
    assert (ticket.contact_phone, ticket.contact_email, ticket.document_digest) == ("", "", "")


def test_a_called_remote_ticket_that_does_not_come_is_a_no_show_by_the_same_rules(remote, frozen, settings):
    ticket = remote_join(center=remote.center, procedure=remote.dni, at=at(10))
    session = session_open(counter=remote.reniec_counter, at=at(9))
    ticket_call_next(session=session, now=at(10, 1))
    with pytest.raises(Exception, match="antes de marcarlo"):
        ticket_no_show(ticket=ticket, session=session, now=at(10, 2))
    for minute in range(settings.ATTENTION_NO_SHOW_RECALLS):
        ticket_recall(ticket=ticket, session=session, now=at(10, 3 + minute))
    ticket_no_show(ticket=ticket, session=session, now=at(10, 10))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NO_SHOW
    assert Attention.objects.get(ticket=ticket).outcome == Outcome.ABANDONED
    remote_tickets_scan(now=at(10, 11))
    ticket.refresh_from_db()
    assert ticket.contact_phone == "" and ticket.document_digest == ""
    # The place is free again: the same citizen may join anew.
    assert remote_join(center=remote.center, procedure=remote.dni, at=at(10, 12)).status == TicketStatus.WAITING


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (at(7, 59), False),  # more than 30 minutes before opening (08:30)
        (at(8, 0), True),
        (at(19, 29), True),  # the center closes at 20:30: joins until an hour before
        (at(19, 31), False),
        (dt.datetime(2026, 12, 6, 10, tzinfo=at(10).tzinfo), False),  # Sunday: closed
    ],
)
def test_joins_only_around_opening_hours(remote, moment, allowed):
    if allowed:
        assert remote_join(center=remote.center, procedure=remote.dni, at=moment).service_day == moment.date()
    else:
        with pytest.raises(RemoteClosed):
            remote_join(center=remote.center, procedure=remote.dni, at=moment)


def test_no_remote_tickets_on_a_closure(remote):
    ClosureFactory(center=remote.center, date=at(10).date())
    with pytest.raises(RemoteClosed):
        remote_join(center=remote.center, procedure=remote.dni, at=at(10))


def test_only_where_the_queue_and_the_procedure_allow_it(remote, frozen):
    with pytest.raises(RemoteNotAllowed):  # the judiciary's queue takes no remote tickets
        remote_join(center=remote.center, procedure=remote.record, at=at(10))
    Procedure.objects.filter(pk=remote.passport.pk).update(remote_ticket=False)
    with pytest.raises(RemoteNotAllowed):
        remote_join(center=remote.center, procedure=Procedure.objects.get(pk=remote.passport.pk), at=at(10))
    assert not Ticket.objects.exists()


def test_one_open_remote_ticket_per_mobile_number_and_per_document_at_a_center(remote, frozen):
    first = remote_join(center=remote.center, procedure=remote.dni, at=at(10))
    with pytest.raises(RemoteTicketOpen) as same_phone:
        remote_join(center=remote.center, procedure=remote.passport, at=at(10, 1), document_number=DNIS[1])
    assert "Ya hay un ticket en la fila de este centro" in str(same_phone.value.message)
    with pytest.raises(RemoteTicketOpen):  # the same DNI written with its check character
        remote_join(
            center=remote.center, procedure=remote.dni, at=at(10, 1), document_number="10117410-2", phone="987651111"
        )
    assert Ticket.objects.count() == 1
    other = floor_create(name="Centro MAC Callao")
    remote_enable(center=other.center, procedure=other.dni)
    assert remote_join(center=other.center, procedure=other.dni, at=at(10, 2)).center == other.center
    ticket_cancel(ticket=first, now=at(10, 3))
    again = remote_join(center=remote.center, procedure=remote.dni, at=at(10, 4))
    assert again.pk != first.pk and Ticket.objects.filter(center=remote.center).count() == 2


def test_bad_data_is_refused_field_by_field_in_spanish(remote, frozen):
    with pytest.raises(InvalidInput) as error:
        remote_join(center=remote.center, procedure=remote.dni, at=at(10), document_number="123", phone="12345")
    assert "8 dígitos" in error.value.field_errors["document_number"][0]
    assert "celular" in error.value.field_errors["phone"][0]
    with pytest.raises(InvalidInput) as error:
        remote_join(center=remote.center, procedure=remote.dni, at=at(10), phone="")
    assert "celular" in error.value.field_errors["phone"][0]
    assert not Ticket.objects.exists()


def test_cancel_while_waiting_only(remote, frozen):
    ticket = remote_join(center=remote.center, procedure=remote.dni, at=at(10))
    cancelled = ticket_cancel(ticket=ticket, now=at(10, 5))
    assert cancelled.status == TicketStatus.CANCELLED and cancelled.cancelled_at == at(10, 5)
    assert (cancelled.contact_phone, cancelled.contact_email, cancelled.document_digest) == ("", "", "")
    assert ticket_cancel(ticket=ticket).status == TicketStatus.CANCELLED  # twice: the same
    called = remote_join(center=remote.center, procedure=remote.dni, at=at(10, 6))
    session = session_open(counter=remote.reniec_counter, at=at(9))
    assert ticket_call_next(session=session, now=at(10, 7)).pk == called.pk
    with pytest.raises(TicketStateConflict):
        ticket_cancel(ticket=called)


def test_the_ticket_link_goes_at_once_after_the_join_commits(remote, frozen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = remote_join(center=remote.center, procedure=remote.dni, at=at(10))
    assert [m.to for m in sms.outbox] == ["+51987650000"] and len(mail.outbox) == 1
    body = sms.outbox[0].body
    assert body.startswith("MAC Centro MAC Lima Norte: su ticket A-001 para Duplicado de DNI.")
    link = body.rsplit(" ", 1)[1]  # the status page's signed link
    assert link.startswith("http://127.0.0.1:8000/turno/") and ticket_token_id(link.split("/")[4]) == ticket.pk
    assert TicketMessage.objects.filter(kind="joined", sent_at__isnull=False).count() == 2


def test_the_near_message_goes_once_per_channel_even_when_the_scan_runs_twice(remote, settings):
    settings.ATTENTION_REMOTE_NEAR_AHEAD = 2
    for minute in range(4):
        ticket_create(center=remote.center, procedure=remote.dni, at=at(9, minute))
    remote_join(center=remote.center, procedure=remote.dni, at=at(9, 30))
    session = session_open(counter=remote.reniec_counter, at=at(9))
    with time_machine.travel(at(9, 31), tick=False):
        # The link (SMS and e-mail; its task was lost in this test: the scan sends it); 4 ahead: not near yet.
        assert remote_tickets_scan_task.delay().get() == {"planned": 0, "sent": 2, "purged": 0}
    for minute in range(2):
        called = ticket_call_next(session=session, now=at(9, 40 + minute))
        attention_finish(ticket=called, session=session, outcome=Outcome.RESOLVED, now=at(9, 40 + minute))
    with time_machine.travel(at(9, 45), tick=False):
        assert remote_tickets_scan_task.delay().get() == {"planned": 2, "sent": 2, "purged": 0}  # 2 ahead
        assert remote_tickets_scan_task.delay().get() == {"planned": 0, "sent": 0, "purged": 0}
        remote_tickets_scan(now=at(9, 46))
    assert [m.to for m in sms.outbox] == ["+51987650000"] * 2
    near = sms.outbox[1]
    assert "su ticket A-005 está cerca (2 personas antes). Acérquese al centro ahora." in near.body
    assert near.idempotency_key == f"ticket-message-{TicketMessage.objects.get(channel='sms', kind='near').pk}"
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["persona0@example.com"]
    assert mail.outbox[1].subject == "MAC: su ticket A-005 está cerca"
    assert mail.outbox[1].extra_headers["Message-ID"].startswith("<ticket-message-")
    assert TicketMessage.objects.filter(sent_at__isnull=False).count() == 4


def test_a_refused_message_is_retried_with_backoff_and_then_sent_once(remote, settings):
    settings.SMS_BACKEND = "attention.tests.test_remote.FailingBackend"
    remote_join(center=remote.center, procedure=remote.dni, at=at(10), email="")
    assert remote_tickets_scan(now=at(10, 1))["sent"] == 0  # the link and "near" (nobody ahead): both refused
    for message in TicketMessage.objects.all():
        assert message.attempts == 1 and message.sending_at is None and message.due_at == at(10, 2)
        assert "+51" not in message.last_error  # masked: no phone numbers in the table or the log
    assert remote_tickets_scan(now=at(10, 1, 30))["sent"] == 0  # not due yet: not even tried
    settings.SMS_BACKEND = "appointments.sms.LocmemBackend"
    assert remote_tickets_scan(now=at(10, 2))["sent"] == 2
    assert remote_tickets_scan(now=at(10, 10))["sent"] == 0
    assert len(sms.outbox) == 2 and set(TicketMessage.objects.values_list("attempts", flat=True)) == {2}


def test_a_near_message_not_sent_before_the_call_is_dropped(remote, frozen):
    ticket = remote_join(center=remote.center, procedure=remote.dni, at=at(10), email="")
    near = TicketMessage.objects.create(ticket=ticket, kind="near", channel="sms", due_at=at(10))
    session = session_open(counter=remote.reniec_counter, at=at(9))
    ticket_call_next(session=session, now=at(10, 1))
    assert remote_tickets_scan(now=at(10, 2))["sent"] == 1  # the link still helps; "near" no longer
    near.refresh_from_db()
    assert near.skipped_at is not None and near.sent_at is None
    assert len(sms.outbox) == 1 and "está cerca" not in sms.outbox[0].body


def test_contact_data_of_an_earlier_day_is_cleared(remote):
    ticket = remote_join(center=remote.center, procedure=remote.dni, at=at(19))  # never called: still waiting
    assert remote_tickets_scan(now=at(10) + dt.timedelta(days=1))["purged"] == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING and ticket.contact_phone == ""


# --- pages ------------------------------------------------------------------------------------------------------


def _join_data(remote, n: int = 0, **overrides) -> dict:
    return {
        "procedure": remote.dni.pk,
        "document_type": "dni",
        "document_number": DNIS[n],
        "phone": f"98765{n:04d}",
        "email": "",
        **overrides,
    }


def test_the_join_page_gives_a_ticket_and_lands_on_its_status_page(client, remote, frozen):
    url = reverse("attention:remote_join", args=[remote.center.slug])
    content = client.get(url).content.decode()
    assert "Haga la fila desde su celular" in content and "Duplicado de DNI" in content
    assert "Certificado de antecedentes penales" not in content  # its queue takes no remote tickets
    response = client.post(url, _join_data(remote))
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == ticket_status_path(ticket)
    status = client.get(response.url).content.decode()
    assert ticket.code in status and "0 personas antes que usted" in status
    assert 'http-equiv="refresh"' in status and "Dejar la fila" in status
    assert "+51" not in status and DNIS[0] not in status  # no personal data on the page

    again = client.post(url, _join_data(remote, phone="987651111"))
    assert again.status_code == 409 and "Ya hay un ticket en la fila" in again.content.decode()

    cancel = client.post(reverse("attention:ticket_cancel", args=[response.url.split("/")[2]]))
    assert cancel.status_code == 302 and cancel.url == response.url
    page = client.get(cancel.url).content.decode()
    assert "Usted dejó la fila" in page and "Dejar la fila" not in page and 'http-equiv="refresh"' not in page


def test_the_join_page_shows_errors_and_the_closed_window_in_spanish(client, remote):
    url = reverse("attention:remote_join", args=[remote.center.slug])
    with time_machine.travel(at(10), tick=False):
        bad = client.post(url, _join_data(remote, document_number="12", phone="1"))
        assert bad.status_code == 400
        assert "8 dígitos" in bad.content.decode() and "Revise los datos" in bad.content.decode()
        assert client.get(reverse("attention:remote_join", args=["no-such-center"])).status_code == 404
    with time_machine.travel(at(20), tick=False):
        closed = client.get(url).content.decode()
        assert "no se están dando tickets remotos" in closed and 'name="phone"' not in closed
        refused = client.post(url, _join_data(remote))
        assert refused.status_code == 409 and "tickets remotos" in refused.content.decode()
    assert not Ticket.objects.exists()


def test_joins_are_rate_limited_per_address(client, remote, frozen, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "remote_join": (2, 3600)}
    url = reverse("attention:remote_join", args=[remote.center.slug])
    for n in range(2):
        assert client.post(url, _join_data(remote, n)).status_code == 302
    limited = client.post(url, _join_data(remote, 2))
    assert limited.status_code == 429 and limited.has_header("Retry-After")
    assert Ticket.objects.count() == 2


def test_a_rush_of_joins_meets_the_bookings_challenge(client, remote, frozen, settings):
    settings.CHALLENGE_NETWORK_THRESHOLD = 2
    url = reverse("attention:remote_join", args=[remote.center.slug])
    assert client.post(url, _join_data(remote, 0)).status_code == 302
    challenged = client.post(url, _join_data(remote, 1))
    assert challenged.status_code == 429 and 'name="espera"' in challenged.content.decode()
    assert Ticket.objects.count() == 1


def test_the_center_page_offers_the_line_from_the_phone_only_where_a_queue_takes_remote_tickets(floor, client):
    """Citizens find /fila/<center>/ on the center's page (a page hook: centers never imports attention)."""
    join = reverse("attention:remote_join", kwargs={"slug": floor.center.slug})
    page = reverse("centers:detail", kwargs={"slug": floor.center.slug})
    assert join not in client.get(page).content.decode()
    remote_enable(center=floor.center, procedure=floor.dni)
    with time_machine.travel(dt.timedelta(minutes=2)):  # the page is cached for a minute at most
        html = client.get(page).content.decode()
    assert f'href="{join}"' in html and "Haga la fila desde su celular" in html
