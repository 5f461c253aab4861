"""The attention API: same rules and scoping as the screens, device tokens for kiosks and panels, one error shape."""

import base64

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from centers.constants import StaffRole
from centers.tests.factories import staff_user_create
from conftest import verified_client

from ..constants import DeviceKind, TicketStatus
from ..models import Ticket
from ..services import counter_open, device_token_create, ticket_call_next
from .conftest import at
from .factories import floor_create, session_open, ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def piura(db):
    return floor_create(name="Centro MAC Piura")


def issue_url(floor):
    return reverse("api-attention-issue", args=[floor.center.slug])


def staff_client(role, floor) -> Client:
    client = Client(enforce_csrf_checks=True)
    verified_client(staff_user_create(role=role, center=floor.center), client)
    client.get("/admin/")  # the admin page sets the CSRF cookie, as for the admin's own pages
    return client


def post(client: Client, url: str, data=None):
    return client.post(
        url, data or {}, content_type="application/json", headers={"X-CSRFToken": client.cookies["csrftoken"].value}
    )


def test_a_kiosk_issues_tickets_for_its_own_center_only(client, floor, piura, frozen):
    _device, token = device_token_create(center=floor.center, kind=DeviceKind.KIOSK, name="Entrada")
    auth = {"Authorization": f"Device {token}"}
    response = client.post(
        issue_url(floor),
        {"procedure": floor.dni.pk, "preferential_reason": "child"},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["code"] == "A-001" and body["preferential_reason"] == "child" and body["people_ahead"] == 0
    assert body["status_url"].startswith("/turno/") and body["print_url"].endswith("/imprimir/")
    response = client.post(issue_url(piura), {"procedure": piura.dni.pk}, content_type="application/json", headers=auth)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    bad = client.post(issue_url(floor), {"procedure": 999999}, content_type="application/json", headers=auth)
    assert (
        bad.status_code == 400
        and set(bad.json()) >= {"code", "detail", "errors"}
        and "procedure" in bad.json()["errors"]
    )
    wrong = client.post(
        issue_url(floor),
        {"procedure": floor.dni.pk},
        content_type="application/json",
        headers={"Authorization": "Device nope"},
    )
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"] == "Device"
    anonymous = client.post(issue_url(floor), {"procedure": floor.dni.pk}, content_type="application/json")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"


def test_a_screen_token_cannot_issue_tickets(client, floor):
    _device, token = device_token_create(center=floor.center, kind=DeviceKind.SCREEN, name="TV")
    response = client.post(
        issue_url(floor),
        {"procedure": floor.dni.pk},
        content_type="application/json",
        headers={"Authorization": f"Device {token}"},
    )
    assert response.status_code == 403 and not Ticket.objects.exists()


def test_staff_need_csrf_their_role_and_their_center(floor, piura, frozen):
    greeter = staff_client(StaffRole.GREETER, floor)
    no_csrf = greeter.post(issue_url(floor), {"procedure": floor.dni.pk}, content_type="application/json")
    assert no_csrf.status_code == 403
    assert post(greeter, issue_url(floor), {"procedure": floor.dni.pk}).status_code == 201
    assert post(greeter, issue_url(piura), {"procedure": piura.dni.pk}).status_code == 404
    assert post(greeter, reverse("api-attention-call-next")).status_code == 403  # not a counter role
    unknown = post(greeter, reverse("api-attention-check-in", args=[floor.center.slug]), {"code": "ABCDE-FGHJK"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "appointment_not_found"


def test_a_counter_agent_calls_serves_and_transfers_through_the_api(floor, piura, frozen):
    agent_client = staff_client(StaffRole.COUNTER_AGENT, floor)
    assert post(agent_client, reverse("api-attention-call-next")).json()["code"] == "counter_not_open"
    agent = get_user_model().objects.get(pk=agent_client.session["_auth_user_id"])
    counter_open(counter=floor.reniec_counter, agent=agent)
    assert post(agent_client, reverse("api-attention-call-next")).status_code == 204
    first = ticket_create(center=floor.center, procedure=floor.dni, at=at(9))
    second = ticket_create(center=floor.center, procedure=floor.dni, at=at(9, 1))
    called = post(agent_client, reverse("api-attention-call-next"))
    assert called.status_code == 200 and called.json()["code"] == first.code and called.json()["counter"] == "V-01"
    busy = post(agent_client, reverse("api-attention-call-next"))
    assert busy.status_code == 409 and busy.json()["code"] == "ticket_in_progress"
    assert post(agent_client, reverse("api-attention-recall", args=[first.pk])).status_code == 200
    assert post(agent_client, reverse("api-attention-start", args=[first.pk])).json()["status"] == "serving"
    moved = post(agent_client, reverse("api-attention-transfer", args=[first.pk]), {"procedure": floor.record.pk})
    assert moved.status_code == 200 and moved.json()["status"] == "waiting" and moved.json()["code"] == first.code
    again = post(agent_client, reverse("api-attention-call-next"))
    assert again.json()["code"] == second.code
    invalid = post(agent_client, reverse("api-attention-finish", args=[second.pk]), {"outcome": "maybe"})
    assert invalid.status_code == 400 and "outcome" in invalid.json()["errors"]
    done = post(agent_client, reverse("api-attention-finish", args=[second.pk]), {"outcome": "resolved"})
    assert done.status_code == 200 and done.json()["status"] == TicketStatus.FINISHED
    # Another center's ticket is unknown to this agent.
    foreign = ticket_create(center=piura.center, procedure=piura.dni, at=at(9))
    assert post(agent_client, reverse("api-attention-start", args=[foreign.pk])).status_code == 404


def test_the_screen_feed_for_panels_with_etag(client, floor, piura, frozen):
    _device, token = device_token_create(center=floor.center, kind=DeviceKind.SCREEN, name="Panel")
    auth = {"Authorization": f"Device {token}"}
    ticket_create(center=floor.center, procedure=floor.dni, at=at(9), preferential_reason="pregnant")
    ticket_call_next(session=session_open(counter=floor.reniec_counter), now=at(9, 30))
    url = reverse("api-attention-screen", args=[floor.center.slug])
    response = client.get(url, headers=auth)
    assert response.status_code == 200
    assert response.json()["rows"] == [
        {"code": "A-001", "counter": "V-01", "called_at": response.json()["rows"][0]["called_at"], "preferential": True}
    ]
    assert client.get(url, headers={**auth, "If-None-Match": response["ETag"]}).status_code == 304
    assert client.get(reverse("api-attention-screen", args=[piura.center.slug]), headers=auth).status_code == 404
    assert client.get(url).status_code == 401


def test_the_attention_endpoints_are_documented(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = [path for path in schema["paths"] if path.startswith("/api/v1/attention/")]
    assert len(paths) == 8
    for path in paths:
        for operation in schema["paths"][path].values():
            assert operation["summary"] and "404" in operation["responses"], path
    assert "deviceToken" in schema["components"]["securitySchemes"]


def test_staff_act_through_the_api_only_after_two_step_verification(floor, frozen):
    """A password alone (a session the admin would send to the code page) reaches nothing: the API is no way round
    the two-step verification that guards citizens' data."""
    greeter = staff_user_create(role=StaffRole.GREETER, center=floor.center)
    unverified = Client(enforce_csrf_checks=True)
    unverified.force_login(greeter)
    unverified.get("/admin/", follow=True)  # the enrolment page (the password was all it gave) sets the CSRF cookie
    response = post(unverified, issue_url(floor), {"procedure": floor.dni.pk})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert "verificación en dos pasos" in response.json()["detail"]
    assert not Ticket.objects.exists()
    verified = verified_client(greeter, unverified)
    verified.get("/admin/")
    assert post(verified, issue_url(floor), {"procedure": floor.dni.pk}).status_code == 201


def test_http_basic_credentials_are_refused_unchecked(client, floor):
    greeter = staff_user_create(role=StaffRole.GREETER, center=floor.center)
    response = client.post(
        issue_url(floor),
        {"procedure": floor.dni.pk},
        content_type="application/json",
        headers={"Authorization": "Basic " + base64.b64encode(f"{greeter.username}:password".encode()).decode()},
    )
    assert response.status_code in (401, 403) and response.json()["code"] == "authentication_failed"
    assert not Ticket.objects.exists()


def test_an_unknown_ticket_is_404_whoever_asks_and_a_malformed_body_400_first(client, floor):
    url = reverse("api-attention-finish", args=[999_999])
    assert client.post(url, {}, content_type="application/json").json()["code"] == "not_found"
    malformed = client.post(url, '{"outcome": ', content_type="application/json")
    assert malformed.status_code == 400 and malformed.json()["code"] == "parse_error"
