"""The change history of back-office data (mac_portal.audit): staff changes recorded with their author, readable
by administrators only, no citizen's personal data copied into it, and nothing added to the counters' hot path."""

import pytest
import time_machine
from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appointments.models import Appointment
from appointments.tests.factories import ScheduleFactory, appointment_create, slot_create
from appointments.tests.utils import NOW, SLOT_START
from attention.models import DeviceToken, Queue
from attention.services import device_token_create, ticket_call_next
from attention.tests.conftest import at
from attention.tests.factories import floor_create, session_open, ticket_create
from centers.constants import StaffRole
from centers.models import Counter, StaffMembership
from centers.tests.factories import CounterFactory, staff_user_create
from conftest import verified_client
from mac_portal.audit import audit_actor

pytestmark = pytest.mark.django_db

HISTORY = reverse("admin:auditlog_logentry_changelist")


def entries_for(model, pk=None):
    found = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
    return found.filter(object_pk=str(pk)) if pk is not None else found


@pytest.fixture
def floor(db):
    return floor_create(name="Centro MAC Callao")


@pytest.fixture
def administrator(client):
    user = staff_user_create(role=StaffRole.ADMINISTRATOR, username="ana.admin")
    verified_client(user, client)
    return user


def test_a_counter_changed_in_the_admin_is_recorded_with_its_author(client, floor, administrator):
    counter = floor.reniec_counter
    url = reverse("admin:centers_counter_change", args=[counter.pk])
    response = client.post(
        url,
        {
            "center": counter.center_id,
            "label": "V-09",
            "entity": counter.entity_id,
            "procedures": [procedure.pk for procedure in counter.procedures.all()],
            "languages": [],
            "is_active": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = entries_for(Counter, counter.pk).filter(actor__isnull=False).get()
    assert entry.actor == administrator
    assert entry.remote_addr == "127.0.0.1"
    assert entry.changes_dict["label"] == [counter.label, "V-09"]
    assert entry.changes_dict["is_active"] == ["True", "False"]
    # The administrator reads it, in Spanish, and cannot change or delete it.
    content = client.get(HISTORY).content.decode()
    assert "ana.admin" in content and "V-09" in content and "Modificado por" in content
    assert "Historial de cambios" in client.get(reverse("admin:index")).content.decode()
    filtered = client.get(HISTORY, {"action": str(LogEntry.Action.UPDATE)}).content.decode()
    assert "V-09" in filtered and "modificado" in filtered
    assert "V-09" not in client.get(HISTORY, {"action": str(LogEntry.Action.DELETE)}).content.decode()
    page = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk])).content.decode()
    assert "V-09" in page and "antes" in page and "después" in page
    assert client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_roles_granted_are_recorded_with_the_user_who_granted_them(floor, administrator):
    with audit_actor(administrator):
        clerk = staff_user_create(role=StaffRole.GREETER, center=floor.center, username="gabriel")
    membership = StaffMembership.objects.get(user=clerk)
    assert entries_for(StaffMembership, membership.pk).get().actor == administrator
    user_entries = entries_for(type(clerk), clerk.pk)
    assert {entry.actor for entry in user_entries} == {administrator}
    changes = [entry.changes_dict for entry in user_entries]
    assert any(change.get("is_staff") == ["False", "True"] for change in changes)
    assert any(change.get("groups", {}).get("objects") == [StaffRole.GREETER.value] for change in changes)
    assert not any("password" in change or "last_login" in change for change in changes)


def test_a_device_token_is_recorded_without_its_hash(floor, administrator):
    with audit_actor(administrator):
        device, token = device_token_create(center=floor.center, kind="kiosk", name="Entrada 1")
        device.is_active = False
        device.save()
    created, revoked = entries_for(DeviceToken, device.pk).order_by("pk")
    assert created.actor == revoked.actor == administrator
    assert "token_hash" not in created.changes_dict and device.token_hash not in str(created.changes)
    assert revoked.changes_dict == {"is_active": ["True", "False"]}


def test_non_administrators_cannot_see_the_history(client, floor):
    LogEntry.objects.log_create(floor.center, action=LogEntry.Action.UPDATE, changes={"name": ["a", "b"]})
    for role in (StaffRole.SUPERVISOR, StaffRole.GREETER, StaffRole.COUNTER_AGENT):
        verified_client(staff_user_create(role=role, center=floor.center), client)
        entry = LogEntry.objects.latest("pk")
        assert client.get(HISTORY).status_code == 403, role
        assert client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk])).status_code == 403, role
        assert HISTORY not in client.get(reverse("admin:index")).content.decode(), role
    verified_client(staff_user_create(role=StaffRole.ANALYST), client)
    assert client.get(HISTORY).status_code == 403
    client.logout()
    assert client.get(HISTORY).status_code == 302  # to the login page


