"""One visit, several entities: the itinerary built from the catalog ("usually paid first at"), its steps served in
order as separate Attentions of one ticket that keeps its arrival time, the pages showing the next step, and the
time spent in the center."""

import datetime as dt

import pytest
from django.urls import reverse

from centers.constants import StaffRole
from centers.tests.factories import CounterFactory, OfferingFactory, staff_user_create
from conftest import verified_client
from procedures.tests.factories import EntityFactory, ProcedureFactory

from ..constants import DeviceKind, Outcome, TicketStatus
from ..errors import InvalidInput
from ..links import ticket_status_path
from ..models import Attention, ItineraryStep, Ticket
from ..selectors import visit_time_in_center, visit_times
from ..services import attention_finish, device_token_create, itinerary_build, ticket_call_next, visit_issue
from .conftest import at
from .factories import floor_create, remote_enable, remote_join, session_open, ticket_create

pytestmark = pytest.mark.django_db

GREETER = reverse("admin:attention_greeterscreen_changelist")


@pytest.fixture
def bank(floor):
    """Banco de la Nación at the floor, where the DNI duplicate's fee is usually paid first."""
    entity = EntityFactory(name="Banco de la Nación", acronym="BN", slug="banco-de-la-nacion")
    payment = ProcedureFactory(entity=entity, name="Pago de tasas", counter_minutes=3)
    OfferingFactory(center=floor.center, procedure=payment)
    floor.dni.paid_first_at = payment
    floor.dni.save(update_fields=["paid_first_at"])
    counter = CounterFactory(center=floor.center, entity=entity, label="BN-1")
    return payment, counter


def test_the_catalog_suggests_paying_first_where_the_payment_is_served_here(floor, bank):
    payment, _counter = bank
    assert itinerary_build(center=floor.center, procedures=[floor.dni]) == [payment, floor.dni]
    assert itinerary_build(center=floor.center, procedures=[floor.dni], pay_first=False) == [floor.dni]
    # Two procedures paid at the same place: one payment step; a procedure twice: once.
    floor.record.paid_first_at = payment
    floor.record.save(update_fields=["paid_first_at"])
    assert itinerary_build(center=floor.center, procedures=[floor.dni, floor.record, floor.dni]) == [
        payment,
        floor.dni,
        floor.record,
    ]
    other = floor_create(name="Centro MAC Piura")  # no bank there: the payment is made elsewhere
    assert itinerary_build(center=other.center, procedures=[floor.dni]) == [floor.dni]
    with pytest.raises(InvalidInput):
        itinerary_build(center=floor.center, procedures=[])


def test_finishing_a_step_queues_the_next_keeping_the_arrival_time(floor, bank):
    _payment, bank_counter = bank
    visit = visit_issue(center=floor.center, procedures=[floor.dni], now=at(9))
    assert visit.procedure == bank[0] and visit.queue.entity.acronym == "BN"
    assert list(ItineraryStep.objects.filter(ticket=visit).values_list("procedure", flat=True)) == [
        bank[0].pk,
        floor.dni.pk,
    ]
    later = ticket_create(center=floor.center, procedure=floor.dni, at=at(9, 30))  # came for the DNI directly

    cashier = session_open(counter=bank_counter, at=at(8, 30))
    assert ticket_call_next(session=cashier, now=at(10)).pk == visit.pk
    attention_finish(ticket=visit, session=cashier, outcome=Outcome.RESOLVED, now=at(10, 5))
    visit.refresh_from_db()
    assert visit.status == TicketStatus.WAITING and visit.procedure == floor.dni
    assert visit.arrived_at == at(9) and visit.queued_at == at(10, 5) and visit.code == "A-001"  # kept, as transfers

    reniec = session_open(counter=floor.reniec_counter, at=at(8, 30))
    assert ticket_call_next(session=reniec, now=at(10, 10)).pk == visit.pk  # arrived at 9:00, before 9:30
    attention_finish(ticket=visit, session=reniec, outcome=Outcome.RESOLVED, now=at(10, 30))
    visit.refresh_from_db()
    assert visit.status == TicketStatus.FINISHED
    steps = list(Attention.objects.filter(ticket=visit).order_by("called_at"))
    assert [(a.procedure_id, a.issued_at, a.outcome) for a in steps] == [
        (bank[0].pk, at(9), Outcome.RESOLVED),
        (floor.dni.pk, at(10, 5), Outcome.RESOLVED),  # this step's wait counts from its queueing
    ]
    assert all(step.done_at for step in ItineraryStep.objects.filter(ticket=visit))
    assert visit_time_in_center(ticket=visit) == dt.timedelta(minutes=90)

    assert ticket_call_next(session=reniec, now=at(10, 31)).pk == later.pk
    attention_finish(ticket=later, session=reniec, outcome=Outcome.RESOLVED, now=at(10, 41))
    times = visit_times(center=floor.center, day=at(10).date())
    assert (times.visits, times.average_minutes) == (2, round((90 + 71) / 2, 1))
    assert (times.multi_step_visits, times.multi_step_average_minutes) == (1, 90.0)


