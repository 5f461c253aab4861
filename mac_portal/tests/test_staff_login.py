"""Staff login (issue 7): password lockout (django-axes), no HTTP Basic on the API, two-step verification for staff
who can see personal data (enrolment, backup codes, reset) and staff sessions shorter than citizens'."""

import datetime as dt
import logging
import time
from base64 import b64encode
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.tests.utils import new_address
from conftest import verified_client

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def totp_code(device: TOTPDevice) -> str:
    """What the staff member's authenticator app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def staff_user(username: str = "clerk", *, superuser: bool = False, perms: tuple[str, ...] = ()) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True, is_superuser=superuser)
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def admin_login(client: Client, username: str, password: str, address: str):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


# --- Lockout (django-axes) ----------------------------------------------------------------------------------------


def test_thirty_wrong_passwords_then_the_right_one_is_locked_out_and_logged(client, caplog, settings):
    user = staff_user(superuser=True)
    address = new_address()
    statuses = set()
    with caplog.at_level(logging.WARNING, logger="axes"):
        for attempt in range(30):
            statuses.add(admin_login(client, user.username, f"wrong-{attempt}", address).status_code)
        response = admin_login(client, user.username, PASSWORD, address)
    assert statuses == {200, 429}  # the login form again, then the lockout page
    assert response.status_code == 429
    html = response.content.decode()
    assert "Demasiados intentos fallidos" in html
    assert f"{settings.AXES_COOLOFF_TIME.seconds // 60} minutos" in html
    assert "_auth_user_id" not in client.session
    assert any("Locking out" in record.getMessage() for record in caplog.records)


def test_an_address_is_locked_out_for_every_username(client, settings):
    staff_user("clerk", superuser=True)
    address = new_address()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        admin_login(client, f"guess-{attempt}", "wrong", address)
    assert admin_login(client, "clerk", PASSWORD, address).status_code == 429
    # The same person from another address (their own, not the sprayer's) still gets in.
    assert admin_login(Client(), "clerk", PASSWORD, new_address()).status_code == 302


def test_a_username_is_locked_out_from_every_address(client, settings):
    staff_user("clerk", superuser=True)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        admin_login(client, "clerk", f"wrong-{attempt}", new_address())
    assert admin_login(Client(), "clerk", PASSWORD, new_address()).status_code == 429


def test_the_lock_ends_after_the_cooling_off_period(client, settings):
    staff_user("clerk", superuser=True)
    address = new_address()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            admin_login(client, "clerk", f"wrong-{attempt}", address)
        assert admin_login(client, "clerk", PASSWORD, address).status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1))
        assert admin_login(client, "clerk", PASSWORD, address).status_code == 429
        # Another failure during the lock starts the cooling-off again; only a quiet period ends it.
        traveller.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1))
        assert admin_login(client, "clerk", PASSWORD, address).status_code == 302


def test_the_lockout_uses_the_address_behind_the_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    staff_user("clerk", superuser=True)
    proxy, attacker = "10.0.0.1", new_address()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("admin:login"),
            {"username": f"guess-{attempt}", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=attacker,
        )
    # The attacker's address is locked; a colleague behind the same proxy is not.
    colleague = Client().post(
        reverse("admin:login"),
        {"username": "clerk", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=new_address(),
    )
    assert colleague.status_code == 302


# --- API: session only ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("password", [PASSWORD, "wrong"])
def test_the_api_schema_refuses_http_basic(client, password):
    staff_user("clerk", superuser=True)
    credentials = b64encode(f"clerk:{password}".encode()).decode()
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert response.status_code in (401, 403)
    assert b"authentication_failed" in response.content
    assert client.get("/api/schema/").status_code == 200


def test_the_api_authenticates_by_session_only(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "common.api.authentication.SessionAuthentication"
    ]


# --- Two-step verification -----------------------------------------------------------------------------------------


def test_staff_without_a_device_are_sent_to_enrolment_and_enrol_with_a_code(client):
    user = staff_user("clerk", perms=("view_appointment",))
    assert admin_login(client, "clerk", PASSWORD, new_address()).status_code == 302
    response = client.get(reverse("admin:appointments_appointment_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:otp-enrol"))

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Configure la verificación en dos pasos" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")
    # The admin stays closed until the code is confirmed.
    assert client.get(reverse("admin:index")).status_code == 302

    wrong = client.post(response["Location"], {"token": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "no es válido" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()

    done = client.post(response["Location"], {"token": totp_code(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(codes)
    assert client.get(reverse("admin:appointments_appointment_changelist")).status_code == 200
    # Enrolment is over: the page now asks to verify instead of handing out a new secret.
    assert Client().get(reverse("staff:otp-enrol")).status_code == 302


def test_an_enrolled_staff_member_verifies_with_the_app_code_after_the_password(client):
    user = staff_user("boss", superuser=True)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    admin_login(client, "boss", PASSWORD, new_address())
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("staff:otp-verify"))
    verify = client.post(response["Location"], {"token": totp_code(device)})
    assert verify.status_code == 302 and verify["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_enrolment_never_adds_a_device_to_an_enrolled_account(client):
    user = staff_user("boss", superuser=True)
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    admin_login(client, "boss", PASSWORD, new_address())
    response = client.get(reverse("staff:otp-enrol"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("staff:otp-verify"))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_backup_code_works_once(client):
    user = staff_user("boss", superuser=True)
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    backup.token_set.create(token="abcd2345")
    backup.token_set.create(token="efgh6789")

    admin_login(client, "boss", PASSWORD, new_address())
    verify_url = reverse("staff:otp-verify")
    response = client.post(verify_url, {"token": "ABCD 2345"})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert StaticToken.objects.filter(device=backup).count() == 1

    again = Client()
    admin_login(again, "boss", PASSWORD, new_address())
    response = again.post(verify_url, {"token": "abcd2345"})
    assert response.status_code == 200 and "no es válido" in response.content.decode()
    assert again.get(reverse("admin:index")).status_code == 302


def test_an_unverified_session_gets_no_admin_view_even_bypassing_the_middleware(rf):
    from django.contrib import admin

    user = staff_user("boss", superuser=True)
    request = rf.get("/admin/")
    request.user = user
    request.user.is_verified = lambda: False
    assert admin.site.has_permission(request) is False
    request.user.is_verified = lambda: True
    assert admin.site.has_permission(request) is True


@pytest.mark.parametrize("codename", ["view_notification", "view_schedule", "change_user", "view_totpdevice"])
def test_staff_who_can_reach_personal_data_or_hand_out_access_need_the_second_step(client, codename):
    staff_user("clerk", perms=(codename,))
    admin_login(client, "clerk", PASSWORD, new_address())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("staff:otp-enrol"))


def test_staff_without_access_to_personal_data_need_no_second_step(client):
    staff_user("editor", perms=("view_procedure", "change_procedure"))
    admin_login(client, "editor", PASSWORD, new_address())
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:procedures_procedure_changelist")).status_code == 200


def test_the_reset_command_removes_the_devices_and_the_next_login_enrols_again():
    user = staff_user("boss", superuser=True)
    client = verified_client(user)
    StaticDevice.objects.create(user=user, name="backup", confirmed=True).token_set.create(token="abcd2345")
    assert client.get(reverse("admin:index")).status_code == 200

    out = StringIO()
    call_command("staff_otp_reset", "boss", stdout=out)
    assert "Removed 2" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=user).exists() and not StaticDevice.objects.filter(user=user).exists()
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("staff:otp-enrol"))


def test_the_reset_command_names_an_unknown_user():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nobody"):
        call_command("staff_otp_reset", "nobody")


# --- Staff sessions --------------------------------------------------------------------------------------------------


def test_staff_sessions_expire_sooner_than_citizens(client, settings):
    staff_user("editor", perms=("view_procedure",))
    admin_login(client, "editor", PASSWORD, new_address())
    client.get(reverse("admin:index"))
    assert client.session.get_expiry_age() == settings.STAFF_SESSION_IDLE_SECONDS < settings.SESSION_COOKIE_AGE

    citizen = Client()
    citizen.get(reverse("home"))
    citizen.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert citizen.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_a_staff_session_ends_after_its_maximum_length_however_active(client, settings):
    staff_user("editor", perms=("view_procedure",))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        admin_login(client, "editor", PASSWORD, new_address())
        for _ in range(settings.STAFF_SESSION_SECONDS // (settings.STAFF_SESSION_IDLE_SECONDS - 60) + 1):
            assert client.get(reverse("admin:index")).status_code == 200
            traveller.shift(dt.timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS - 60))
        response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_the_admin_never_shows_someone_elses_secret(admin_client):
    device = TOTPDevice.objects.create(user=staff_user("clerk", perms=("view_appointment",)), name="authenticator")
    response = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert response.status_code == 200
    assert device.key not in response.content.decode()
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403
