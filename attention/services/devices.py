"""Kiosks and waiting-room screens: device tokens (only their SHA-256 is stored)."""

import secrets

from centers.models import Center

from ..models import DeviceToken
from ..tokens import token_hash

__all__ = ["device_token_create"]


def device_token_create(*, center: Center, kind: str, name: str, token: str | None = None) -> tuple[DeviceToken, str]:
    """A new device for a center; returns it with its token, which is shown once and never stored in clear."""
    token = token or secrets.token_urlsafe(32)
    device = DeviceToken.objects.create(center=center, kind=kind, name=name, token_hash=token_hash(token))
    return device, token