def test_the_supervisor_sees_the_time_in_the_center(client, floor, bank, frozen):
    _payment, bank_counter = bank
    visit = visit_issue(center=floor.center, procedures=[floor.dni], now=at(9))
    cashier = session_open(counter=bank_counter, at=at(8, 30))
    reniec = session_open(counter=floor.reniec_counter, at=at(8, 30))
    for session, minute in ((cashier, 20), (reniec, 50)):
        ticket_call_next(session=session, now=at(9, minute - 10))
        attention_finish(ticket=visit, session=session, outcome=Outcome.RESOLVED, now=at(9, minute))
    verified_client(staff_user_create(role=StaffRole.SUPERVISOR, center=floor.center), client)
    content = client.get(reverse("admin:attention_supervisionscreen_changelist")).content.decode()
    assert "Tiempo promedio en el centro</dt><dd>50 min" in content
    assert "Visitas de varios pasos</dt><dd>1 (50 min)" in content


def test_the_status_page_and_the_screen_show_the_next_step(client, floor, bank, frozen):
    _payment, bank_counter = bank
    visit = visit_issue(center=floor.center, procedures=[floor.dni], now=at(9))
    page = client.get(ticket_status_path(visit)).content.decode()
    assert "Siguiente paso: RENIEC — Duplicado de DNI" in page and "Su visita" in page

    cashier = session_open(counter=bank_counter, at=at(8, 30))
    ticket_call_next(session=cashier, now=at(9, 50))
    _device, token = device_token_create(center=floor.center, kind=DeviceKind.SCREEN, name="TV")
    client.get(reverse("attention:screen", args=[floor.center.slug]), {"token": token})
    screen = client.get(reverse("attention:screen", args=[floor.center.slug])).content.decode()
    assert visit.code in screen and "luego: RENIEC" in screen

    attention_finish(ticket=visit, session=cashier, outcome=Outcome.RESOLVED, now=at(9, 55))
    page = client.get(ticket_status_path(visit)).content.decode()
    assert "0 personas antes que usted" in page and "Duplicado de DNI" in page and "Siguiente paso" not in page


def test_the_greeter_builds_the_itinerary_from_the_catalog(client, floor, bank, frozen):
    verified_client(staff_user_create(role=StaffRole.GREETER, center=floor.center), client)
    board = client.get(GREETER).content.decode()
    assert "Se suele pagar primero: BN — Pago de tasas" in board
    response = client.post(
        GREETER,
        {
            "center": floor.center.pk,
            "action": "issue",
            "procedure": floor.dni.pk,
            "then_1": floor.record.pk,
            "preferential_reason": "none",
            "pay_first": "on",
        },
        follow=True,
    )
    ticket = Ticket.objects.get()
    assert [step.procedure for step in ticket.steps.order_by("position")] == [bank[0], floor.dni, floor.record]
    assert "Luego: RENIEC — Duplicado de DNI; PJ — Certificado de antecedentes penales" in response.content.decode()
    # Without the box: the procedures as chosen, no payment step.
    client.post(
        GREETER,
        {"center": floor.center.pk, "action": "issue", "procedure": floor.dni.pk, "preferential_reason": "none"},
    )
    single = Ticket.objects.latest("pk")
    assert single.procedure == floor.dni and not single.steps.exists()


def test_staff_build_visits_only_at_their_centers_and_never_see_remote_contact_data(client, floor, bank, frozen):
    other = floor_create(name="Centro MAC Piura")
    verified_client(staff_user_create(role=StaffRole.GREETER, center=other.center), client)
    response = client.post(
        GREETER,
        {"center": floor.center.pk, "action": "issue", "procedure": floor.dni.pk, "preferential_reason": "none"},
    )
    assert response.status_code == 404 and not Ticket.objects.filter(center=floor.center).exists()

    remote_enable(center=floor.center, procedure=floor.dni)
    ticket = remote_join(center=floor.center, procedure=floor.dni, at=at(10))
    supervisor = staff_user_create(role=StaffRole.SUPERVISOR, center=floor.center)
    verified_client(supervisor, client)
    page = client.get(reverse("admin:attention_ticket_change", args=[ticket.pk]))
    assert page.status_code == 200 and ticket.code in page.content.decode()
    assert "987650000" not in page.content.decode() and "persona0@example.com" not in page.content.decode()
    verified_client(staff_user_create(role=StaffRole.SUPERVISOR, center=other.center), client)
    foreign = client.get(reverse("admin:attention_ticket_change", args=[ticket.pk]))
    assert foreign.status_code in (302, 404) and "987650000" not in foreign.content.decode()