@pytest.fixture
def booked(db):
    with time_machine.travel(NOW, tick=False):
        schedule = ScheduleFactory()
        slot = slot_create(schedule=schedule, starts_at=SLOT_START)
        appointment = appointment_create(slot=slot, n=3, full_name="Rosa Quispe Mamani")
    return appointment


def test_appointments_are_recorded_only_when_staff_change_them_without_personal_data(client, booked, administrator):
    assert not entries_for(Appointment).exists()  # the citizen's own booking: no history row, no extra statement
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("admin:appointments_appointment_changelist"),
            {
                "action": "cancel_with_reason",
                "_selected_action": [booked.pk],
                "confirm": "1",
                "reason": "La ciudadana Rosa Quispe pidió anularla",
            },
        )
    assert response.status_code == 302
    entry = entries_for(Appointment, booked.pk).get()
    assert entry.actor == administrator and entry.object_repr == booked.code_display
    assert entry.changes_dict["status"] == ["booked", "cancelled"]
    assert entry.changes_dict["cancel_reason"] == ["", "••••••"]
    everything = f"{entry.changes} {entry.object_repr} {entry.serialized_data}"
    for personal in ("Rosa", "Quispe", booked.document_number, booked.email, "987"):
        assert personal not in everything


def test_a_booking_made_by_a_staff_member_is_recorded(administrator):
    """A phone operator books for a caller: the creation is in the history, with its author (the booking service
    inserts with its own statement and sends the model's save signals as save() would)."""
    with time_machine.travel(NOW, tick=False):
        slot = slot_create(schedule=ScheduleFactory(), starts_at=SLOT_START)
        with audit_actor(administrator):
            appointment = appointment_create(slot=slot, n=4, full_name="Rosa Quispe Mamani")
    entry = entries_for(Appointment, appointment.pk).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == administrator
    assert entry.changes_dict["status"] == ["None", "booked"]
    assert entry.changes_dict["slot"] == ["None", str(slot.pk)]
    assert "Rosa" not in f"{entry.changes} {entry.serialized_data}"


def test_call_next_runs_no_extra_statement(client, administrator):
    """The counters' hot path: the same statements with the history on as with it off, none on its table."""
    floor = floor_create(name="Centro MAC Piura")
    with time_machine.travel(at(10), tick=False):
        counts = []
        for disabled, label in ((True, "V-03"), (False, "V-04")):
            counter = CounterFactory(center=floor.center, entity=floor.dni.entity, label=label, procedures=[floor.dni])
            session = session_open(counter=counter, at=at(8, 30))
            ticket_create(center=floor.center, procedure=floor.dni, at=at(9))
            with audit_actor(session.agent), CaptureQueriesContext(connection) as queries:
                if disabled:
                    with disable_auditlog():
                        assert ticket_call_next(session=session) is not None
                else:
                    assert ticket_call_next(session=session) is not None
            counts.append(len(queries))
            assert not any("auditlog" in query["sql"] for query in queries.captured_queries)
        assert counts[0] == counts[1]
        # Through the counter screen, with the middleware's actor: still nothing written to the history.
        agent = staff_user_create(role=StaffRole.COUNTER_AGENT, center=floor.center)
        verified_client(agent, client)
        screen = reverse("admin:attention_counterscreen_changelist")
        client.post(screen, {"action": "open", "counter": floor.pj_counter.pk})
        ticket_create(center=floor.center, procedure=floor.record, at=at(9, 30))
        before = LogEntry.objects.count()
        with CaptureQueriesContext(connection) as queries:
            assert client.post(screen, {"action": "call_next"}).status_code == 302
        assert LogEntry.objects.count() == before
        assert not any("auditlog" in query["sql"] for query in queries.captured_queries)


def test_requests_of_citizens_and_devices_run_with_the_history_off(client, floor):
    """A kiosk's first ticket of an entity creates its queue: no history statement (the public pages pay nothing);
    the same queue created by a greeter in the admin is recorded with the greeter."""
    device, token = device_token_create(center=floor.center, kind="kiosk", name="Entrada 1")
    url = reverse("attention:kiosk", args=[floor.center.slug])
    client.get(url, {"token": token})
    before = LogEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, {"procedure": floor.dni.pk, "preferential_reason": "none"}).status_code == 302
    assert Queue.objects.filter(center=floor.center).count() == 1
    assert LogEntry.objects.count() == before
    assert not any("auditlog" in query["sql"] for query in queries.captured_queries)

    greeter = staff_user_create(role=StaffRole.GREETER, center=floor.center)
    verified_client(greeter, client)
    response = client.post(
        reverse("admin:attention_greeterscreen_changelist"),
        {"center": floor.center.pk, "action": "issue", "procedure": floor.record.pk, "preferential_reason": "none"},
    )
    assert response.status_code == 302
    queue = Queue.objects.get(center=floor.center, entity=floor.record.entity)
    assert entries_for(Queue, queue.pk).get().actor == greeter
