"""The kiosk issues one ticket per rendered page: a double tap or a retried POST finds the ticket already issued
(attention.services.kiosk), also when two posts of one page arrive at the same instant (real PostgreSQL
connections)."""

import re
import threading

import pytest
import time_machine
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from centers.models import Offering

from ..constants import DeviceKind
from ..models import KioskRequest, Ticket
from ..services import device_token_create, kiosk_ticket_issue
from .factories import floor_create


@pytest.fixture
def kiosk(db, client):
    floor = floor_create()
    device, token = device_token_create(center=floor.center, kind=DeviceKind.KIOSK, name="Entrada 1")
    url = reverse("attention:kiosk", args=[floor.center.slug])
    client.get(url, {"token": token})
    return floor, device, url


def page_key(client, url, procedure) -> str:
    response = client.get(url, {"procedure": procedure.pk})
    assert "no-store" in response["Cache-Control"]  # "back" fetches the page (and a key) anew
    content = response.content.decode()
    keys = set(re.findall(r'name="request_key" value="([^"]+)"', content))
    assert len(keys) == 1  # every button of the page posts the same key
    return keys.pop()


@pytest.mark.django_db
def test_a_double_tap_issues_one_ticket(client, kiosk):
    floor, _device, url = kiosk
    key = page_key(client, url, floor.dni)
    # Time stands still: the ticket's link is signed with the moment, so three taps must get the same one.
    with time_machine.travel(timezone.now(), tick=False):
        first = client.post(url, {"procedure": floor.dni.pk, "preferential_reason": "none", "request_key": key})
        again = client.post(url, {"procedure": floor.dni.pk, "preferential_reason": "none", "request_key": key})
        other = {"procedure": floor.dni.pk, "preferential_reason": "pregnant", "request_key": key}
        other_button = client.post(url, other)
    assert first.status_code == again.status_code == other_button.status_code == 302
    assert first.url == again.url == other_button.url
    ticket = Ticket.objects.get()
    assert ticket.preferential_reason == "none"
    assert KioskRequest.objects.get().ticket == ticket
    # The next citizen's page has a new key: a new ticket.
    next_key = page_key(client, url, floor.dni)
    assert next_key != key
    client.post(url, {"procedure": floor.dni.pk, "preferential_reason": "none", "request_key": next_key})
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_issue_leaves_the_key_free_and_bad_keys_are_refused(client, kiosk):
    floor, device, url = kiosk
    key = page_key(client, url, floor.dni)
    Offering.objects.filter(center=floor.center, procedure=floor.dni).update(is_active=False)
    refused = client.post(url, {"procedure": floor.dni.pk, "preferential_reason": "none", "request_key": key})
    assert refused.status_code == 400 and not Ticket.objects.exists() and not KioskRequest.objects.exists()
    Offering.objects.filter(center=floor.center, procedure=floor.dni).update(is_active=True)
    assert client.post(url, {"procedure": floor.dni.pk, "request_key": key}).status_code == 302
    assert Ticket.objects.count() == 1
    bad = client.post(url, {"procedure": floor.dni.pk, "request_key": "<script>"})
    assert bad.status_code == 400 and Ticket.objects.count() == 1
    # Keys are per device: another kiosk's page with the same key gets its own ticket.
    other, _token = device_token_create(center=floor.center, kind=DeviceKind.KIOSK, name="Entrada 2")
    ticket, issued = kiosk_ticket_issue(device=other, key=key, procedure=floor.dni)
    assert issued and Ticket.objects.count() == 2
    assert kiosk_ticket_issue(device=device, key=key, procedure=floor.dni) == (Ticket.objects.earliest("pk"), False)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_migrated_rows")
def test_two_posts_of_one_page_at_the_same_instant_issue_one_ticket():
    """The first post holds its key's row while it issues; the second, in its own connection, waits on that row
    (seen waiting on a lock in pg_stat_activity) and then answers with the first post's ticket."""
    floor = floor_create()
    device, _token = device_token_create(center=floor.center, kind=DeviceKind.KIOSK, name="Entrada 1")
    key = "double-tap-key-0123456789"
    first_inside, let_first_commit = threading.Event(), threading.Event()
    results: dict[str, tuple[int, bool]] = {}
    errors: list[str] = []

    def first() -> None:
        try:
            with transaction.atomic():
                ticket, issued = kiosk_ticket_issue(device=device, key=key, procedure=floor.dni)
                results["first"] = (ticket.pk, issued)
                first_inside.set()
                assert let_first_commit.wait(timeout=30)
        except Exception as exc:  # noqa: BLE001 - reported in the assertion, never hidden
            errors.append(f"first: {type(exc).__name__}: {exc}")
        finally:
            first_inside.set()
            connection.close()

    def second() -> None:
        try:
            ticket, issued = kiosk_ticket_issue(device=device, key=key, procedure=floor.dni)
            results["second"] = (ticket.pk, issued)
        except Exception as exc:  # noqa: BLE001 - reported in the assertion, never hidden
            errors.append(f"second: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    one, two = threading.Thread(target=first), threading.Thread(target=second)
    one.start()
    assert first_inside.wait(timeout=30)
    two.start()
    try:
        waiting = 0
        for _attempt in range(20_000):  # bounded: until the second post is seen blocked on the first's row
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query ILIKE %s",
                    ["%attention_kioskrequest%"],
                )
                waiting = cursor.fetchone()[0]
            if waiting or not two.is_alive():
                break
        assert waiting == 1, "the second post did not wait for the first"
    finally:
        let_first_commit.set()
        one.join(timeout=30)
        two.join(timeout=30)
    assert errors == []
    assert results["first"][1] is True and results["second"] == (results["first"][0], False)
    assert Ticket.objects.count() == 1 and KioskRequest.objects.count() == 1
