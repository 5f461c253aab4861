"""Kiosks and screens stay authorised as long as their token is active (a signed device cookie, not the session),
and stop at their next request once the administrator deactivates them."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import signing
from django.urls import reverse

from ..constants import DeviceKind
from ..devices import COOKIE_MAX_AGE, COOKIE_SALT, cookie_name
from ..models import Ticket
from ..services import device_token_create
from .conftest import at
from .factories import floor_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(db):
    return floor_create()


def authorise(client, floor, kind):
    device, token = device_token_create(center=floor.center, kind=kind, name="Entrada")
    url = reverse("attention:kiosk" if kind == DeviceKind.KIOSK else "attention:screen", args=[floor.center.slug])
    response = client.get(url, {"token": token})
    assert response.status_code == 302 and "token" not in response.url
    cookie = response.cookies[cookie_name(kind)]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) == COOKIE_MAX_AGE
    return device, url


def forget_sessions(client):
    """What an expired (or flushed) session leaves: no session at all, only the device's own cookie."""
    Session.objects.all().delete()
    client.cookies.pop("sessionid", None)


def test_a_kiosk_outlives_any_session_while_its_token_is_active(client, floor):
    with time_machine.travel(at(8), tick=False) as traveller:
        device, url = authorise(client, floor, DeviceKind.KIOSK)
        for days in (1, 15, 90, 365, 3 * 365):  # beyond staff sessions (8 h) and Django's two weeks
            traveller.move_to(at(8) + dt.timedelta(days=days))
            forget_sessions(client)
            response = client.get(url, {"procedure": floor.dni.pk})
            assert response.status_code == 200, days
            # Every page renews the cookie, so the browser's own limit (about 400 days) never ends it.
            assert int(response.cookies[cookie_name(DeviceKind.KIOSK)]["max-age"]) == COOKIE_MAX_AGE
        assert client.post(url, {"procedure": floor.dni.pk}).status_code == 302
        assert Ticket.objects.filter(center=floor.center).count() == 1

        # Revoked in the admin: refused at the very next request, whatever the cookie says.
        device.is_active = False
        device.save()
        assert client.get(url).status_code == 403
        assert client.post(url, {"procedure": floor.dni.pk}).status_code == 403
        assert Ticket.objects.count() == 1


def test_a_screen_outlives_its_session_and_stops_when_revoked(client, floor):
    with time_machine.travel(at(8), tick=False) as traveller:
        device, url = authorise(client, floor, DeviceKind.SCREEN)
        rows = reverse("attention:screen_rows", args=[floor.center.slug])
        traveller.move_to(at(8) + dt.timedelta(days=30))
        forget_sessions(client)
        assert client.get(url).status_code == 200
        first = client.get(rows)
        assert first.status_code == 200 and cookie_name(DeviceKind.SCREEN) in first.cookies
        device.is_active = False
        device.save()
        assert client.get(rows).status_code == 403
        assert client.get(url).status_code == 403


def test_a_forged_or_foreign_device_cookie_is_refused(client, floor):
    device, url = authorise(client, floor, DeviceKind.KIOSK)
    name = cookie_name(DeviceKind.KIOSK)
    genuine = client.cookies[name].value
    # Tampered: another id under the same signature.
    client.cookies[name] = genuine.replace(genuine.split(":")[0], genuine.split(":")[0][:-2] + "xx")
    assert client.get(url).status_code == 403
    # Signed with another key (or salt): refused.
    client.cookies[name] = signing.dumps({"id": device.pk, "h": device.token_hash}, salt="other")
    assert client.get(url).status_code == 403
    # A kiosk cookie is no screen cookie, and one center's kiosk is not another's.
    client.cookies[name] = genuine
    assert client.get(url).status_code == 200
    screen = reverse("attention:screen", args=[floor.center.slug])
    assert client.get(screen).status_code == 403
    other = floor_create(name="Centro MAC Piura")
    assert client.get(reverse("attention:kiosk", args=[other.center.slug])).status_code == 403
    # The token's hash must match too (the id alone, e.g. of a device re-created with another token, is not enough).
    client.cookies[name] = signing.dumps({"id": device.pk, "h": "0" * 64}, salt=COOKIE_SALT)
    assert client.get(url).status_code == 403
