"""Who must use two-factor, and the writes of enrolment and recovery (views and the reset command call these)."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

__all__ = [
    "BACKUP_DEVICE_NAME",
    "staff_otp_backup_codes_left",
    "staff_otp_devices_reset",
    "staff_otp_enrolment_confirm",
    "staff_otp_enrolment_start",
    "staff_otp_has_device",
    "staff_otp_match",
    "staff_otp_required",
    "totp_qr_svg",
    "totp_secret",
]

BACKUP_DEVICE_NAME = "backup"


def staff_otp_required(user) -> bool:
    """Staff who can see personal data or hand out access (superusers, holders of any permission of an app in
    STAFF_OTP_REQUIRED_APPS) must use two-factor."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or any(user.has_module_perms(app) for app in settings.STAFF_OTP_REQUIRED_APPS)


def staff_otp_has_device(user) -> bool:
    """Whether the user has finished enrolment (a confirmed authenticator or backup codes)."""
    return user_has_device(user, confirmed=True)


def staff_otp_enrolment_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """The user's pending authenticator (a new secret the first time; the same one until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def staff_otp_enrolment_confirm(*, user: AbstractBaseUser, token: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the pending authenticator with a code it shows; then issue fresh backup codes (returned once, never
    shown again). None when the code is wrong (or there is nothing to confirm)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.STAFF_OTP_BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
    return device, codes


@transaction.atomic
def staff_otp_match(*, user: AbstractBaseUser, token: str) -> Device | None:
    """The confirmed device that accepts `token` (an authenticator code or an unused backup code), if any.
    Each device throttles its own failures (django-otp), and a backup code is deleted as it is used."""
    token = "".join(token.split()).lower()
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if device.verify_token(token):
            return device
    return None


def staff_otp_backup_codes_left(*, user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def staff_otp_devices_reset(*, user: AbstractBaseUser) -> int:
    """Recovery by an administrator: remove every device of the user; at the next login they enrol again. Their
    verified sessions stop being verified at once (the session's device is gone)."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    return removed


def totp_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no style attribute: fine under the Content-Security-Policy)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2, title="QR")
