"""The staff screens in the admin: each role reaches its screen at its own centers only; one click per action."""

import pytest
from django.urls import reverse

from centers.constants import StaffRole
from centers.tests.factories import staff_user_create
from conftest import verified_client

from ..constants import CounterSessionStatus, Outcome, TicketStatus
from ..models import Attention, CounterSession, Ticket
from ..services import ticket_call_next
from .conftest import at
from .factories import floor_create, session_open, ticket_create

pytestmark = pytest.mark.django_db

GREETER = reverse("admin:attention_greeterscreen_changelist")
COUNTER = reverse("admin:attention_counterscreen_changelist")
SUPERVISION = reverse("admin:attention_supervisionscreen_changelist")


@pytest.fixture
def piura(db):
    return floor_create(name="Centro MAC Piura")


@pytest.fixture
def callao(db):
    return floor_create(name="Centro MAC Callao")


def login(client, role, floor):
    user = staff_user_create(role=role, center=floor.center)
    verified_client(user, client)
    return user


def test_each_screen_needs_its_role(client, callao, frozen):
    login(client, StaffRole.GREETER, callao)
    assert client.get(GREETER).status_code == 200
    assert client.get(COUNTER).status_code == 403
    assert client.get(SUPERVISION).status_code == 403
    login(client, StaffRole.COUNTER_AGENT, callao)
    assert client.get(GREETER).status_code == 403 and client.get(COUNTER).status_code == 200
    login(client, StaffRole.SUPERVISOR, callao)
    assert all(client.get(url).status_code == 200 for url in (GREETER, COUNTER, SUPERVISION))
    admin_index = client.get(reverse("admin:index")).content.decode()
    assert GREETER in admin_index and SUPERVISION in admin_index


def test_a_callao_clerk_never_reaches_piuras_queue(client, callao, piura, frozen):
    ticket_create(center=piura.center, procedure=piura.dni, at=at(9))
    login(client, StaffRole.SUPERVISOR, callao)
    for url in (GREETER, SUPERVISION):
        assert client.get(url, {"center": piura.center.pk}).status_code == 404
        content = client.get(url).content.decode()
        assert "Centro MAC Piura" not in content
    response = client.post(
        GREETER, {"center": piura.center.pk, "procedure": piura.dni.pk, "preferential_reason": "none"}
    )
    assert response.status_code == 404
    assert not Ticket.objects.filter(center=piura.center, issued_by__isnull=False).exists()
    # Piura's counter cannot be opened from Callao.
    response = client.post(COUNTER, {"action": "open", "counter": piura.reniec_counter.pk})
    assert response.status_code == 404 and not CounterSession.objects.exists()
    content = client.get(COUNTER).content.decode()
    assert "Centro MAC Piura" not in content
    # Piura's records lists stay empty for them.
    for name in ("ticket", "attention", "queue", "countersession", "devicetoken"):
        response = client.get(reverse(f"admin:attention_{name}_changelist"))
        assert response.status_code in (200, 403) and "Piura" not in response.content.decode(), name


def test_greeter_issues_a_ticket_after_seeing_the_estimate(client, callao, frozen, django_assert_max_num_queries):
    login(client, StaffRole.GREETER, callao)
    session_open(counter=callao.reniec_counter, at=at(8, 30))
    ticket_create(center=callao.center, procedure=callao.dni, at=at(9))
    with django_assert_max_num_queries(17):  # with the two-step device, the staff session's expiry, the steps
        content = client.get(GREETER).content.decode()
    assert "Duplicado de DNI" in content and "20 min" in content  # 1 ahead + 1, 10 min each, 1 counter
    response = client.post(
        GREETER,
        {"center": callao.center.pk, "action": "issue", "procedure": callao.dni.pk, "preferential_reason": "pregnant"},
        follow=True,
    )
    ticket = Ticket.objects.latest("pk")
    assert ticket.code == "A-002" and ticket.preferential_reason == "pregnant" and ticket.issued_by is not None
    content = response.content.decode()
    assert "Ticket A-002 emitido." in content and "Imprimir ticket" in content


def test_greeter_check_in_errors_are_shown(client, callao, frozen):
    login(client, StaffRole.GREETER, callao)
    response = client.post(
        GREETER, {"center": callao.center.pk, "action": "check_in", "code": "ZZZZZ-ZZZZZ"}, follow=True
    )
    assert "Ninguna cita de hoy en este centro coincide" in response.content.decode()


def test_counter_screen_walks_a_ticket_from_call_to_finish(client, callao, frozen):
    agent = login(client, StaffRole.COUNTER_AGENT, callao)
    content = client.get(COUNTER).content.decode()
    assert "V-01" in content and "V-02" in content
    client.post(COUNTER, {"action": "open", "counter": callao.reniec_counter.pk})
    session = CounterSession.objects.get(agent=agent)
    ticket = ticket_create(center=callao.center, procedure=callao.dni, at=at(9))
    client.post(COUNTER, {"action": "call_next"})
    content = client.get(COUNTER).content.decode()
    assert "A-001" in content and 'data-key="s"' in content
    client.post(COUNTER, {"action": "start", "ticket": ticket.pk})
    client.post(COUNTER, {"action": "finish", "ticket": ticket.pk, "outcome": Outcome.RESOLVED})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.FINISHED
    assert Attention.objects.get(ticket=ticket).agent == agent
    response = client.post(COUNTER, {"action": "call_next"}, follow=True)
    assert "Nadie espera" in response.content.decode()
    client.post(COUNTER, {"action": "close"})
    session.refresh_from_db()
    assert session.status == CounterSessionStatus.CLOSED


def test_counter_actions_refuse_a_ticket_not_at_the_counter(client, callao, frozen):
    other = session_open(counter=callao.pj_counter, at=at(8, 30))
    ticket = ticket_create(center=callao.center, procedure=callao.record, at=at(9))
    ticket_call_next(session=other)
    login(client, StaffRole.COUNTER_AGENT, callao)
    client.post(COUNTER, {"action": "open", "counter": callao.reniec_counter.pk})
    response = client.post(COUNTER, {"action": "finish", "ticket": ticket.pk, "outcome": "resolved"}, follow=True)
    assert "ya no está en su ventanilla" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED


def test_supervision_screen_shows_the_floor(client, callao, frozen, django_assert_max_num_queries):
    session = session_open(counter=callao.reniec_counter, at=at(8, 30))
    ticket_create(center=callao.center, procedure=callao.dni, at=at(9, 0))  # 60 minutes: beyond its ANS (30)
    login(client, StaffRole.SUPERVISOR, callao)
    with django_assert_max_num_queries(18):  # with the two-step device and the staff session's expiry (3)
        content = client.get(SUPERVISION).content.decode()
    assert "screen-beyond" in content and "A-001" in content
    assert session.agent.get_username() in content
